#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_policy_info
short_description: List Vault or OpenBao ACL policies or read one
version_added: 0.1.0
description:
  - Without O(name), lists the names of all ACL policies. With O(name), returns that policy's rules.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes.INFO
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  name:
    description:
      - Policy to read. Omit to list all policies.
    type: str
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: List policies
  citadel.secrets.vault_policy_info:
  register: all_policies

- name: Read one policy
  citadel.secrets.vault_policy_info:
    name: app-read
  register: app_read
"""

RETURN = r"""
policies:
  description: Names of all ACL policies, sorted.
  returned: when O(name) is not given
  type: list
  elements: str
exists:
  description: Whether the named policy exists.
  returned: when O(name) is given
  type: bool
policy:
  description: The named policy (empty when it does not exist).
  returned: when O(name) is given
  type: dict
  contains:
    name:
      description: Policy name.
      type: str
      returned: when the policy exists
    rules:
      description: Normalised policy text.
      type: str
      returned: when the policy exists
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_info_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._policy import read_policies

ARGSPEC = dict(
    name=dict(type="str"),
)


def main():
    run_info_module(read_policies, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
