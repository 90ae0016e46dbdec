#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_policy
short_description: Manage a Vault or OpenBao ACL policy
version_added: 0.1.0
description:
  - Creates, updates or deletes an ACL policy at C(sys/policies/acl/<name>).
  - The rules are compared with the stored policy after normalising line endings and trailing whitespace,
    so re-running with the same rules reports no change.
  - Malformed HCL or JSON (unbalanced braces or quotes, no path stanza) is rejected before any request.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  name:
    description:
      - Name of the policy. V(root) cannot be managed and V(default) cannot be deleted.
    type: str
    required: true
  rules:
    description:
      - The policy document, HCL or JSON.
      - Mutually exclusive with O(rules_file). One of them is required when O(state=present).
    type: str
  rules_file:
    description:
      - Path to a file holding the policy document, read on the host running the module.
    type: path
  state:
    description:
      - V(present) writes the policy when it differs; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Let applications read their own secrets
  citadel.secrets.vault_policy:
    name: app-read
    rules: |
      path "secret/data/app/*" {
        capabilities = ["read"]
      }

- name: Policy from a file in the repository
  citadel.secrets.vault_policy:
    name: ci-deploy
    rules_file: "{{ playbook_dir }}/policies/ci-deploy.hcl"

- name: Remove a policy
  citadel.secrets.vault_policy:
    name: legacy
    state: absent
"""

RETURN = r"""
policy:
  description: The policy after the task (empty when absent).
  returned: always
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

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._policy import PolicyResource


def main():
    run_resource_module(PolicyResource, PolicyResource.argspec, **PolicyResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
