#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_keyvault_secret
short_description: Manage a secret in Azure Key Vault
version_added: 0.1.0
description:
  - Creates, updates, soft-deletes, recovers and purges one Azure Key Vault secret, with its value, content type,
    tags, enabled flag, activation date (O(not_before)) and expiry date (O(expires_on)).
  - A change to any of these counts. A different O(value) writes a new version that carries the task's
    properties (so tags and dates are kept); a change to properties alone updates the current version in place.
  - The value is read and compared in memory, never returned. In diff mode it is replaced by a marker.
  - Options that are not given are left as they are.
  - A name that is soft-deleted is recovered (with its versions) by default, or purged and created anew, or
    reported, see O(deleted_secret).
  - All options are checked before any request is sent.
extends_documentation_fragment:
  - citadel.secrets.azure
  - citadel.secrets.attributes
  - citadel.secrets.azure.ACTION_GROUP
options:
  name:
    description:
      - Name of the secret (1 to 127 letters, digits and dashes).
    type: str
    required: true
  value:
    description:
      - The secret value. Required to create the secret; when not given, the value is not read or changed.
      - Key Vault limits a value to 25 KiB.
    type: str
  content_type:
    description:
      - Content type hint stored with the secret, for example V(text/plain) or V(application/json). An empty
        string removes it.
    type: str
  tags:
    description:
      - Tags of the secret (at most 15). When not given, the tags are left as they are.
    type: dict
  purge_tags:
    description:
      - Remove tags not listed in O(tags). Has no effect when O(tags) is not given.
    type: bool
    default: true
  enabled:
    description:
      - Whether the current version may be read. New secrets are enabled unless this says otherwise.
    type: bool
  expires_on:
    description:
      - When the secret expires, as an ISO 8601 date or time (V(2030-01-31), V(2030-01-31T12:00:00Z),
        V(2030-01-31T12:00:00+02:00); UTC when no offset is given). Compared to the second.
      - An empty string removes the expiry date, which needs a new version with the same value (Key Vault cannot
        remove a date from a version).
    type: str
  not_before:
    description:
      - When the secret becomes valid, in the same formats as O(expires_on). An empty string removes it (also with a
        new version).
    type: str
  deleted_secret:
    description:
      - What O(state=present) does when the name belongs to a soft-deleted secret (Key Vault refuses to reuse it).
      - V(recover) restores the secret with all its versions, then applies the task's options; the value is
        compared after the recovery.
      - V(purge) deletes it for good and creates the secret anew (not possible in a vault with purge protection).
      - V(fail) fails the task and changes nothing.
    type: str
    choices: [recover, purge, fail]
    default: recover
  purge:
    description:
      - With O(state=absent), purge the secret after deleting it (or purge it if it is already soft-deleted), so the
        name can be reused at once and nothing can be recovered.
      - Without it, O(state=absent) soft-deletes the secret in a vault with soft delete, where it stays recoverable
        for the vault's retention period.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the secret; V(absent) deletes it (see O(purge)).
    type: str
    choices: [present, absent]
    default: present
notes:
  - Key Vault refuses to return the value of a disabled (or, in some vaults, expired) version. For such a version
    O(value) is compared only when the task also sets O(enabled=true), which enables it first; otherwise the
    value is left alone and the module warns.
  - In check mode a soft-deleted secret's value cannot be read before its recovery, so the prediction assumes the
    value is unchanged; the real run compares it after recovering.
  - Deletion and recovery are asynchronous in Key Vault; the module waits until they are complete (up to
    twice O(timeout), at least 60 seconds). Right after a purge, Key Vault may refuse the name for a few seconds;
    creating it again is retried for up to a minute.
  - "The identity needs the Key Vault data-plane permissions for what the task does: get and list (reads), set,
    delete, recover and purge, through the C(Key Vault Secrets Officer) role or an access policy."
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Store a database password (DefaultAzureCredential chain - environment, workload or managed identity, az login)
  citadel.secrets.azure_keyvault_secret:
    vault_url: https://myvault.vault.azure.net
    name: db-password
    value: "{{ db_password }}"
    content_type: text/plain
    tags:
      owner: platform
    expires_on: "2030-01-31"

- name: Set the vault and a service principal once for several tasks
  module_defaults:
    group/citadel.secrets.azure:
      vault_url: https://myvault.vault.azure.net
      auth_source: client_secret
      tenant_id: "{{ azure_tenant_id }}"
      client_id: "{{ azure_client_id }}"
      client_secret: "{{ azure_client_secret }}"
  block:
    - name: Disable a secret without touching its value
      citadel.secrets.azure_keyvault_secret:
        name: old-api-key
        enabled: false

    - name: Add a tag, keeping the other tags
      citadel.secrets.azure_keyvault_secret:
        name: db-password
        tags:
          rotated: "2024-05"
        purge_tags: false

- name: With a user-assigned managed identity
  citadel.secrets.azure_keyvault_secret:
    vault_url: https://myvault.vault.azure.net
    auth_source: managed_identity
    client_id: 00000000-0000-0000-0000-000000000000
    name: api-key
    value: "{{ api_key }}"

- name: Re-create a name that was deleted, discarding the old versions
  citadel.secrets.azure_keyvault_secret:
    vault_url: https://myvault.vault.azure.net
    name: api-key
    value: "{{ api_key }}"
    deleted_secret: purge

- name: Soft-delete (recoverable for the vault's retention period)
  citadel.secrets.azure_keyvault_secret:
    vault_url: https://myvault.vault.azure.net
    name: old-api-key
    state: absent

- name: Delete for good
  citadel.secrets.azure_keyvault_secret:
    vault_url: https://myvault.vault.azure.net
    name: old-api-key
    state: absent
    purge: true
"""

RETURN = r"""
secret:
  description:
    - The secret's properties after the task (empty when it no longer exists). Never contains the value.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the secret.
      type: str
      returned: when the secret exists
    vault_url:
      description: URL of the vault.
      type: str
      returned: when the secret exists
    deleted:
      description: Whether the secret is soft-deleted (and recoverable).
      type: bool
      returned: when the secret exists
    version:
      description:
        - ID of the current version. V(null) in check mode when a real run would (or, after recovering a
          soft-deleted secret, might) write a new version.
      type: str
      returned: when the secret exists
      sample: 0a4f7b3c9d8e4f5aa1b2c3d4e5f60718
    id:
      description: Identifier (URL) of the current version, V(null) when RV(secret.version) is.
      type: str
      returned: when the secret exists
    content_type:
      description: Content type, V(null) when none.
      type: str
      returned: when the secret exists
    tags:
      description: Tags.
      type: dict
      returned: when the secret exists
    enabled:
      description: Whether the current version is enabled.
      type: bool
      returned: when the secret exists
    expires_on:
      description: Expiry date in UTC, V(null) when none.
      type: str
      returned: when the secret exists
      sample: "2030-01-31T00:00:00Z"
    not_before:
      description: Activation date in UTC, V(null) when none.
      type: str
      returned: when the secret exists
    created_on:
      description: When the current version was created (UTC).
      type: str
      returned: when the secret exists and was read
    updated_on:
      description: When the current version was last updated (UTC).
      type: str
      returned: when the secret exists and was read
    recovery_level:
      description: The vault's deletion recovery level for the secret, for example V(Recoverable+Purgeable).
      type: str
      returned: when the secret exists and was read
    recoverable_days:
      description: Days a deleted secret stays recoverable.
      type: int
      returned: when the vault reports it
    recovery_id:
      description: Identifier of the soft-deleted secret.
      type: str
      returned: when the secret is soft-deleted
    deleted_on:
      description: When the secret was deleted (UTC).
      type: str
      returned: when the secret is soft-deleted
    scheduled_purge_date:
      description: When Key Vault purges the deleted secret (UTC).
      type: str
      returned: when the secret is soft-deleted
diff:
  description:
    - Before and after, with the value (only when O(value) is given) replaced by C(**SECRET**), or by
      C(**SECRET (changed)**) on the after side when it changes.
  returned: when diff mode is on
  type: dict
  sample:
    before: {"deleted": false, "enabled": true, "tags": {}, "value": "**SECRET**"}
    after: {"deleted": false, "enabled": true, "tags": {"owner": "platform"}, "value": "**SECRET (changed)**"}
"""

from ansible_collections.citadel.secrets.plugins.module_utils._cloud._azure import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._cloud.resources._azure_keyvault_secret import (
    KeyVaultSecretResource)

ARGSPEC = dict(
    name=dict(type="str", required=True),
    value=dict(type="str", no_log=True),
    content_type=dict(type="str"),
    tags=dict(type="dict"),
    purge_tags=dict(type="bool", default=True),
    enabled=dict(type="bool"),
    expires_on=dict(type="str"),
    not_before=dict(type="str"),
    deleted_secret=dict(type="str", default="recover", choices=["recover", "purge", "fail"]),
    purge=dict(type="bool", default=False),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def main():
    run_resource_module(KeyVaultSecretResource, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
