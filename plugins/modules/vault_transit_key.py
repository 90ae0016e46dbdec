#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_transit_key
short_description: Manage a named encryption key of a Vault or OpenBao transit engine
version_added: 0.1.0
description:
  - Creates a named key at C(<mount>/keys/<name>), sets its configuration at C(<mount>/keys/<name>/config) when it
    differs, rotates it on request, and deletes it.
  - O(type), O(key_size), O(derived) and O(convergent_encryption) are fixed when the key is created. The server
    silently ignores a different value sent for an existing key, so a task that asks for one fails with a clear
    message instead and changes nothing.
  - O(exportable) and O(allow_plaintext_backup) can be turned on later but never off again; asking to turn one off
    fails.
  - O(min_decryption_version) and O(min_encryption_version) are checked against the latest version the key will
    have (after the rotation the same task asks for, if any) before any request that changes something.
  - O(rotate=true) adds a new key version every time it runs, so the task always reports a change; check mode
    predicts the new version number.
  - No key material is ever read or returned; the result holds the key's settings and version numbers.
  - All options are checked before any request is sent.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  mount:
    description:
      - Path where the transit engine is mounted.
      - A path that is not a transit engine is refused with a clear message.
    type: str
    default: transit
  name:
    description:
      - Name of the key.
    type: str
    required: true
  type:
    description:
      - Key type, fixed at creation. When omitted, a new key gets the server's default V(aes256-gcm96) and an
        existing key's type is not checked.
      - V(aes128-gcm96), V(aes256-gcm96) and V(chacha20-poly1305) encrypt and decrypt; V(ed25519), V(ecdsa-p256),
        V(ecdsa-p384), V(ecdsa-p521) sign; V(rsa-2048), V(rsa-3072), V(rsa-4096) do both; V(hmac) only computes
        HMACs and needs O(key_size).
    type: str
    choices: [aes128-gcm96, aes256-gcm96, chacha20-poly1305, ed25519, ecdsa-p256, ecdsa-p384, ecdsa-p521,
              rsa-2048, rsa-3072, rsa-4096, hmac]
  key_size:
    description:
      - Length of an V(hmac) key in bytes, from V(32) to V(512). Required with O(type=hmac), refused with any other
        type. Fixed at creation.
    type: int
  derived:
    description:
      - Derive a key per request from a C(context) the caller supplies; every encrypt and decrypt must then send one.
        Fixed at creation. Only for the encryption types and V(ed25519).
    type: bool
  convergent_encryption:
    description:
      - The same plaintext and context always give the same ciphertext (deterministic encryption, for example to
        search by an encrypted value). Needs O(derived=true). Fixed at creation.
    type: bool
  exportable:
    description:
      - Allow the key versions to be exported. Once true it cannot be set back to false.
    type: bool
  allow_plaintext_backup:
    description:
      - Allow a backup of the key in plaintext form. Once true it cannot be set back to false.
    type: bool
  deletion_allowed:
    description:
      - Whether the key may be deleted. The server refuses to delete a key unless this is true.
      - With O(state=absent), V(true) sets it and deletes the key in one task; without it, deleting a key that does not
        already allow deletion fails and changes nothing.
    type: bool
  min_decryption_version:
    description:
      - Oldest key version that may still decrypt (and rewrap). Raising it makes older ciphertexts undecryptable,
        so rewrap them first (see the C(citadel.secrets.transit_rotate) playbook).
      - At least V(1) and at most the latest version.
    type: int
  min_encryption_version:
    description:
      - Oldest key version that may encrypt; V(0) means the latest version. At most the latest version, and not
        lower than O(min_decryption_version) unless V(0).
    type: int
  auto_rotate_period:
    description:
      - Rotate the key automatically this often, as seconds (V(86400)) or a duration (V(24h), V(30d)).
        V(0) disables it; otherwise it must be at least one hour.
    type: raw
  rotate:
    description:
      - Rotate the key now, adding a new latest version. Always reports a change. Applied after creating the key and
        before the configuration, so one task can rotate and raise O(min_encryption_version) to the new version.
    type: bool
    default: false
  state:
    description:
      - V(present) creates the key and applies the settings that differ; V(absent) deletes it (see
        O(deletion_allowed)).
    type: str
    choices: [present, absent]
    default: present
notes:
  - HashiCorp Vault and OpenBao expose the same transit key API for everything this module does. OpenBao also
    reports C(soft_deleted) for a key (its soft-deletion feature); the module does not manage it.
  - The token needs C(read) on C(<mount>/keys/<name>), C(create) on it to create the key, C(update) on
    C(<mount>/keys/<name>/config) and C(<mount>/keys/<name>/rotate) for what it changes, and C(delete) on the key to
    remove it. When the key does not exist, it also reads C(sys/internal/ui/mounts/<mount>) to make sure the mount is
    a transit engine; a token that may not read it is given the benefit of the doubt.
  - Deleting a key makes every ciphertext made with it permanently undecryptable.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Enable transit for encrypting card numbers
  citadel.secrets.vault_secrets_engine:
    path: transit
    engine_type: transit

- name: A key for card numbers, rotated monthly, older versions kept for decryption
  citadel.secrets.vault_transit_key:
    name: cards
    type: aes256-gcm96
    auto_rotate_period: 30d

- name: A derived key for per-customer card encryption (each request sends the customer id as context)
  citadel.secrets.vault_transit_key:
    name: cards-per-customer
    derived: true

- name: Rotate the card key now
  citadel.secrets.vault_transit_key:
    name: cards
    rotate: true
  register: rotated

- name: After rewrapping every stored card number, stop accepting the older versions
  citadel.secrets.vault_transit_key:
    name: cards
    min_decryption_version: "{{ rotated.latest_version }}"

- name: An HMAC key for tokenising card numbers (lookup by HMAC instead of by number)
  citadel.secrets.vault_transit_key:
    mount: tokens
    name: card-index
    type: hmac
    key_size: 32

- name: Retire a key (allows deletion and deletes it in one task)
  citadel.secrets.vault_transit_key:
    name: cards-legacy
    deletion_allowed: true
    state: absent
"""

RETURN = r"""
latest_version:
  description:
    - The key's latest version after the task; V(0) when the key does not exist.
    - In check mode, the version a real run would have produced (one more than before with O(rotate=true)).
  returned: always
  type: int
  sample: 3
key:
  description: The key's settings after the task (empty when it does not exist). Never contains key material.
  returned: always
  type: dict
  contains:
    name:
      description: Key name.
      type: str
      returned: when the key exists
    mount:
      description: Mount of the transit engine.
      type: str
      returned: when the key exists
    type:
      description: Key type.
      type: str
      returned: when the key exists
      sample: aes256-gcm96
    key_size:
      description: Key length in bytes.
      type: int
      returned: when the key exists and its type is hmac
    derived:
      description: Whether keys are derived per request from a context.
      type: bool
      returned: when the key exists
    convergent_encryption:
      description: Whether encryption is convergent (deterministic).
      type: bool
      returned: when the key exists
    exportable:
      description: Whether key versions may be exported.
      type: bool
      returned: when the key exists
    allow_plaintext_backup:
      description: Whether plaintext backups are allowed.
      type: bool
      returned: when the key exists
    deletion_allowed:
      description: Whether the key may be deleted.
      type: bool
      returned: when the key exists
    min_decryption_version:
      description: Oldest version that may decrypt.
      type: int
      returned: when the key exists
    min_encryption_version:
      description: Oldest version that may encrypt; V(0) means the latest.
      type: int
      returned: when the key exists
    auto_rotate_period:
      description: Seconds between automatic rotations; V(0) when disabled.
      type: int
      returned: when the key exists
    latest_version:
      description: Latest key version.
      type: int
      returned: when the key exists
    min_available_version:
      description: Oldest version still stored (older ones were trimmed); V(0) when none were.
      type: int
      returned: when the key exists
diff:
  description: The key's settings before and after (C(latest_version) shows a rotation).
  returned: when diff mode is on
  type: dict
  sample:
    before: {"latest_version": 1, "min_decryption_version": 1}
    after: {"latest_version": 2, "min_decryption_version": 1}
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._transit_key import TransitKeyResource


def main():
    run_resource_module(TransitKeyResource, TransitKeyResource.argspec, **TransitKeyResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
