#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_raft_autopilot
short_description: Configure Raft autopilot on a Vault or OpenBao cluster
version_added: 0.1.0
description:
  - Sets the autopilot configuration of a cluster that uses integrated storage
    (C(sys/storage/raft/autopilot/configuration)). There is one per cluster, and any unsealed node can set it.
  - Only the options given are compared and written; the others keep their current values.
  - Durations are compared in whole seconds, so V(24h), V(1d) and V(86400) are the same setting.
  - Every write is read back. When the server keeps its old value for a setting, the module fails and says which
    one. For example, the server ignores a request to set O(min_quorum) back to V(0).
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  cleanup_dead_servers:
    description:
      - Remove servers that have been unhealthy for O(dead_server_last_contact_threshold) automatically. The
        cluster never shrinks below O(min_quorum).
    type: bool
  last_contact_threshold:
    description:
      - How long a server may go without contact from the leader before autopilot marks it unhealthy. Seconds or a
        duration such as V(10s). At least one second.
    type: str
  dead_server_last_contact_threshold:
    description:
      - How long a server must be out of contact before O(cleanup_dead_servers) removes it, for example V(24h).
    type: str
  max_trailing_logs:
    description:
      - How many log entries a server may trail the leader by and still count as healthy.
    type: int
  min_quorum:
    description:
      - Minimum number of voters that dead server cleanup keeps. Set it to the cluster size (at least 3) when
        O(cleanup_dead_servers=true). The server does not accept V(0) once it has a value.
    type: int
  server_stabilization_time:
    description:
      - How long a new server must be healthy before autopilot promotes it to a voter, for example V(10s).
    type: str
notes:
  - The token needs C(read) and C(update) on C(sys/storage/raft/autopilot/configuration).
  - Enterprise-only settings (C(disable_upgrade_migration), redundancy zones) are not managed.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Clean up dead servers of a five-node cluster after an hour
  citadel.secrets.vault_raft_autopilot:
    url: https://vault1.example.com:8200
    cleanup_dead_servers: true
    dead_server_last_contact_threshold: 1h
    min_quorum: 5

- name: Promote new nodes after 30 seconds of good health
  citadel.secrets.vault_raft_autopilot:
    server_stabilization_time: 30s
"""

RETURN = r"""
autopilot:
  description: The autopilot configuration after the task, durations in seconds.
  returned: always
  type: dict
  contains:
    cleanup_dead_servers:
      description: Whether dead servers are removed automatically.
      type: bool
      returned: always
    last_contact_threshold:
      description: Seconds without contact before a server is unhealthy.
      type: int
      returned: always
    dead_server_last_contact_threshold:
      description: Seconds without contact before a server counts as dead.
      type: int
      returned: always
    max_trailing_logs:
      description: Log entries a healthy server may trail by.
      type: int
      returned: always
    min_quorum:
      description: Voters dead server cleanup keeps (0 when unset).
      type: int
      returned: always
    server_stabilization_time:
      description: Seconds a new server must be healthy before it becomes a voter.
      type: int
      returned: always
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._raft_autopilot import (
    RaftAutopilotResource)

ARGSPEC = dict(
    cleanup_dead_servers=dict(type="bool"),
    last_contact_threshold=dict(type="str"),
    dead_server_last_contact_threshold=dict(type="str"),
    max_trailing_logs=dict(type="int"),
    min_quorum=dict(type="int"),
    server_stabilization_time=dict(type="str"),
)


def main():
    run_resource_module(RaftAutopilotResource, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
