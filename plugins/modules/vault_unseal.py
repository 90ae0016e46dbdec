#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_unseal
short_description: Unseal a Vault or OpenBao node with key shares
version_added: 0.1.0
description:
  - Submits unseal key shares to one node (C(PUT sys/unseal)), one at a time, until the node is unsealed. A node
    that is already unsealed is reported unchanged and gets no key.
  - Each node of a cluster is unsealed on its own, so point O(url) at each node in turn.
  - A Raft follower that joins through C(retry_join) reports that it is not initialised until it has reached an
    unsealed leader. After the last share it stays sealed for a moment while it joins. The module waits for both,
    up to O(wait_timeout) seconds.
  - A wrong share fails the task with a message that names its position in O(keys), never its value. The server
    then discards the whole attempt.
  - Check mode reports whether the given shares would unseal the node, without submitting any.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  keys:
    description:
      - Unseal key shares, hex or base64, as C(vault_init) wrote them to its O(citadel.secrets.vault_init#module:keys_file)
        or as an operator decrypted them from RV(citadel.secrets.vault_init#module:encrypted_keys).
      - Shares are submitted in order until the node unseals; the rest are not sent. A repeated share is sent once.
      - Can be fewer than the threshold when several operators unseal in turn; see O(require_unsealed).
    type: list
    elements: str
    default: []
  reset:
    description:
      - Discard the shares that earlier requests submitted in the current attempt before submitting O(keys). Use it
        after a partial or failed attempt.
    type: bool
    default: false
  require_unsealed:
    description:
      - Fail when the node is still sealed after O(keys) were submitted. When the shares given, plus those already
        submitted, cannot reach the threshold, the task fails before submitting any.
      - Set to V(false) when each operator submits their own share in a separate task; the task then reports the
        progress (RV(seal_status.progress)).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for a Raft follower to become initialised (its C(retry_join) reaching the leader) and, after
        the last share, to finish joining and unseal. V(0) does not wait.
    type: int
    default: 60
notes:
  - The module sends no token; C(sys/unseal) and C(sys/seal-status) are unauthenticated. The connection options
    apply; the auth options are accepted, so that C(module_defaults) for the group work, and ignored.
  - Keep the shares out of the output. O(keys) is a C(no_log) option, so its values are masked wherever Ansible
    prints them. Tasks that decrypt or read the shares still need C(no_log=true).
  - A node with auto-unseal (C(transit), C(awskms), ...) unseals itself when it starts and can reach its seal. If
    such a node is sealed, the module fails and says so, because key shares cannot unseal it.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Unseal every node with the shares the operators decrypted
  citadel.secrets.vault_unseal:
    url: "https://{{ item }}:8200"
    ca_cert: /etc/vault/tls/ca.pem
    keys: "{{ unseal_shares }}"
  loop: "{{ groups['vault_servers'] }}"

- name: One operator submits their share; the node stays sealed until enough operators did
  citadel.secrets.vault_unseal:
    url: https://vault1.example.com:8200
    keys:
      - "{{ my_unseal_share }}"
    require_unsealed: false
  register: unseal_progress

- name: Start over after a failed attempt
  citadel.secrets.vault_unseal:
    url: https://vault1.example.com:8200
    keys: "{{ unseal_shares }}"
    reset: true
"""

RETURN = r"""
seal_status:
  description: The node's seal status after the task (the predicted one in check mode).
  returned: always
  type: dict
  contains:
    initialized:
      description: Whether the node is initialised (or joining a Raft cluster).
      type: bool
      returned: always
    sealed:
      description: Whether the node is sealed.
      type: bool
      returned: always
    seal_type:
      description: The seal, V(shamir) or an auto-unseal type.
      type: str
      returned: always
    progress:
      description: Shares submitted so far in the current unseal attempt (0 when unsealed).
      type: int
      returned: always
    threshold:
      description: Shares needed to unseal.
      type: int
      returned: always
    shares:
      description: Number of key shares the root key is split into.
      type: int
      returned: always
keys_submitted:
  description: How many shares this run submitted.
  returned: always
  type: int
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._sys import run_unauthenticated_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._unseal import UnsealResource

ARGSPEC = dict(
    keys=dict(type="list", elements="str", no_log=True, default=[]),
    reset=dict(type="bool", default=False),
    require_unsealed=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=60),
)


def main():
    run_unauthenticated_module(UnsealResource, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
