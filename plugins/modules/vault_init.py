#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_init
short_description: Initialise a Vault or OpenBao server without exposing its keys
version_added: 0.1.0
description:
  - Initialises a new server (C(PUT sys/init)). It splits the root key into key shares (Shamir seal) or creates
    recovery key shares (auto-unseal), and creates the initial root token.
  - An initialised server is left alone and reported unchanged (C(GET sys/seal-status)). In a Raft cluster,
    initialise one node only (C(run_once)); the others join it. A follower whose C(retry_join) has not reached the
    leader yet also reports that it is not initialised, and initialising it would make it a cluster of its own.
  - The shares and the root token never appear in the module's result in plaintext. Each one is either encrypted
    by the server to a PGP public key (O(pgp_keys), O(root_token_pgp_key)) and returned encrypted, or written to
    O(keys_file). When a value would be covered by neither, the module refuses before sending any request. It has
    no option that returns plaintext keys.
  - Check mode reports whether the server would be initialised, and fails when a real run would be refused, for
    example because O(keys_file) exists.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
options:
  secret_shares:
    description:
      - Number of unseal key shares to split the root key into, for a server with a Shamir seal (1 to 255).
      - Defaults to the number of O(pgp_keys), or 5 without them.
      - Refused when the server uses auto-unseal; use O(recovery_shares) there.
    type: int
  secret_threshold:
    description:
      - Number of unseal key shares needed to unseal (at least 2 when there is more than one share).
      - Defaults to 3, or to O(secret_shares) when that is smaller.
    type: int
  recovery_shares:
    description:
      - Number of recovery key shares, for a server with auto-unseal (C(transit), C(awskms) and other seals).
      - Defaults to the number of O(pgp_keys), or 5 without them.
      - V(0) creates no recovery keys. B(OpenBao) 2.4 and later accept it; B(HashiCorp Vault) refuses it.
    type: int
  recovery_threshold:
    description:
      - Number of recovery key shares needed for recovery operations. Defaults like O(secret_threshold).
    type: int
  pgp_keys:
    description:
      - One PGP public key per key share, in order. The server encrypts share N to key N and the module returns
        only the encrypted shares (RV(encrypted_keys)). The owner of the private key decrypts a share with
        C(echo SHARE | base64 -d | gpg --decrypt).
      - Each key is the base64 of the binary public key, as C(gpg --export KEY | base64 -w0) prints it, or an
        ASCII-armored public key block (C(gpg --export --armor KEY)). Duplicates are allowed.
      - C(keybase:user) names are not accepted; only the command line tools resolve them.
      - Used for the unseal key shares with a Shamir seal and for the recovery key shares with auto-unseal.
    type: list
    elements: str
  root_token_pgp_key:
    description:
      - PGP public key (same formats as O(pgp_keys)) to which the server encrypts the initial root token
        (RV(encrypted_root_token)).
    type: str
  keys_file:
    description:
      - Opt-in to writing the key shares and the root token to this file, as JSON in the layout of
        C(bao operator init -format=json) (C(unseal_keys_b64), C(unseal_keys_hex), C(recovery_keys_b64),
        C(root_token), ...). Values encrypted through O(pgp_keys) or O(root_token_pgp_key) are written encrypted.
      - The file is written on the host where the module runs. That is the Vault server for an ordinary task; use
        C(delegate_to) with C(localhost) to write it on the controller instead.
      - The file is created with mode V(0600) before the request is sent, so a path that cannot be written fails
        before the keys exist. An existing file is never overwritten; the module fails instead, because it may hold
        the keys of another server.
      - The file holds plaintext secrets unless PGP keys cover them. Move them to their owners and delete the file.
    type: path
notes:
  - The module sends no token; C(sys/init) and C(sys/seal-status) are unauthenticated. The connection options
    apply; the auth options are accepted, so that C(module_defaults) for the group work, and ignored.
  - The initialisation request is sent once, without the usual retries. If its answer is lost, the server may be
    initialised with nobody holding its keys; the module says so, and C(sys/init) tells.
  - An initialised server is never re-keyed. When O(secret_shares) or O(secret_threshold) differ from the server's
    settings, the module warns and reports no change.
  - B(OpenBao) refuses O(secret_shares) on a server with auto-unseal ("not applicable to seal type"), so the
    module sends only the recovery settings there, and only the secret ones for a Shamir seal.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Initialise the first node, each share encrypted for one operator
  citadel.secrets.vault_init:
    url: https://vault1.example.com:8200
    ca_cert: /etc/vault/tls/ca.pem
    secret_shares: 3
    secret_threshold: 2
    pgp_keys:
      - "{{ lookup('ansible.builtin.file', 'keys/alice.asc') }}"
      - "{{ lookup('ansible.builtin.file', 'keys/bob.asc') }}"
      - "{{ lookup('ansible.builtin.file', 'keys/carol.asc') }}"
    root_token_pgp_key: "{{ lookup('ansible.builtin.file', 'keys/alice.asc') }}"
  register: vault_init_result

- name: Hand each operator their encrypted share
  ansible.builtin.copy:
    content: "{{ item.1 }}\n"
    dest: "{{ playbook_dir }}/shares/{{ item.0 }}.b64"
    mode: "0600"
  loop: "{{ ['alice', 'bob', 'carol'] | zip(vault_init_result.encrypted_keys | default([])) }}"
  delegate_to: localhost

- name: Initialise and keep the keys in a file on the controller (explicit opt-in)
  citadel.secrets.vault_init:
    url: https://vault1.example.com:8200
    secret_shares: 1
    secret_threshold: 1
    keys_file: "{{ playbook_dir }}/vault-init.json"
  delegate_to: localhost

- name: Initialise a server that uses auto-unseal (recovery keys)
  citadel.secrets.vault_init:
    url: https://vault1.example.com:8200
    recovery_shares: 3
    recovery_threshold: 2
    pgp_keys: "{{ operator_pgp_keys }}"
    root_token_pgp_key: "{{ admin_pgp_key }}"
"""

RETURN = r"""
status:
  description: The server's initialisation after the task.
  returned: always
  type: dict
  contains:
    initialized:
      description: Whether the server is initialised (V(true) in check mode when it would be).
      type: bool
      returned: always
    seal_type:
      description: The seal, V(shamir) or an auto-unseal type such as V(transit) or V(awskms).
      type: str
      returned: always
    recovery_seal:
      description: Whether the server uses auto-unseal with recovery keys.
      type: bool
      returned: always
    shares:
      description: Number of key shares (recovery shares with auto-unseal).
      type: int
      returned: always
    threshold:
      description: Number of shares needed (recovery threshold with auto-unseal).
      type: int
      returned: always
encrypted_keys:
  description:
    - The key shares, each encrypted by the server to the PGP key at the same position in O(pgp_keys) and encoded
      in base64. Decrypt one with C(base64 -d | gpg --decrypt); the result is the share in hex.
    - Unseal key shares with a Shamir seal, recovery key shares with auto-unseal.
  returned: when this run initialised the server with O(pgp_keys)
  type: list
  elements: str
pgp_fingerprints:
  description: Fingerprints of the O(pgp_keys), in the same order as RV(encrypted_keys).
  returned: when this run initialised the server with O(pgp_keys)
  type: list
  elements: str
encrypted_root_token:
  description: The initial root token encrypted to O(root_token_pgp_key), base64-encoded.
  returned: when this run initialised the server with O(root_token_pgp_key)
  type: str
root_token_pgp_fingerprint:
  description: Fingerprint of O(root_token_pgp_key).
  returned: when this run initialised the server with O(root_token_pgp_key)
  type: str
keys_file:
  description: Path of the file the keys were written to.
  returned: when this run initialised the server with O(keys_file)
  type: str
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._sys import run_unauthenticated_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._init import InitResource

ARGSPEC = dict(
    secret_shares=dict(type="int", no_log=False),
    secret_threshold=dict(type="int", no_log=False),
    recovery_shares=dict(type="int"),
    recovery_threshold=dict(type="int"),
    pgp_keys=dict(type="list", elements="str", no_log=False),
    root_token_pgp_key=dict(type="str", no_log=False),
    keys_file=dict(type="path"),
)


def main():
    run_unauthenticated_module(InitResource, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
