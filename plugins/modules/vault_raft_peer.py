#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_raft_peer
short_description: Remove a dead node from a Vault or OpenBao Raft cluster
version_added: 0.1.0
description:
  - Removes a peer from the Raft configuration (C(sys/storage/raft/remove-peer)), typically a node that died or was
    decommissioned, so that it no longer counts towards quorum.
  - A node that is not a peer is reported unchanged. The server itself accepts the removal of an unknown node
    without error, so the module reads the Raft configuration first.
  - The leader is never removed. A node that autopilot reports healthy is removed only with O(force=true). Stop the
    node first, then wait until autopilot marks it unhealthy (after C(last_contact_threshold), see
    M(citadel.secrets.vault_raft_autopilot)).
  - Nodes join through C(retry_join) or M(citadel.secrets.vault_raft_join), so this module only removes.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  node_id:
    description:
      - Raft node ID of the peer (C(node_id) in its storage stanza, RV(citadel.secrets.vault_raft_info#module:peers)).
    type: str
    required: true
  state:
    description:
      - V(absent) removes the peer. It is the only state; nodes are added by joining.
    type: str
    choices: [absent]
    default: absent
  force:
    description:
      - Remove the peer even though autopilot reports it healthy.
    type: bool
    default: false
notes:
  - The token needs C(update) on C(sys/storage/raft/remove-peer) and C(read) on C(sys/storage/raft/configuration)
    and C(sys/storage/raft/autopilot/state).
  - A removed node that is still running does not rejoin by itself. Wipe its data directory before it joins
    again.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Remove a node that died
  citadel.secrets.vault_raft_peer:
    url: https://vault1.example.com:8200
    node_id: vault3
    state: absent
"""

RETURN = r"""
peer:
  description: The peer after the task (empty once removed, or in check mode when it would be).
  returned: always
  type: dict
  contains:
    node_id:
      description: Raft node ID.
      type: str
      returned: when the node is a peer
    address:
      description: Cluster address of the node.
      type: str
      returned: when the node is a peer
    voter:
      description: Whether it votes.
      type: bool
      returned: when the node is a peer
    leader:
      description: Whether it is the leader.
      type: bool
      returned: when the node is a peer
    healthy:
      description: Whether autopilot considers it healthy.
      type: bool
      returned: when the node is a peer
    last_contact:
      description: Seconds since the leader last heard from it.
      type: float
      returned: when the node is a peer
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._raft import RaftPeerResource

ARGSPEC = dict(
    node_id=dict(type="str", required=True),
    state=dict(type="str", choices=["absent"], default="absent"),
    force=dict(type="bool", default=False),
)


def main():
    run_resource_module(RaftPeerResource, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
