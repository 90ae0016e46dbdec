#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_approle_role
short_description: Manage an AppRole role in Vault or OpenBao
version_added: 0.1.0
description:
  - Creates, updates or deletes an AppRole role at C(auth/<mount>/role/<name>) and returns its role ID.
  - Only the options given are compared and written; the server keeps the others. TTLs are compared in seconds
    (V(15m) equals V(900)), lists as sets.
  - Combinations the server would refuse (a role without C(bind_secret_id) and without CIDR bindings, periodic or
    use-limited batch tokens, a new value of O(local_secret_ids) on an existing role) fail before any write, in
    check mode too.
  - Secret IDs are issued with M(citadel.secrets.vault_approle_secret_id).
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.vault_token_fields
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  name:
    description:
      - Name of the role. Letters, digits, V(_), V(-) and V(.), starting and ending with a letter, digit or V(_).
    type: str
    required: true
  mount:
    description:
      - Path where the AppRole auth method is mounted (without C(auth/)).
    type: str
    default: approle
  custom_role_id:
    description:
      - Set the role ID to this value instead of the one the server generates (C(role_id) in the API; named so
        that it cannot be confused with the O(role_id) used to log in).
      - Role IDs must be unique within the mount. Changing it invalidates what clients have configured.
    type: str
  bind_secret_id:
    description:
      - Whether a login must present a secret ID. With V(false), set O(secret_id_bound_cidrs) or
        O(token_bound_cidrs) as well.
    type: bool
  secret_id_bound_cidrs:
    description:
      - CIDR blocks from which a login with a secret ID of this role is accepted. Compared as a set.
      - Write a single address as a block (V(10.0.0.5/32)).
    type: list
    elements: str
  secret_id_num_uses:
    description:
      - Number of logins a secret ID of this role allows by default. V(0) means unlimited.
    type: int
  secret_id_ttl:
    description:
      - Default lifetime of secret IDs of this role, as seconds or a duration such as V(1h). V(0) means they do not
        expire.
    type: raw
  local_secret_ids:
    description:
      - Make secret IDs of this role local to the cluster that issued them (not replicated).
      - Can only be chosen when the role is created; a different value for an existing role fails.
    type: bool
  state:
    description:
      - V(present) creates or updates the role; V(absent) deletes it together with its secret IDs.
    type: str
    choices: [present, absent]
    default: present
notes:
  - The deprecated parameter names C(policies), C(period) and C(bound_cidr_list) are not offered; the module
    writes the C(token_*) and C(secret_id_*) names, which both servers accept and which report roles set through
    the old names as well.
  - OpenBao also reports C(token_strictly_bind_ip); it is neither compared nor changed by this module.
  - The token needs C(read), C(create), C(update) and C(delete) on C(auth/<mount>/role/<name>) and C(read) (and
    C(update) for O(custom_role_id)) on C(auth/<mount>/role/<name>/role-id). It also reads
    C(sys/internal/ui/mounts/auth/<mount>) to check that the mount is an AppRole one.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Role for the web application, secret IDs valid for a day and usable from the app network
  citadel.secrets.vault_approle_role:
    name: web
    token_policies: [web-read]
    token_ttl: 15m
    token_max_ttl: 1h
    secret_id_ttl: 24h
    secret_id_num_uses: 1
    secret_id_bound_cidrs: [10.20.0.0/16]
  register: web_role

- name: Bake the role ID into the application's configuration
  ansible.builtin.copy:
    content: "{{ web_role.role_id }}\n"
    dest: /etc/web/role-id
    mode: "0640"

- name: CI role with a fixed role ID and batch tokens, on a second AppRole mount
  citadel.secrets.vault_approle_role:
    mount: ci-approle
    name: deploy
    custom_role_id: ci-deploy
    token_policies: [deploy]
    token_type: batch
    token_ttl: 10m

- name: Remove a role (its secret IDs stop working)
  citadel.secrets.vault_approle_role:
    name: legacy
    state: absent
"""

RETURN = r"""
role_id:
  description:
    - The role ID, to configure on the clients that log in with this role. Not a credential by itself, but keep it
      out of public places.
    - V(null) when the role is absent, and in check mode when the role would be created with a generated ID.
  returned: always
  type: str
  sample: 3f0c2a5e-8d61-4a3e-9a0e-2f4f5c1d7b21
role:
  description: The role after the task (empty when absent). TTLs in seconds, lists sorted.
  returned: always
  type: dict
  contains:
    role_id:
      description: The role ID (see RV(role_id)).
      type: str
      returned: when the role exists
    bind_secret_id:
      description: Whether logins need a secret ID.
      type: bool
      returned: when the role exists
    secret_id_bound_cidrs:
      description: CIDR blocks logins with a secret ID are accepted from.
      type: list
      elements: str
      returned: when the role exists
    secret_id_num_uses:
      description: Default number of uses of a secret ID; V(0) for unlimited.
      type: int
      returned: when the role exists
    secret_id_ttl:
      description: Default secret ID lifetime in seconds; V(0) for none.
      type: int
      returned: when the role exists
    local_secret_ids:
      description: Whether secret IDs are local to the cluster.
      type: bool
      returned: when the role exists
    token_policies:
      description: Policies of issued tokens.
      type: list
      elements: str
      returned: when the role exists
    token_ttl:
      description: Initial TTL of issued tokens in seconds.
      type: int
      returned: when the role exists
    token_max_ttl:
      description: Maximum TTL of issued tokens in seconds.
      type: int
      returned: when the role exists
    token_explicit_max_ttl:
      description: Hard maximum lifetime of issued tokens in seconds.
      type: int
      returned: when the role exists
    token_period:
      description: Renewal period of issued periodic tokens in seconds; V(0) when not periodic.
      type: int
      returned: when the role exists
    token_num_uses:
      description: Use limit of issued tokens; V(0) for unlimited.
      type: int
      returned: when the role exists
    token_bound_cidrs:
      description: Where issued tokens may be used from.
      type: list
      elements: str
      returned: when the role exists
    token_no_default_policy:
      description: Whether the V(default) policy is left out of issued tokens.
      type: bool
      returned: when the role exists
    token_type:
      description: Type of issued tokens.
      type: str
      returned: when the role exists
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._approle_role import ApproleRoleResource


def main():
    run_resource_module(ApproleRoleResource, ApproleRoleResource.argspec, **ApproleRoleResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
