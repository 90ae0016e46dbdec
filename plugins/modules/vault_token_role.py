#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_token_role
short_description: Manage a token role in Vault or OpenBao
version_added: 0.1.0
description:
  - Creates, updates or deletes a token role at C(auth/token/roles/<name>). Tokens are created from it with
    M(citadel.secrets.vault_token) and O(citadel.secrets.vault_token#module:token_role).
  - Only the options given are compared and written; the server keeps the others. TTLs are compared in seconds
    and lists as sets.
  - A O(token_type=batch) role that the server would refuse (not orphan, renewable, periodic, or with an explicit
    max TTL) fails before anything is written, in check mode too.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  name:
    description:
      - Name of the token role.
    type: str
    required: true
  allowed_policies:
    description:
      - Policies tokens created from this role may have. When set, a request that names no policies gets these.
        Compared as a set.
    type: list
    elements: str
  disallowed_policies:
    description:
      - Policies tokens created from this role may not have. Compared as a set.
    type: list
    elements: str
  allowed_policies_glob:
    description:
      - Like O(allowed_policies), with C(*) globs.
    type: list
    elements: str
  disallowed_policies_glob:
    description:
      - Like O(disallowed_policies), with C(*) globs.
    type: list
    elements: str
  allowed_entity_aliases:
    description:
      - Entity aliases a token created from this role may be tied to (C(entity_alias) of the create request).
    type: list
    elements: str
  orphan:
    description:
      - Create tokens without a parent, so that revoking the creating token does not revoke them.
    type: bool
  renewable:
    description:
      - Whether tokens created from this role can be renewed.
    type: bool
  path_suffix:
    description:
      - Suffix appended to the token's path (C(auth/token/create/<name>/<suffix>)), for revoking all tokens of a
        generation with C(sys/leases/revoke-prefix). An empty string removes it.
      - At least three letters, digits, V(_), V(-) or V(.), starting and ending with a letter, digit or V(_).
    type: str
  token_period:
    description:
      - Make created tokens periodic with this renewal period, as seconds or a duration such as V(24h). V(0) for
        none.
    type: raw
  token_explicit_max_ttl:
    description:
      - Hard maximum lifetime of created tokens, as seconds or a duration. V(0) for none.
    type: raw
  token_num_uses:
    description:
      - Number of requests a created token may make. V(0) means unlimited.
    type: int
  token_bound_cidrs:
    description:
      - CIDR blocks (or single addresses) created tokens may be used from. V(10.0.0.1/32) and V(10.0.0.1) are the
        same.
    type: list
    elements: str
  token_no_default_policy:
    description:
      - Do not attach the V(default) policy to created tokens.
    type: bool
  token_type:
    description:
      - Type of created tokens. V(default-service) and V(default-batch) let the create request choose, defaulting
        to service or batch.
      - V(batch) needs O(orphan=true) and O(renewable=false), and no O(token_period) or O(token_explicit_max_ttl).
    type: str
    choices: [default-service, default-batch, service, batch]
  state:
    description:
      - V(present) creates or updates the role; V(absent) deletes it (tokens already created keep working).
    type: str
    choices: [present, absent]
    default: present
notes:
  - The deprecated parameter names C(period), C(explicit_max_ttl) and C(bound_cidrs) are not offered; the module
    writes the C(token_*) names, which both servers accept.
  - The token needs C(read), C(create), C(update) and C(delete) on C(auth/token/roles/<name>).
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Role for deployment pipelines, which may only hand out the deploy policies
  citadel.secrets.vault_token_role:
    name: deploy
    allowed_policies: [deploy, deploy-read]
    disallowed_policies: [root]
    orphan: true
    token_explicit_max_ttl: 2h
    path_suffix: gen-1

- name: Periodic tokens for a long-running agent, usable only from its network
  citadel.secrets.vault_token_role:
    name: agent
    allowed_policies: [agent]
    token_period: 24h
    token_bound_cidrs: [10.10.0.0/16]

- name: Remove a role
  citadel.secrets.vault_token_role:
    name: legacy
    state: absent
"""

RETURN = r"""
role:
  description: The token role after the task (empty when absent). TTLs in seconds, lists sorted.
  returned: always
  type: dict
  sample:
    allowed_policies: [deploy]
    disallowed_policies: []
    allowed_policies_glob: []
    disallowed_policies_glob: []
    allowed_entity_aliases: []
    orphan: true
    renewable: true
    path_suffix: gen-1
    token_period: 0
    token_explicit_max_ttl: 7200
    token_num_uses: 0
    token_bound_cidrs: []
    token_no_default_policy: false
    token_type: default-service
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._token_role import TokenRoleResource


def main():
    run_resource_module(TokenRoleResource, TokenRoleResource.argspec, **TokenRoleResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
