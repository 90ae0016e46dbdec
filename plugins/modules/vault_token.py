#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_token
short_description: Create or revoke a Vault or OpenBao token
version_added: 0.1.0
description:
  - Creates a token (C(auth/token/create)), either a child of the token the task logs in with, an orphan
    (O(no_parent=true), C(auth/token/create-orphan)), a periodic one (O(period)), or one from a token role
    (O(token_role), C(auth/token/create/<role>)). With O(wrap_ttl), the server response-wraps it and only a
    single-use wrapping token is returned.
  - Creating is not idempotent by nature, since the server shows a token only once, so every run with
    O(state=present) creates a new token and reports a change. Revoke tokens you no longer need with
    O(state=absent), or give them a TTL.
  - With O(state=absent), revokes the token with the given O(accessor) or the token O(revoke_token), together
    with its child tokens. The token is looked up first, so an unknown (expired or already revoked) token is not
    a change.
  - All options are checked before any request.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  policies:
    description:
      - Policies of the new token. Without it, a child token gets the policies of the token creating it (or of
        O(token_role)). Only a root or C(sudo) token may give policies it does not hold itself.
    type: list
    elements: str
  no_default_policy:
    description:
      - Do not attach the V(default) policy.
    type: bool
  ttl:
    description:
      - Initial TTL, as seconds or a duration such as V(1h).
    type: raw
  explicit_max_ttl:
    description:
      - Hard maximum lifetime that renewals cannot extend, as seconds or a duration.
    type: raw
  period:
    description:
      - Make the token periodic, so that each renewal extends it by this period, with no maximum lifetime unless
        O(explicit_max_ttl) is set. Needs a root or C(sudo) token, or a O(token_role) with C(token_period).
    type: raw
  num_uses:
    description:
      - Number of requests the token may make; V(0) means unlimited.
    type: int
  display_name:
    description:
      - Display name, shown in audit logs (the server prefixes it with C(token-)).
    type: str
  meta:
    description:
      - String key/value metadata, shown in audit logs.
    type: dict
  token_role:
    description:
      - Create the token from this token role (see M(citadel.secrets.vault_token_role)), which decides what the
        token may be. Named so that it cannot be confused with the O(role) used to log in.
    type: str
  entity_alias:
    description:
      - Tie the token to this entity alias; needs O(token_role) with the alias in its C(allowed_entity_aliases).
    type: str
  renewable:
    description:
      - Whether the token can be renewed.
    type: bool
  no_parent:
    description:
      - Create an orphan token, which outlives the token that created it (C(auth/token/create-orphan); needs
        C(sudo) on that path). Cannot be combined with O(token_role), whose C(orphan) setting decides.
    type: bool
    aliases: [orphan]
  token_type:
    description:
      - V(service) or V(batch). Batch tokens are lightweight, cannot be renewed or revoked, have no accessor and
        cannot be periodic or use-limited.
    type: str
    choices: [service, batch]
  wrap_ttl:
    description:
      - Response-wrap the new token for this long (seconds or a duration such as V(10m)), and the task returns
        RV(wrapping_token) instead of RV(token).
    type: raw
  accessor:
    description:
      - With O(state=absent), the accessor of the token to revoke (RV(accessor) of the task that created it).
    type: str
  revoke_token:
    description:
      - With O(state=absent), the token to revoke, by value (when its accessor is not known).
    type: str
  state:
    description:
      - V(present) creates a token on every run; V(absent) revokes the one given by O(accessor) or
        O(revoke_token).
    type: str
    choices: [present, absent]
    default: present
notes:
  - RV(token) and RV(wrapping_token) are credentials. Set C(no_log=true) on the task (or on every task that
    prints the registered result), because Ansible shows module results in its output, and a module cannot hide part
    of its own result from it. C(register) keeps the real values.
  - A child token is revoked when its parent is. A token created by a task that logs in with a short-lived
    token (AppRole, userpass, ...) dies with that login's token unless O(no_parent=true) or O(token_role) with
    C(orphan).
  - In check mode nothing is created, so no token is returned and RV(accessor) is V(null).
  - Batch tokens have no accessor; RV(accessor) is V(null) for them and they cannot be revoked.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Short-lived token for a deployment step, wrapped for delivery
  citadel.secrets.vault_token:
    policies: [deploy]
    ttl: 30m
    num_uses: 20
    display_name: deploy-{{ inventory_hostname }}
    meta:
      pipeline: "{{ pipeline_id }}"
    wrap_ttl: 5m
  register: deploy_token
  no_log: true

- name: Periodic orphan token for a long-running agent
  citadel.secrets.vault_token:
    policies: [agent]
    period: 24h
    no_parent: true
  register: agent_token
  no_log: true

- name: Token from a token role
  citadel.secrets.vault_token:
    token_role: deploy
  register: role_token
  no_log: true

- name: Revoke the agent token (and its children)
  citadel.secrets.vault_token:
    accessor: "{{ agent_token.accessor }}"
    state: absent
"""

RETURN = r"""
token:
  description: The new token. A credential; see the notes on C(no_log).
  returned: when a token was created without O(wrap_ttl), not in check mode
  type: str
wrapping_token:
  description:
    - The single-use token wrapping the new token (unwrap it with C(sys/wrapping/unwrap)). A credential; see the
      notes on C(no_log).
  returned: when a token was created with O(wrap_ttl), not in check mode
  type: str
wrap_info:
  description: How the token was wrapped (without the wrapping token).
  returned: when a token was created with O(wrap_ttl), not in check mode
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
      description: The path whose answer is wrapped, for example C(auth/token/create).
      type: str
accessor:
  description:
    - Accessor of the token created or revoked. Not a credential; use it to look the token up or revoke it.
    - V(null) in check mode, for batch tokens, and when O(state=absent) found no token.
  returned: always
  type: str
properties:
  description:
    - The token's properties as the server reports them after the task (empty when revoked). Never contains the
      token. In check mode, the properties requested.
  returned: always
  type: dict
  contains:
    accessor:
      description: Its accessor.
      type: str
    policies:
      description: Its policies, sorted.
      type: list
      elements: str
    display_name:
      description: Its display name.
      type: str
    meta:
      description: Its metadata.
      type: dict
    num_uses:
      description: Uses left; V(0) for unlimited.
      type: int
    orphan:
      description: Whether it has no parent.
      type: bool
    renewable:
      description: Whether it can be renewed.
      type: bool
    ttl:
      description: Seconds left.
      type: int
    explicit_max_ttl:
      description: Hard maximum lifetime in seconds; V(0) for none.
      type: int
    period:
      description: Renewal period in seconds; V(0) when not periodic.
      type: int
    type:
      description: V(service) or V(batch).
      type: str
    path:
      description: The path it was created at.
      type: str
    entity_id:
      description: The entity it belongs to, if any.
      type: str
    creation_time:
      description: Creation time (Unix seconds).
      type: int
    expire_time:
      description: Expiry time; V(null) for tokens that do not expire.
      type: str
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._token import TokenResource

ARGSPEC = dict(
    policies=dict(type="list", elements="str"),
    no_default_policy=dict(type="bool"),
    ttl=dict(type="raw"),
    explicit_max_ttl=dict(type="raw"),
    period=dict(type="raw"),
    num_uses=dict(type="int"),
    display_name=dict(type="str"),
    meta=dict(type="dict"),
    token_role=dict(type="str", no_log=False),
    entity_alias=dict(type="str"),
    renewable=dict(type="bool"),
    no_parent=dict(type="bool", aliases=["orphan"]),
    token_type=dict(type="str", choices=["service", "batch"], no_log=False),
    wrap_ttl=dict(type="raw"),
    accessor=dict(type="str", no_log=False),
    revoke_token=dict(type="str", no_log=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def main():
    run_resource_module(TokenResource, ARGSPEC, mutually_exclusive=[("accessor", "revoke_token")],
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
