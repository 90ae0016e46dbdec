#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_database_static_role
short_description: Manage a static role of a Vault or OpenBao database secrets engine
version_added: 0.2.0
description:
  - Creates, updates or deletes the static role C(<mount>/static-roles/<name>), which hands an existing
    database user over to the server; the server sets a new password at once and then every O(rotation_period).
  - The current password is read from C(<mount>/static-creds/<name>), for example with the
    C(citadel.secrets.vault_read) lookup.
  - O(rotate=true) rotates the password now (C(<mount>/rotate-role/<name>)); the old one stops working.
  - Only the settings given are compared; the rotation period is compared in seconds.
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
      - Name of the static role. The connection's C(allowed_roles) must include it.
    type: str
    required: true
  db_name:
    description:
      - The connection (M(citadel.secrets.vault_database_connection)) of the database the user lives in.
      - Required to create the role.
    type: str
  username:
    description:
      - The existing database user whose password the server manages. Required to create the role.
      - It cannot be changed afterwards; the module refuses before writing anything (remove the role first).
    type: str
  rotation_period:
    description:
      - How often the server rotates the password, as seconds (V(86400)) or a duration (V(24h)); at least 5 seconds.
      - Required to create the role.
    type: raw
  rotation_statements:
    description:
      - Statements that set the password, with C({{name}}) and C({{password}}) placeholders (mark them
        C(!unsafe)). Empty means the plugin's default (C(ALTER ROLE ... WITH PASSWORD) for PostgreSQL).
      - A string is one statement batch; a list gives several.
    type: raw
  rotate:
    description:
      - Rotate the password now, after any configuration change. Always reports a change.
      - Applications holding the old password lose access until they read the new one.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the static role; V(absent) deletes it (the database user stays, with its
        last password).
    type: str
    choices: [present, absent]
    default: present
notes:
  - The token needs C(create)/C(update) (or C(delete)) on C(<mount>/static-roles/<name>) and C(update) on
    C(<mount>/rotate-role/<name>) for O(rotate).
  - Creating a static role changes the user's password right away; whatever password it had stops working.
  - HashiCorp Vault 1.15 and later can rotate on a cron schedule (C(rotation_schedule), C(rotation_window))
    instead of a period; OpenBao cannot, and this module manages the period only.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Let the server manage the password of the application's existing user
  citadel.secrets.vault_database_static_role:
    name: app-static
    db_name: app-db
    username: app
    rotation_period: 24h

- name: Rotate it now (for example after a suspected leak)
  citadel.secrets.vault_database_static_role:
    name: app-static
    rotate: true

- name: Read the current password (never print it)
  ansible.builtin.set_fact:
    app_db_password: "{{ lookup('citadel.secrets.vault_read', 'database/static-creds/app-static').data.password }}"
  no_log: true
"""

RETURN = r"""
static_role:
  description: The static role after the task (empty when absent). Never contains the password.
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
    username:
      description: The managed database user.
      type: str
      returned: when the role exists
    rotation_period:
      description: Rotation period in seconds.
      type: int
      returned: when the role exists
      sample: 86400
    rotation_statements:
      description: Statements that set the password.
      type: list
      elements: str
      returned: when the role exists
    last_vault_rotation:
      description: When the server last set the password (before the rotation, in check mode).
      type: str
      returned: when the role exists
rotated:
  description: Whether the password was rotated (or, in check mode, would be).
  returned: always
  type: bool
diff:
  description: Before and after; a rotation shows the password as C(**SECRET (changed)**), never its value.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._database import StaticRoleResource


def main():
    run_resource_module(StaticRoleResource, StaticRoleResource.argspec, **StaticRoleResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
