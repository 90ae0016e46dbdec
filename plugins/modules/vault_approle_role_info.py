#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_approle_role_info
short_description: List the AppRole roles of a Vault or OpenBao mount or read one
version_added: 0.1.0
description:
  - Without O(name), lists the roles of the AppRole mount. With O(name), returns that role and its role ID,
    normalised as M(citadel.secrets.vault_approle_role) returns it.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes.INFO
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  name:
    description:
      - Role to read. Omit to list all roles of the mount.
    type: str
  mount:
    description:
      - Path where the AppRole auth method is mounted (without C(auth/)).
    type: str
    default: approle
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: List AppRole roles
  citadel.secrets.vault_approle_role_info:
  register: approles

- name: Read the role ID of the web role
  citadel.secrets.vault_approle_role_info:
    name: web
  register: web_role

- name: Use it
  ansible.builtin.debug:
    msg: "role ID {{ web_role.role_id }}, secret IDs live {{ web_role.role.secret_id_ttl }} s"
"""

RETURN = r"""
roles:
  description: Names of the roles of the mount, sorted.
  returned: when O(name) is not given
  type: list
  elements: str
exists:
  description: Whether the named role exists.
  returned: when O(name) is given
  type: bool
role_id:
  description: The named role's role ID; V(null) when it does not exist.
  returned: when O(name) is given
  type: str
role:
  description:
    - The named role (empty when it does not exist), with the keys M(citadel.secrets.vault_approle_role) returns
      (C(role_id), C(bind_secret_id), C(secret_id_*), C(local_secret_ids) and the C(token_*) settings).
  returned: when O(name) is given
  type: dict
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_info_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._approle_role import (
    read_approle_roles)

ARGSPEC = dict(
    name=dict(type="str"),
    mount=dict(type="str", default="approle"),
)


def main():
    run_info_module(read_approle_roles, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
