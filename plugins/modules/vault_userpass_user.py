#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_userpass_user
short_description: Manage a userpass user in Vault or OpenBao
version_added: 0.1.0
description:
  - Creates, updates or deletes a user of the userpass auth method at C(auth/<mount>/users/<name>).
  - The token settings are compared with the stored user (TTLs in seconds, lists as sets) and only those that
    differ are written.
  - The password is write-only, since the server never returns it, so it cannot be compared. It is set when the user
    is created and, with O(update_password=always), on every run, which then always reports a change. Diffs
    show it as a marker, never its value.
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
      - User name. The server lower-cases it, so V(Alice) and V(alice) are the same user.
    type: str
    required: true
  mount:
    description:
      - Path where the userpass auth method is mounted (without C(auth/)).
    type: str
    default: userpass
  user_password:
    description:
      - The user's password (named so that it cannot be confused with the O(password) used to log in).
      - Required to create the user, unless O(password_hash) is given.
    type: str
  password_hash:
    description:
      - The user's password as a bcrypt hash, instead of O(user_password), so the clear password never reaches
        Ansible or the server.
      - Needs HashiCorp Vault 1.17 or later, or an OpenBao release that accepts C(password_hash).
    type: str
  update_password:
    description:
      - V(on_create) sets the password only when the user is created, so a later run changes nothing.
      - V(always) sets it on every run, and the task always reports a change (the stored password cannot be read
        to compare). Use it for one-off password changes or rotation plays.
    type: str
    choices: [always, on_create]
    default: on_create
  state:
    description:
      - V(present) creates or updates the user; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - The token needs C(read), C(create), C(update) and C(delete) on C(auth/<mount>/users/<name>), and reads
    C(sys/internal/ui/mounts/auth/<mount>) to check that the mount is a userpass one.
  - A password change does not affect tokens the user already holds.
  - OpenBao also reports C(token_strictly_bind_ip); it is neither compared nor changed by this module.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Operator account with a one-hour token
  citadel.secrets.vault_userpass_user:
    name: alice
    user_password: "{{ alice_initial_password }}"
    token_policies: [operator]
    token_ttl: 1h
    token_bound_cidrs: [10.0.0.0/8]

- name: Rotate the break-glass password (reports a change on every run)
  citadel.secrets.vault_userpass_user:
    name: breakglass
    user_password: "{{ lookup('ansible.builtin.password', '/dev/null', length=32) }}"
    update_password: always
  no_log: true

- name: Account created from a bcrypt hash, on a second userpass mount
  citadel.secrets.vault_userpass_user:
    mount: people
    name: bob
    password_hash: "{{ bob_bcrypt_hash }}"
    token_policies: [developer]

- name: Remove an account
  citadel.secrets.vault_userpass_user:
    name: carol
    state: absent
"""

RETURN = r"""
user:
  description: The user's token settings after the task (empty when absent). Never contains the password.
  returned: always
  type: dict
  contains:
    token_policies:
      description: Policies of the user's tokens.
      type: list
      elements: str
      returned: when the user exists
    token_ttl:
      description: Initial TTL of the user's tokens in seconds.
      type: int
      returned: when the user exists
    token_max_ttl:
      description: Maximum TTL in seconds.
      type: int
      returned: when the user exists
    token_explicit_max_ttl:
      description: Hard maximum lifetime in seconds.
      type: int
      returned: when the user exists
    token_period:
      description: Renewal period of periodic tokens in seconds.
      type: int
      returned: when the user exists
    token_num_uses:
      description: Use limit of the user's tokens; V(0) for unlimited.
      type: int
      returned: when the user exists
    token_bound_cidrs:
      description: Where the user's tokens may be used from.
      type: list
      elements: str
      returned: when the user exists
    token_no_default_policy:
      description: Whether the V(default) policy is left out.
      type: bool
      returned: when the user exists
    token_type:
      description: Type of the user's tokens.
      type: str
      returned: when the user exists
password_changed:
  description: Whether the task set (or, in check mode, would set) the password.
  returned: always
  type: bool
diff:
  description: Before and after; a password that is set shows as C(**SECRET (changed)**).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._userpass_user import (
    UserpassUserResource)


def main():
    run_resource_module(UserpassUserResource, UserpassUserResource.argspec, **UserpassUserResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
