#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_approle_secret_id
short_description: Issue or destroy an AppRole secret ID in Vault or OpenBao
version_added: 0.1.0
description:
  - Issues a secret ID for an AppRole role (C(auth/<mount>/role/<name>/secret-id)), with metadata, CIDR bindings,
    a lifetime and a use limit, and returns it. With O(wrap_ttl), the server response-wraps it and only a
    single-use wrapping token is returned, so the secret ID itself never passes through Ansible.
  - Issuing is not idempotent by nature, since the server never shows a secret ID again, so by default every run issues
    a new one and reports a change. O(only_if_none=true) issues one only when the role has no live secret ID with
    the same O(metadata) (for example one per host); O(custom_secret_id) sets a value of your own only when the
    role does not know it yet.
  - With O(state=absent), destroys the secret ID with the given O(secret_id_accessor); an accessor that no
    longer exists (or a role that is gone) is not a change.
  - Bad input, a missing role, and a O(ttl) or O(num_uses) beyond the role's limits fail before anything is
    issued, in check mode too.
  - See C(docs/approle_delivery.md) in the collection for the delivery pattern (role ID in the configuration,
    wrapped secret ID at deploy time, unwrapped once on the target).
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  name:
    description:
      - Name of the AppRole role.
    type: str
    required: true
  mount:
    description:
      - Path where the AppRole auth method is mounted (without C(auth/)).
    type: str
    default: approle
  metadata:
    description:
      - String key/value pairs stored with the secret ID and attached to the metadata of tokens it logs in.
        Not secret; visible to whoever may look the secret ID up.
      - With O(only_if_none=true), the identity of the secret ID (compared for equality).
    type: dict
  cidr_list:
    description:
      - CIDR blocks from which this secret ID may log in; must lie within the role's C(secret_id_bound_cidrs).
    type: list
    elements: str
  token_bound_cidrs:
    description:
      - CIDR blocks from which tokens this secret ID logs in may be used; must lie within the role's
        C(token_bound_cidrs).
    type: list
    elements: str
  ttl:
    description:
      - Lifetime of the secret ID, as seconds or a duration such as V(1h). Defaults to the role's
        C(secret_id_ttl) and cannot exceed it.
    type: raw
  num_uses:
    description:
      - Number of logins the secret ID allows. Defaults to the role's C(secret_id_num_uses) and cannot exceed it;
        V(0) means unlimited (only when the role sets no limit).
    type: int
  custom_secret_id:
    description:
      - Use this value as the secret ID instead of a generated one (C(custom-secret-id) endpoint). It is looked
        up first, so a run with the same value changes nothing.
      - Its other settings (O(metadata), O(ttl), ...) apply only when it is set.
      - Cannot be combined with O(only_if_none).
    type: str
  wrap_ttl:
    description:
      - Response-wrap the new secret ID for this long (seconds or a duration such as V(10m)), and the task returns
        RV(wrapping_token) instead of RV(secret_id). Whoever unwraps it first gets the secret ID, once.
    type: raw
  only_if_none:
    description:
      - Issue a secret ID only when the role has no live (unexpired) secret ID whose metadata equals O(metadata).
        Otherwise nothing is issued, the task reports no change and returns that secret ID's accessor, but not
        its value, which cannot be read back.
      - An empty or missing O(metadata) matches secret IDs without metadata.
      - Lists the role's secret ID accessors and looks each up, one request per secret ID.
    type: bool
    default: false
  secret_id_accessor:
    description:
      - With O(state=absent), the accessor of the secret ID to destroy (RV(secret_id_accessor) of the task that
        issued it).
    type: str
  state:
    description:
      - V(present) issues a secret ID (see O(only_if_none) and O(custom_secret_id) for when it does not);
        V(absent) destroys the one with O(secret_id_accessor).
    type: str
    choices: [present, absent]
    default: present
notes:
  - RV(secret_id) and RV(wrapping_token) are credentials. Set C(no_log=true) on the task (or on every task
    that prints the registered result), because Ansible shows module results in its output, and a module cannot hide
    part of its own result from it. C(register) keeps the real values.
  - In check mode nothing is issued, so neither RV(secret_id) nor RV(wrapping_token) is returned and
    RV(secret_id_accessor) is V(null) when one would be issued.
  - The metadata of a secret ID becomes metadata of the tokens it logs in (and appears in audit logs in clear).
  - The token needs C(update) on C(auth/<mount>/role/<name>/secret-id) (or C(custom-secret-id)), C(read) on
    C(auth/<mount>/role/<name>), C(update) on C(.../secret-id-accessor/lookup) and C(.../secret-id-accessor/destroy),
    and C(list) on C(.../secret-id) for O(only_if_none).
  - Depending on the server and its version, looking up an unknown accessor answers HTTP 404 or HTTP 500
    (C(failed to find accessor entry)); both count as absent.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Issue a wrapped secret ID for this host, valid 10 minutes until it is unwrapped
  citadel.secrets.vault_approle_secret_id:
    name: web
    metadata:
      host: "{{ inventory_hostname }}"
    cidr_list: ["{{ ansible_default_ipv4.address }}/32"]
    wrap_ttl: 10m
  delegate_to: localhost
  register: web_secret
  no_log: true

- name: Hand the wrapping token to the host (it unwraps it once, see docs/approle_delivery.md)
  ansible.builtin.copy:
    content: "{{ web_secret.wrapping_token }}"
    dest: /etc/web/secret-id.wrapped
    owner: web
    mode: "0400"
  no_log: true

- name: One secret ID per CI runner, issued only if the runner has none that is still valid
  citadel.secrets.vault_approle_secret_id:
    name: ci
    metadata:
      runner: runner-07
    ttl: 30d
    only_if_none: true
  register: runner_secret
  no_log: true

- name: Revoke it
  citadel.secrets.vault_approle_secret_id:
    name: ci
    secret_id_accessor: "{{ runner_secret.secret_id_accessor }}"
    state: absent
"""

RETURN = r"""
secret_id:
  description:
    - The new secret ID. A credential; see the notes on C(no_log).
  returned: when a secret ID was issued without O(wrap_ttl) and without O(custom_secret_id), not in check mode
  type: str
wrapping_token:
  description:
    - The single-use token wrapping the new secret ID (unwrap it with C(sys/wrapping/unwrap), or log in with it
      through the O(secret_id_wrapping_token) auth option). A credential; see the notes on C(no_log).
  returned: when a secret ID was issued with O(wrap_ttl), not in check mode
  type: str
wrap_info:
  description: How the secret ID was wrapped (without the token).
  returned: when a secret ID was issued with O(wrap_ttl), not in check mode
  type: dict
  contains:
    accessor:
      description: Accessor of the wrapping token.
      type: str
    ttl:
      description: Seconds the wrapping token stays valid.
      type: int
    creation_time:
      description: When the wrapping token was created.
      type: str
    creation_path:
      description: The path whose answer is wrapped, C(auth/<mount>/role/<name>/secret-id); check it before
        unwrapping.
      type: str
secret_id_accessor:
  description:
    - Accessor of the secret ID issued, found (O(only_if_none), O(custom_secret_id)) or destroyed. Not a
      credential; use it to look the secret ID up or destroy it.
    - V(null) in check mode when one would be issued, and for a wrapped secret ID on older HashiCorp Vault
      releases, which do not report its accessor (C(wrap_info.wrapped_accessor)).
  returned: always
  type: str
properties:
  description: The secret ID's properties after the task (empty when destroyed). Never contains the secret ID.
  returned: always
  type: dict
  contains:
    secret_id_accessor:
      description: Its accessor.
      type: str
    metadata:
      description: Its metadata.
      type: dict
    cidr_list:
      description: CIDR blocks it may log in from.
      type: list
      elements: str
    token_bound_cidrs:
      description: CIDR blocks its tokens may be used from.
      type: list
      elements: str
    secret_id_ttl:
      description: Lifetime in seconds at issue; V(0) for none.
      type: int
    secret_id_num_uses:
      description: Logins left; V(0) for unlimited.
      type: int
    creation_time:
      description: When it was issued (not in check mode).
      type: str
      returned: when read from the server
    expiration_time:
      description: When it expires; C(0001-01-01T00:00:00Z) for never.
      type: str
      returned: when read from the server
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._approle_secret_id import (
    ApproleSecretIdResource)

ARGSPEC = dict(
    name=dict(type="str", required=True),
    mount=dict(type="str", default="approle"),
    metadata=dict(type="dict"),
    cidr_list=dict(type="list", elements="str"),
    token_bound_cidrs=dict(type="list", elements="str", no_log=False),
    ttl=dict(type="raw"),
    num_uses=dict(type="int"),
    custom_secret_id=dict(type="str", no_log=True),
    wrap_ttl=dict(type="raw"),
    only_if_none=dict(type="bool", default=False),
    secret_id_accessor=dict(type="str", no_log=False),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def main():
    run_resource_module(ApproleSecretIdResource, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
