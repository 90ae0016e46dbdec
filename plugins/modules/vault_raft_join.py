#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_raft_join
short_description: Join a Vault or OpenBao node to a Raft cluster
version_added: 0.1.0
description:
  - Asks a new node, the one at O(url), to join the Raft cluster led by O(leader_api_addr)
    (C(POST sys/storage/raft/join)).
  - A node that is already initialised, or already joining, is reported unchanged.
  - A node with a Shamir seal is still sealed afterwards. Unseal it with M(citadel.secrets.vault_unseal), which
    completes the join. A node with auto-unseal unseals itself.
  - Use it for nodes without C(retry_join) in their configuration. The C(vault_server) role renders
    C(retry_join), which needs no such task.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  leader_api_addr:
    description:
      - API address of a node of the cluster, normally the leader, for example V(https://vault1.example.com:8200).
        The joining node connects to it, not the module.
    type: str
    required: true
  leader_ca_cert_file:
    description:
      - PEM file of the CA the joining node uses to verify O(leader_api_addr). It is read on the host running the
        module and sent to the node.
    type: path
  leader_client_cert_file:
    description:
      - PEM client certificate the joining node presents to the leader, when the leader's listener requires one.
        It is read on the host running the module.
    type: path
  leader_client_key_file:
    description:
      - PEM key of O(leader_client_cert_file), read on the host running the module.
    type: path
  non_voter:
    description:
      - Join as a permanent non-voter (a read replica that never counts towards quorum). Autopilot promotes ordinary
        new nodes to voters by itself.
    type: bool
    default: false
  retry:
    description:
      - Let the node keep trying in the background when the leader cannot be reached yet. The task then succeeds
        before the node has joined. By default the node tries once and the task reports the error.
    type: bool
    default: false
notes:
  - The module sends no token to the joining node, because C(sys/storage/raft/join) and C(sys/seal-status) are
    unauthenticated there. The connection options apply to O(url); the auth options are accepted, so that
    C(module_defaults) for the group work, and ignored.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Join vault4 to the cluster, then unseal it
  citadel.secrets.vault_raft_join:
    url: https://vault4.example.com:8200
    ca_cert: /etc/vault/tls/ca.pem
    leader_api_addr: https://vault1.example.com:8200
    leader_ca_cert_file: /etc/vault/tls/ca.pem

- name: Unseal vault4, which completes the join
  citadel.secrets.vault_unseal:
    url: https://vault4.example.com:8200
    ca_cert: /etc/vault/tls/ca.pem
    keys: "{{ unseal_shares }}"
"""

RETURN = r"""
status:
  description: The node after the task.
  returned: always
  type: dict
  contains:
    initialized:
      description: Whether the node is initialised, that is, a member of a cluster or joining one.
      type: bool
      returned: always
    sealed:
      description: Whether the node is sealed.
      type: bool
      returned: always
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._sys import run_unauthenticated_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._raft_join import RaftJoinResource

ARGSPEC = dict(
    leader_api_addr=dict(type="str", required=True),
    leader_ca_cert_file=dict(type="path"),
    leader_client_cert_file=dict(type="path"),
    leader_client_key_file=dict(type="path", no_log=False),
    non_voter=dict(type="bool", default=False),
    retry=dict(type="bool", default=False),
)


def main():
    run_unauthenticated_module(RaftJoinResource, ARGSPEC,
                               required_together=[("leader_client_cert_file", "leader_client_key_file")],
                               supports_check_mode=True)


if __name__ == "__main__":
    main()
