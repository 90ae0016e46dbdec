#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_database_role
short_description: Manage a dynamic role of a Vault or OpenBao database secrets engine
version_added: 0.2.0
description:
  - Creates, updates or deletes the role C(<mount>/roles/<name>). Each read of C(<mount>/creds/<name>) then
    creates a database user with the role's statements and a lease; when the lease ends, the server runs the
    revocation statements.
  - Only the settings given are compared; TTLs are compared in seconds, so C(1h) and C(3600) are the same.
  - Options are checked before any request, including that O(default_ttl) is not longer than O(max_ttl) (also
    against the values already on the server).
  - Read credentials with the C(citadel.secrets.vault_read) lookup on C(<mount>/creds/<name>); renew or revoke
    their lease with M(citadel.secrets.vault_lease).
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  mount:
    description:
      - Path where the database secrets engine is mounted.
    type: str
    default: database
  name:
    description:
      - Name of the role. The connection's C(allowed_roles) must include it.
    type: str
    required: true
  db_name:
    description:
      - The connection (M(citadel.secrets.vault_database_connection)) the role creates users through.
      - Required to create the role.
    type: str
  creation_statements:
    description:
      - Statements that create the user, with the placeholders C({{name}}), C({{password}}) and
        C({{expiration}}). Mark them C(!unsafe) (or wrap them in C({% raw %})) so Ansible leaves the braces alone.
      - A string is one statement batch; a list gives several. Required to create the role.
    type: raw
  revocation_statements:
    description:
      - Statements that remove the user when the lease ends. Empty means the plugin's default (PostgreSQL
        reassigns and drops the user).
    type: raw
  rollback_statements:
    description:
      - Statements run when creating the user failed part-way.
    type: raw
  renew_statements:
    description:
      - Statements run when the lease is renewed (for example to move C(VALID UNTIL)).
    type: raw
  default_ttl:
    description:
      - Lease of new credentials, as seconds (V(3600)) or a duration (V(1h)). V(0) means the mount's default.
    type: raw
  max_ttl:
    description:
      - Longest a lease can be renewed to, as seconds or a duration. V(0) means the mount's maximum.
    type: raw
  state:
    description:
      - V(present) creates or updates the role; V(absent) deletes it (leases already issued stay valid until
        they end or are revoked).
    type: str
    choices: [present, absent]
    default: present
notes:
  - The token needs C(create)/C(update) (or C(delete)) on C(<mount>/roles/<name>).
  - OpenBao and HashiCorp Vault accept the same settings here. C(credential_type) and C(credential_config)
    (RSA key or client certificate credentials) are not managed; roles keep the default password credentials.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: A read-only database role with a 1h TTL
  citadel.secrets.vault_database_role:
    name: readonly
    db_name: app-db
    creation_statements: !unsafe
      - CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';
      - GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";
    revocation_statements: !unsafe
      - REASSIGN OWNED BY "{{name}}" TO CURRENT_USER;
      - DROP OWNED BY "{{name}}";
      - DROP ROLE IF EXISTS "{{name}}";
    default_ttl: 1h
    max_ttl: 24h

- name: Read credentials for it (never print them)
  ansible.builtin.set_fact:
    readonly_creds: "{{ lookup('citadel.secrets.vault_read', 'database/creds/readonly') }}"
  no_log: true

- name: Remove the role
  citadel.secrets.vault_database_role:
    name: readonly
    state: absent
"""

RETURN = r"""
role:
  description: The role after the task (empty when absent).
  returned: always
  type: dict
  contains:
    name:
      description: Role name.
      type: str
      returned: when the role exists
    db_name:
      description: Connection the role uses.
      type: str
      returned: when the role exists
    creation_statements:
      description: Statements that create the user.
      type: list
      elements: str
      returned: when the role exists
    revocation_statements:
      description: Statements that remove the user.
      type: list
      elements: str
      returned: when the role exists
    rollback_statements:
      description: Rollback statements.
      type: list
      elements: str
      returned: when the role exists
    renew_statements:
      description: Renewal statements.
      type: list
      elements: str
      returned: when the role exists
    default_ttl:
      description: Default lease in seconds (V(0) for the mount's default).
      type: int
      returned: when the role exists
      sample: 3600
    max_ttl:
      description: Maximum lease in seconds (V(0) for the mount's maximum).
      type: int
      returned: when the role exists
      sample: 86400
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._database import RoleResource


def main():
    run_resource_module(RoleResource, RoleResource.argspec, **RoleResource.argspec_kwargs, supports_check_mode=True)


if __name__ == "__main__":
    main()
