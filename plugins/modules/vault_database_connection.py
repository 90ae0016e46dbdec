#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_database_connection
short_description: Manage a database connection of a Vault or OpenBao database secrets engine
version_added: 0.2.0
description:
  - Creates, updates or deletes the connection C(<mount>/config/<name>) through which the server creates
    database users for dynamic and static roles.
  - Only the settings given are compared. Durations are compared in seconds and O(allowed_roles) as a sorted
    set, so a re-run with the same options reports no change.
  - The root O(password) is write-only (the server never returns it); see O(update_password).
  - O(rotate_root=true) has the server replace the root password with one only it knows.
  - Options are checked before any request; a connection URL holding a literal password is refused.
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
      - Name of the connection; roles refer to it as their C(db_name).
    type: str
    required: true
  plugin_name:
    description:
      - The database plugin, for example V(postgresql-database-plugin) or V(mysql-database-plugin).
      - Required to create the connection.
    type: str
  plugin_version:
    description:
      - Version of the plugin, for plugins registered in the catalog with versions.
    type: str
  connection_url:
    description:
      - How the server reaches the database, with the placeholders C({{username}}) and C({{password}}) where
        the root credentials go, for example C(postgresql://{{username}}:{{password}}@db.example.com:5432/app).
      - Ansible would try to template the placeholders itself. Mark the value C(!unsafe), or wrap it in
        C({% raw %}...{% endraw %}), as the examples do.
      - A literal password in the URL is refused; use O(password).
    type: str
  username:
    description:
      - The root (administrative) user the server logs in as.
    type: str
  password:
    description:
      - The root user's password. The server never returns it, so it cannot be compared; see O(update_password).
    type: str
  update_password:
    description:
      - V(on_create) sends O(password) only when the connection is created.
      - V(always) sends it on every run, which therefore always reports a change.
      - After O(rotate_root) the password given here is no longer the database's; keep V(on_create) then, or the
        next write fails the connection check (or, with O(verify_connection=false), breaks the connection).
    type: str
    choices: [always, on_create]
    default: on_create
  allowed_roles:
    description:
      - Roles (dynamic and static) that may use this connection. V(*) allows every role. An empty list allows none.
    type: list
    elements: str
  verify_connection:
    description:
      - Whether the server connects to the database to check the settings before storing them. A failed check
        stores nothing.
      - Applies to writes only; the server does not report it, so it is never compared.
    type: bool
    default: true
  password_policy:
    description:
      - Name of a password policy (C(sys/policies/password/<name>)) for the passwords the server generates.
        An empty string means the plugin's default generator.
    type: str
  root_rotation_statements:
    description:
      - Statements that change the root password on O(rotate_root), with C({{name}}) and C({{password}})
        placeholders (mark them C(!unsafe)). Empty means the plugin's default.
      - A string is one statement batch; a list gives several.
    type: raw
  max_open_connections:
    description:
      - Maximum number of open connections the server keeps to the database (SQL plugins).
    type: int
  max_idle_connections:
    description:
      - Maximum number of idle connections (SQL plugins). V(0) means the same as O(max_open_connections).
    type: int
  max_connection_lifetime:
    description:
      - How long a connection may be reused, as seconds (V(3600)) or a duration (V(1h)). V(0) means forever.
    type: raw
  username_template:
    description:
      - Go template for the names of dynamic users, for example C(v-{{.RoleName}}-{{random 8}}) (mark it
        C(!unsafe)). An empty string means the plugin's default.
    type: str
  disable_escaping:
    description:
      - Whether the server leaves special characters in the username and password unescaped in O(connection_url).
    type: bool
  password_authentication:
    description:
      - How the PostgreSQL plugin sends passwords it sets; V(scram-sha-256) hashes them on the server's side first
        so the database never sees them in clear.
    type: str
    choices: [password, scram-sha-256]
  rotate_root:
    description:
      - Have the server rotate the root user's password to a value only it knows (C(<mount>/rotate-root/<name>)),
        after any configuration change. Always reports a change.
      - Needs O(connection_url) templated with C({{username}}) and C({{password}}).
      - Afterwards nobody, this module included, knows the root password; set O(update_password=on_create).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the connection; V(absent) deletes it (its roles stay, but cannot issue
        credentials).
    type: str
    choices: [present, absent]
    default: present
notes:
  - The token needs C(create) and C(update) on C(<mount>/config/<name>) (the server tells the two apart) and
    C(update) on C(<mount>/rotate-root/<name>) for O(rotate_root).
  - Settings the task does not mention are left as the server has them; the server merges a write with the
    stored connection, so a setting cannot be removed by leaving it out (set it to its default instead).
  - OpenBao and HashiCorp Vault accept the same settings here. HashiCorp Vault 1.19 Enterprise adds automated
    root rotation settings, which this module does not manage.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Enable the database secrets engine
  citadel.secrets.vault_secrets_engine:
    path: database
    engine_type: database

- name: Connect to PostgreSQL (the braces reach the server as written thanks to !unsafe)
  citadel.secrets.vault_database_connection:
    name: app-db
    plugin_name: postgresql-database-plugin
    connection_url: !unsafe "postgresql://{{username}}:{{password}}@db.example.com:5432/app?sslmode=verify-full"
    username: vault_admin
    password: "{{ vault_admin_db_password }}"
    allowed_roles: [readonly, app-static]
    password_authentication: scram-sha-256
    max_open_connections: 5

- name: The same with {% raw %} instead of !unsafe
  citadel.secrets.vault_database_connection:
    name: app-db
    connection_url: "{% raw %}postgresql://{{username}}:{{password}}@db.example.com:5432/app{% endraw %}"

- name: Rotate the root password so that only the server knows it
  citadel.secrets.vault_database_connection:
    name: app-db
    rotate_root: true

- name: Remove the connection
  citadel.secrets.vault_database_connection:
    name: app-db
    state: absent
"""

RETURN = r"""
connection:
  description: The connection after the task (empty when absent). Never contains the password.
  returned: always
  type: dict
  contains:
    name:
      description: Connection name.
      type: str
      returned: when the connection exists
    plugin_name:
      description: Database plugin.
      type: str
      returned: when the connection exists
    plugin_version:
      description: Plugin version, empty for the built-in one.
      type: str
      returned: when the connection exists
    allowed_roles:
      description: Roles that may use the connection, sorted.
      type: list
      elements: str
      returned: when the connection exists
    password_policy:
      description: Password policy, empty for the default.
      type: str
      returned: when the connection exists
    root_rotation_statements:
      description: Statements used to rotate the root password.
      type: list
      elements: str
      returned: when the connection exists
    connection_url:
      description: The templated connection URL.
      type: str
      returned: when set on the server
    username:
      description: The root user.
      type: str
      returned: when set on the server
    max_open_connections:
      description: Maximum open connections.
      type: int
      returned: when set on the server
    max_idle_connections:
      description: Maximum idle connections.
      type: int
      returned: when set on the server
    max_connection_lifetime:
      description: Connection lifetime in seconds.
      type: int
      returned: when set on the server
    username_template:
      description: Template for dynamic user names.
      type: str
      returned: when set on the server
    disable_escaping:
      description: Whether escaping is disabled.
      type: bool
      returned: when set on the server
    password_authentication:
      description: How passwords are sent to PostgreSQL.
      type: str
      returned: when set on the server
root_rotated:
  description: Whether the root password was rotated (or, in check mode, would be).
  returned: always
  type: bool
diff:
  description:
    - Before and after. A password that the task writes, or that O(rotate_root) replaces, shows as
      C(**SECRET (changed)**); its value never appears.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._database import ConnectionResource


def main():
    run_resource_module(ConnectionResource, ConnectionResource.argspec, **ConnectionResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
