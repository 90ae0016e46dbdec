#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_kv_secret_info
short_description: Read a secret from a Vault or OpenBao KV version 2 engine
version_added: 0.1.0
description:
  - Reads one version of a KV version 2 secret (the latest by default) from C(<mount>/data/<path>), and the
    secret's metadata from C(<mount>/metadata/<path>).
  - A secret that does not exist, a version that does not exist, and a version that is soft-deleted or destroyed
    are not failures. They all return RV(exists=false) and an empty RV(secret); RV(metadata.versions) tells a
    deleted version from a destroyed or missing one.
  - Note that when the latest version is deleted, the latest version is what is read, so RV(exists) is false
    even if older versions are live. Ask for an older O(version) explicitly to read it.
  - Returns secret values. Set C(no_log) to V(true) on every task that registers the result, and on tasks that
    use the registered values, so they do not appear in the output.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes.INFO
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  mount:
    description:
      - Path where the KV version 2 engine is mounted. A KV version 1 mount is refused with a clear message.
    type: str
    default: secret
  path:
    description:
      - Path of the secret inside the mount.
    type: str
    required: true
  version:
    description:
      - Version to read. Omit to read the latest version.
    type: int
notes:
  - A token that may read the data but not the metadata (a common application policy) still reads the secret;
    RV(metadata) is then empty.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Read the database credentials
  citadel.secrets.vault_kv_secret_info:
    path: app/db
  register: db_creds
  no_log: true

- name: Use them
  ansible.builtin.template:
    src: db.conf.j2
    dest: /etc/app/db.conf
    mode: "0600"
  vars:
    db_password: "{{ db_creds.secret.password }}"
  no_log: true

- name: Read version 2 and tell why it is not there
  citadel.secrets.vault_kv_secret_info:
    path: app/db
    version: 2
  register: v2
  no_log: true

- name: Report the state of version 2 (live, deleted or destroyed; undefined when it does not exist)
  ansible.builtin.debug:
    msg: "{{ v2.metadata.versions[v2.version | string] | default('missing') }}"
"""

RETURN = r"""
exists:
  description:
    - Whether the requested version (the latest by default) exists and is neither deleted nor destroyed.
  returned: always
  type: bool
secret:
  description:
    - The version's data, exactly as stored (values of any JSON type). Empty when RV(exists) is false.
    - This is secret. Register it only on tasks that set C(no_log) to V(true).
  returned: always
  type: dict
version:
  description:
    - The version that was read (the requested one, or the latest); V(0) when the secret does not exist.
  returned: always
  type: int
metadata:
  description:
    - The secret's metadata; empty when the secret does not exist or the token may not read the metadata.
  returned: always
  type: dict
  contains:
    created_time:
      description: When the secret was first written.
      type: str
      returned: when the metadata could be read
    current_version:
      description: Latest version number.
      type: int
      returned: when the metadata could be read
    max_versions:
      description: Versions kept for this secret; V(0) means the mount's setting.
      type: int
      returned: when the metadata could be read
    cas_required:
      description: Whether writes to this secret must use check-and-set.
      type: bool
      returned: when the metadata could be read
    delete_version_after:
      description: Seconds after which a new version is soft-deleted; V(0) for never.
      type: int
      returned: when the metadata could be read
    custom_metadata:
      description: Custom string key/value pairs.
      type: dict
      returned: when the metadata could be read
    versions:
      description: Each version kept by the server and its state, V(live), V(deleted) or V(destroyed).
      type: dict
      returned: when the metadata could be read
      sample: {"1": "destroyed", "2": "deleted", "3": "live"}
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_info_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kv_secret import read_secret

ARGSPEC = dict(
    mount=dict(type="str", default="secret"),
    path=dict(type="str", required=True),
    version=dict(type="int"),
)


def main():
    run_info_module(read_secret, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
