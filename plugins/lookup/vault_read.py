# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: vault_read
short_description: Read any Vault or OpenBao path, including dynamic secrets, with lease information
version_added: 0.1.0
description:
  - Performs a read of each term (an API path relative to C(/v1/)) and returns the response data together
    with its lease, for example dynamic database credentials from C(database/creds/<role>).
  - Logs in once per credential set in each process and reuses the connection.
  - The returned values are usually secrets. Set C(no_log=true) on tasks that use them in ways Ansible prints.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_connection.PLUGINS
  - citadel.secrets.vault_auth
  - citadel.secrets.vault_auth.PLUGINS
  - citadel.secrets.lookup_errors
options:
  _terms:
    description:
      - API paths to read, for example V(database/creds/readonly) or V(secret/data/app/db).
    type: list
    elements: str
    required: true
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Dynamic database credentials
  ansible.builtin.set_fact:
    db_creds: "{{ lookup('citadel.secrets.vault_read', 'database/creds/readonly') }}"
  no_log: true

- name: Use them, and remember the lease to revoke it later
  ansible.builtin.debug:
    msg: "lease {{ db_creds.lease_id }} valid for {{ db_creds.lease_duration }}s"
"""

RETURN = r"""
_raw:
  description: One dictionary per term read.
  type: list
  elements: dict
  contains:
    data:
      description: The response's C(data) (for KV v2 paths this holds C(data) and C(metadata)).
      type: dict
    lease_id:
      description: Lease of a dynamic secret, empty for static data.
      type: str
    lease_duration:
      description: Seconds the lease is valid for.
      type: int
    renewable:
      description: Whether the lease can be renewed.
      type: bool
    warnings:
      description: Warnings the server returned with the response.
      type: list
      elements: str
"""

from ansible_collections.citadel.secrets.plugins.plugin_utils._lookup_base import Missing
from ansible_collections.citadel.secrets.plugins.plugin_utils._vault_lookup import VaultLookupBase


class LookupModule(VaultLookupBase):
    def lookup_term(self, context, term):
        client = context  # VaultLookupBase.prepare() returns the authenticated client
        path = term.strip("/")
        body = client.read(path)
        if body is None:
            raise Missing("nothing at %s" % path)
        return [dict(data=body.get("data"), lease_id=body.get("lease_id") or "",
                     lease_duration=body.get("lease_duration") or 0, renewable=bool(body.get("renewable")),
                     warnings=body.get("warnings") or [])]
