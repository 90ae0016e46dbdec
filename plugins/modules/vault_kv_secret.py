#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_kv_secret
short_description: Manage a secret in a Vault or OpenBao KV version 2 engine
version_added: 0.1.0
description:
  - Writes a new version of a KV version 2 secret at C(<mount>/data/<path>) only when the latest version's data
    differs from O(data). A deleted or destroyed latest version counts as different.
  - Every write is a check-and-set write (C(options.cas)) against the version that was read, so a change made
    by someone else between the read and the write fails the task instead of being overwritten. Mounts and
    secrets with C(cas_required) therefore work without any extra option.
  - Sets the secret's metadata (O(max_versions), O(cas_required), O(delete_version_after), O(custom_metadata))
    at C(<mount>/metadata/<path>) when it differs, with or without O(data).
  - With O(state=absent), soft-deletes the latest version or the given O(versions), destroys them with
    O(destroy=true), or removes the whole secret with O(purge=true). O(undelete_versions) restores
    soft-deleted versions.
  - Secret values are never returned. In diff mode the keys of O(data) are shown with every value replaced by
    a marker, so a diff tells which keys change and not to what.
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
      - Path where the KV version 2 engine is mounted.
      - A KV version 1 mount is refused with a clear message rather than written to.
    type: str
    default: secret
  path:
    description:
      - Path of the secret inside the mount, for example V(app/db).
    type: str
    required: true
  data:
    description:
      - The secret's key/value pairs. Values may be any JSON type (strings, numbers, booleans, lists, dicts).
      - The whole dict is compared with the latest version; a new version is written when they differ.
      - Cannot be combined with O(undelete_versions).
    type: dict
  cas:
    description:
      - Write only if the secret's current version is this number (V(0) means only if the secret has no version
        yet). When the data must change and the current version is not O(cas), the task fails and writes nothing.
      - Without it the module uses the version it read, which protects against concurrent writers anyway; set it
        to state an expectation explicitly.
      - Needs O(data).
    type: int
  max_versions:
    description:
      - Number of versions to keep for this secret; V(0) means the mount's setting (10 when that is also 0).
      - Versions beyond it are pruned by the server at the next write.
    type: int
  cas_required:
    description:
      - Whether every write to this secret must use check-and-set.
    type: bool
  delete_version_after:
    description:
      - Soft-delete each version this long after it is written, as seconds (V(3600)) or a duration
        (V(1h), V(30m), V(7d)). V(0) disables it.
    type: raw
  custom_metadata:
    description:
      - Free-form string key/value pairs stored with the secret's metadata (not secret; visible to anyone who may
        read the metadata). An empty dict removes all custom metadata.
    type: dict
  versions:
    description:
      - With O(state=absent), the versions to delete (or destroy with O(destroy=true)) instead of the latest.
      - Versions already deleted (or destroyed), and versions that do not exist, are left alone.
    type: list
    elements: int
  destroy:
    description:
      - With O(state=absent), destroy the versions permanently instead of soft-deleting them. Applies to
        O(versions), or to the latest version when O(versions) is not given.
    type: bool
    default: false
  purge:
    description:
      - With O(state=absent), remove the metadata and every version of the secret permanently.
      - Cannot be combined with O(versions) or O(destroy).
    type: bool
    default: false
  undelete_versions:
    description:
      - With O(state=present), restore these soft-deleted versions. Versions that are live or destroyed are left
        alone, so the task reports a change only when one of them was deleted.
      - Cannot be combined with O(data) (the data of a deleted version cannot be read, so the outcome could not
        be predicted); use two tasks.
    type: list
    elements: int
  state:
    description:
      - V(present) writes O(data) and the metadata options, and undeletes O(undelete_versions).
      - V(absent) soft-deletes, destroys or purges, see O(versions), O(destroy) and O(purge).
    type: str
    choices: [present, absent]
    default: present
notes:
  - Ansible treats every value inside O(data) as a secret and hides it wherever it appears in the task's output;
    short or numeric values (V(1), V(42)) therefore also blank out matching unrelated output, such as the
    returned version number. Prefer string values that look like secrets.
  - OpenBao also protects metadata with check-and-set (C(metadata_cas) against C(current_metadata_version)); the
    module sends it whenever the server reports a metadata version, so a mount with C(metadata_cas_required)
    works. HashiCorp Vault has no metadata check-and-set and none is sent.
  - The token needs C(read) on C(<mount>/metadata/<path>) (the module reads the version history there) and, when
    O(data) is given, C(read) on C(<mount>/data/<path>), besides the capabilities for what it changes
    (C(create)/C(update) on C(data), C(update) on C(metadata), C(delete), C(undelete), C(destroy)).
  - A soft-deleted version can be undeleted; a destroyed one cannot. Metadata-only secrets (created by setting
    metadata without O(data)) have version V(0).
  - Check mode asks the mount's C(config) for its default O(max_versions) only to predict which old versions a
    write will prune; a token that may not read it gets the default of 10 in the prediction.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Store database credentials
  citadel.secrets.vault_kv_secret:
    path: app/db
    data:
      username: app
      password: "{{ db_password }}"

- name: Keep five versions and expire each after 30 days, in a custom mount
  citadel.secrets.vault_kv_secret:
    mount: team-kv
    path: app/api
    data:
      api_key: "{{ api_key }}"
    max_versions: 5
    delete_version_after: 30d
    custom_metadata:
      owner: platform

- name: Create only if it does not exist yet (fails if a different value is already stored)
  citadel.secrets.vault_kv_secret:
    path: app/bootstrap
    data:
      token: "{{ bootstrap_token }}"
    cas: 0

- name: Soft-delete the latest version
  citadel.secrets.vault_kv_secret:
    path: app/db
    state: absent

- name: Restore it
  citadel.secrets.vault_kv_secret:
    path: app/db
    undelete_versions: [3]

- name: Destroy two old versions for good
  citadel.secrets.vault_kv_secret:
    path: app/db
    versions: [1, 2]
    destroy: true
    state: absent

- name: Remove the secret with its whole history
  citadel.secrets.vault_kv_secret:
    path: app/db
    purge: true
    state: absent
"""

RETURN = r"""
version:
  description:
    - The secret's current (latest) version after the task; V(0) when it has no version or does not exist.
    - In check mode, the version a real run would have produced.
  returned: always
  type: int
  sample: 3
metadata:
  description:
    - The secret's metadata after the task (empty when it does not exist). Never contains the data.
  returned: always
  type: dict
  contains:
    created_time:
      description: When the secret was first written (absent when check mode predicts its creation).
      type: str
      returned: when the secret exists
      sample: "2024-05-01T12:00:00.123456789Z"
    current_version:
      description: Latest version number.
      type: int
      returned: when the secret exists
    max_versions:
      description: Versions kept for this secret; V(0) means the mount's setting.
      type: int
      returned: when the secret exists
    cas_required:
      description: Whether writes to this secret must use check-and-set.
      type: bool
      returned: when the secret exists
    delete_version_after:
      description: Seconds after which a new version is soft-deleted; V(0) for never.
      type: int
      returned: when the secret exists
    custom_metadata:
      description: Custom string key/value pairs.
      type: dict
      returned: when the secret exists
    versions:
      description: Each version kept by the server and its state, V(live), V(deleted) or V(destroyed).
      type: dict
      returned: when the secret exists
      sample: {"1": "destroyed", "2": "deleted", "3": "live"}
diff:
  description:
    - Before and after. C(data) (only when O(data) is given) lists the keys with each value replaced by
      C(**SECRET**), or C(**SECRET (changed)**) on the after side for a value that changes; C(metadata) as above.
  returned: when diff mode is on
  type: dict
  sample:
    before: {"data": {"password": "**SECRET**"}, "metadata": {"current_version": 1}}
    after: {"data": {"password": "**SECRET (changed)**"}, "metadata": {"current_version": 2}}
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kv_secret import KvSecretResource


def main():
    run_resource_module(KvSecretResource, KvSecretResource.argspec, **KvSecretResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
