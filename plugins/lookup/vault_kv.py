# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: vault_kv
short_description: Read secrets from a Vault or OpenBao KV version 2 engine
version_added: 0.1.0
description:
  - Returns the data of one or more KV v2 secrets, or one field of each.
  - Logs in once per credential set in each process and reuses the connection for every term and task.
  - The returned values are secrets. Set C(no_log=true) on tasks that use them in ways Ansible prints.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_connection.PLUGINS
  - citadel.secrets.vault_auth
  - citadel.secrets.vault_auth.PLUGINS
  - citadel.secrets.lookup_errors
options:
  _terms:
    description:
      - Secret paths. Without O(mount), the first path segment is the mount (V(secret/app/db) reads
        C(app/db) on the mount C(secret)); with O(mount), the whole term is the path inside it.
    type: list
    elements: str
    required: true
  mount:
    description:
      - Mount point of the KV v2 engine. When omitted, the first segment of each term is the mount.
    type: str
  version:
    description:
      - Version to read. Defaults to the latest.
    type: int
  field:
    description:
      - Return only this key of each secret's data instead of the whole data dictionary.
      - A secret without the key counts as missing (see O(on_missing)).
    type: str
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Use one field
  ansible.builtin.debug:
    msg: "user is {{ lookup('citadel.secrets.vault_kv', 'secret/app/db', field='username') }}"

- name: Whole secret, AppRole login set once in variables
  vars:
    citadel_vault_url: https://vault.example.com:8200
    citadel_vault_auth_method: approle
    citadel_vault_role_id: "{{ app_role_id }}"
    citadel_vault_secret_id: "{{ app_secret_id }}"
    db: "{{ lookup('citadel.secrets.vault_kv', 'app/db', mount='kv') }}"
  ansible.builtin.template:
    src: db.conf.j2
    dest: /etc/app/db.conf
    mode: "0600"
  no_log: true

- name: Several secrets, skipping ones that do not exist
  ansible.builtin.set_fact:
    tls: "{{ query('citadel.secrets.vault_kv', 'secret/tls/web', 'secret/tls/api', on_missing='skip') }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description:
    - One element per term found, the secret's data dictionary, or the value of O(field).
  type: list
  elements: raw
"""

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.plugin_utils._lookup_base import Missing
from ansible_collections.citadel.secrets.plugins.plugin_utils._vault_lookup import VaultLookupBase


class LookupModule(VaultLookupBase):
    def lookup_term(self, context, term):
        client = context  # VaultLookupBase.prepare() returns the authenticated client
        mount = self.get_option("mount")
        term = term.strip("/")
        if not mount:
            if "/" not in term:
                raise CitadelError("term %r must be mount/path when the mount option is not set" % term)
            mount, term = term.split("/", 1)
        params = {"version": self.get_option("version")} if self.get_option("version") else None
        path = "%s/data/%s" % (mount.strip("/"), term)
        body = client.read(path, params=params)
        secret = (body or {}).get("data") or {}
        if secret.get("data") is None:
            version = " version %s" % params["version"] if params else ""
            raise Missing("no secret at %s%s (absent or deleted)" % (path, version))
        field = self.get_option("field")
        if field is None:
            return [secret["data"]]
        if field not in secret["data"]:
            raise Missing("secret %s has no field %r" % (path, field))
        return [secret["data"][field]]
