# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: vault_transit
short_description: Encrypt, decrypt or rewrap values with a Vault or OpenBao transit key
version_added: 0.1.0
description:
  - Sends every term to the transit engine in batch requests (one request per 500 terms) and returns one result
    per term, in order.
  - V(encrypt) takes text and returns ciphertexts (C(vault:v<version>:...)); V(decrypt) takes ciphertexts and
    returns the text; V(rewrap) takes ciphertexts and returns them encrypted with the key's latest version (or
    O(key_version)) without the plaintext ever leaving the server.
  - The base64 encoding the server expects for plaintexts and contexts is done by the lookup. For binary data,
    O(plaintext_encoding=base64) passes base64 through in both directions.
  - Before the first request the lookup reads the key's settings to make sure it exists, because encrypting to a
    missing key would create it. A token that may not read them skips this check.
  - The lookup itself never prints or logs a plaintext, and errors name a failing term by its position, never by
    its value. Decrypted values are secrets once returned, though; set C(no_log=true) on every task that holds
    them. Ciphertexts are not secret.
  - Logs in once per credential set in each process and reuses the connection.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_connection.PLUGINS
  - citadel.secrets.vault_auth
  - citadel.secrets.vault_auth.PLUGINS
  - citadel.secrets.lookup_errors
options:
  _terms:
    description:
      - Plaintexts to encrypt, or ciphertexts to decrypt or rewrap. A list given as one term counts as its elements.
    type: list
    elements: str
    required: true
  operation:
    description:
      - What to do with the terms.
    type: str
    choices: [encrypt, decrypt, rewrap]
    required: true
  key:
    description:
      - Name of the transit key.
    type: str
    required: true
  mount:
    description:
      - Path where the transit engine is mounted.
    type: str
    default: transit
  context:
    description:
      - Key derivation context (text; base64-encoded by the lookup), for example a customer id. Required by keys
        created with C(derived=true); the same context must be given to decrypt or rewrap what was encrypted with it.
      - Applies to every term of the call.
    type: str
  key_version:
    description:
      - With V(encrypt), encrypt with this key version instead of the latest; with V(rewrap), rewrap to it. It must
        not be below the key's C(min_encryption_version). Not used by V(decrypt).
    type: int
  plaintext_encoding:
    description:
      - V(text) encrypts the terms as UTF-8 text and returns decrypted values as text (a value that is not valid
        UTF-8 fails with a hint to use V(base64)).
      - V(base64) takes base64-encoded terms to encrypt and returns decrypted values base64-encoded, for binary data.
    type: str
    choices: [text, base64]
    default: text
notes:
  - On_missing applies when the key does not exist, and on_denied when the server refuses access; either then
    applies to all terms of the call.
  - HashiCorp Vault answers a batch in which some item failed with HTTP 400, OpenBao with 200 and per-item errors;
    the lookup reports the first failing item either way.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Encrypt card numbers before storing them in the application database
  ansible.builtin.set_fact:
    card_ciphertexts: "{{ query('citadel.secrets.vault_transit', *card_numbers, operation='encrypt', key='cards') }}"
  no_log: true

- name: Decrypt one card number for a one-off migration
  ansible.builtin.set_fact:
    card_number: "{{ lookup('citadel.secrets.vault_transit', stored_ciphertext, operation='decrypt', key='cards') }}"
  no_log: true

- name: Encrypt with a derived key, one key per customer
  ansible.builtin.set_fact:
    customer_card: >-
      {{ lookup('citadel.secrets.vault_transit', card_number, operation='encrypt', key='cards-per-customer',
                context=customer_id) }}
  no_log: true

- name: Rewrap stored ciphertexts to the latest key version (the plaintext never leaves the server)
  ansible.builtin.set_fact:
    card_ciphertexts: "{{ query('citadel.secrets.vault_transit', *card_ciphertexts, operation='rewrap', key='cards') }}"

- name: Binary data, base64 in and out
  ansible.builtin.set_fact:
    sealed_blob: >-
      {{ lookup('citadel.secrets.vault_transit', blob_base64, operation='encrypt', key='files',
                plaintext_encoding='base64') }}
"""

RETURN = r"""
_raw:
  description:
    - One string per term, in order. Ciphertexts for V(encrypt) and V(rewrap); for V(decrypt) the plaintexts,
      which are secrets (use C(no_log=true)).
  type: list
  elements: str
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._transit import KeyNotFound, TransitOperation
from ansible_collections.citadel.secrets.plugins.plugin_utils._lookup_base import Missing
from ansible_collections.citadel.secrets.plugins.plugin_utils._vault_lookup import VaultLookupBase


class LookupModule(VaultLookupBase):
    def run(self, terms, variables=None, **kwargs):
        # All terms form one batch: hand them to the base loop as a single term. A list given as one term
        # (query('...vault_transit', my_list, ...)) counts as its elements.
        values = []
        for term in terms:
            values.extend(term if isinstance(term, (list, tuple)) else [term])
        return super().run([values], variables, **kwargs)

    def prepare(self):
        # options are checked before the login, so a bad option never costs a request
        self._operation = TransitOperation(
            self.option("operation"), self.option("key"), mount=self.option("mount"), context=self.option("context"),
            key_version=self.option("key_version"), plaintext_encoding=self.option("plaintext_encoding"))
        return super().prepare()

    def lookup_term(self, context, term):
        # context: the authenticated client from VaultLookupBase.prepare()
        try:
            return self._operation.run(context, term)
        except KeyNotFound as exc:
            raise Missing(exc.msg)
