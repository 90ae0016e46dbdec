#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_raft_info
short_description: Read the Raft peers, leader and autopilot health of a Vault or OpenBao cluster
version_added: 0.1.0
description:
  - Reads the Raft configuration (C(sys/storage/raft/configuration)), which lists the peers, the voters and the
    leader. It also reads the autopilot state (C(sys/storage/raft/autopilot/state)), which gives each server's
    health and the cluster's failure tolerance.
  - Any unsealed node answers, the active node or a standby.
  - Use it with C(until) to wait for a cluster to converge, for example until three voters are healthy.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes.INFO
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options: {}
notes:
  - The token needs C(read) on C(sys/storage/raft/configuration) and C(sys/storage/raft/autopilot/state).
  - The server must use integrated storage (C(storage "raft")) and be unsealed.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Wait until the cluster has three healthy voters
  citadel.secrets.vault_raft_info:
    url: https://vault1.example.com:8200
  register: raft
  until: raft.voters | length == 3 and raft.healthy
  retries: 30
  delay: 2

- name: Show the leader
  ansible.builtin.debug:
    msg: "{{ raft.leader }} leads; the cluster survives {{ raft.failure_tolerance }} failure(s)"
"""

RETURN = r"""
peers:
  description: The Raft peers in the server's order, each with its autopilot health.
  returned: always
  type: list
  elements: dict
  contains:
    node_id:
      description: The node's Raft ID (C(node_id) in its storage stanza).
      type: str
    address:
      description: The node's cluster address (host:port).
      type: str
    leader:
      description: Whether it is the leader.
      type: bool
    voter:
      description: Whether it votes. Autopilot adds new nodes as non-voters and promotes them once they are stable.
      type: bool
    protocol_version:
      description: Raft protocol version.
      type: str
    healthy:
      description: Whether autopilot considers it healthy (recent contact, log not trailing). V(null) when autopilot
        does not report the node.
      type: bool
    status:
      description: Autopilot's view of the node, for example V(leader), V(voter) or V(non-voter).
      type: str
    node_status:
      description: Autopilot's membership status, for example V(alive).
      type: str
    last_contact:
      description: Seconds since the leader last heard from the node.
      type: float
    last_index:
      description: Index of the last log entry the node has.
      type: int
    last_term:
      description: Raft term of that entry.
      type: int
    stable_since:
      description: Time since which the node has been healthy.
      type: str
    version:
      description: Server version the node runs.
      type: str
leader:
  description: Node ID of the leader (V(null) when there is none).
  returned: always
  type: str
voters:
  description: Node IDs of the voters, sorted.
  returned: always
  type: list
  elements: str
non_voters:
  description: Node IDs of the non-voters, sorted.
  returned: always
  type: list
  elements: str
healthy:
  description: Whether autopilot considers the whole cluster healthy.
  returned: always
  type: bool
failure_tolerance:
  description: How many voters can fail without losing quorum.
  returned: always
  type: int
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_info_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._raft import read_raft_info

ARGSPEC = dict()


def main():
    run_info_module(read_raft_info, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
