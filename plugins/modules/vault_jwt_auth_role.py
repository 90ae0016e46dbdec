#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_jwt_auth_role
short_description: Manage a role of a Vault or OpenBao JWT/OIDC auth method
version_added: 0.1.0
description:
  - Creates, updates or deletes a role at C(auth/<mount>/role/<name>), which says which tokens may log in (audiences, subject,
    claims), what the login is called (user and groups claims), and the Vault token it receives.
  - Only the settings given are compared; lists such as O(bound_audiences) are compared as sets, TTLs in seconds.
  - An update writes only the settings that differ (with O(role_type), which the server needs on every write).
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
      - Name of the role.
    type: str
    required: true
  mount:
    description:
      - Path of the JWT/OIDC auth method, without C(auth/).
    type: str
    default: jwt
  role_type:
    description:
      - V(jwt) for logins that present a signed token (CI jobs, workloads); V(oidc) for browser logins.
      - A role created without it is an V(oidc) role (the server's default).
    type: str
    choices: [jwt, oidc]
  bound_audiences:
    description:
      - Accepted values of the C(aud) claim; any match is enough. Required by the server for V(jwt) roles unless
        another bound constraint is set.
    type: list
    elements: str
  bound_subject:
    description:
      - Required value of the C(sub) claim.
    type: str
  bound_claims:
    description:
      - Claims and the values they must have. A list value accepts any of its items.
      - With O(bound_claims_type=glob), values are glob patterns such as V(refs/heads/release-*).
    type: dict
  bound_claims_type:
    description:
      - How O(bound_claims) values match.
    type: str
    choices: [string, glob]
  claim_mappings:
    description:
      - Claims copied into the token's metadata, as claim name to metadata key.
    type: dict
  user_claim:
    description:
      - Claim that names the user (the entity alias), for example V(sub) or, for GitHub Actions, V(actor).
    type: str
  groups_claim:
    description:
      - Claim that lists the user's groups (group aliases).
    type: str
  allowed_redirect_uris:
    description:
      - Redirect URIs allowed in the OIDC flow. Required for V(oidc) roles.
    type: list
    elements: str
  oidc_scopes:
    description:
      - Extra scopes requested in the OIDC flow (V(openid) is always requested).
    type: list
    elements: str
  verbose_oidc_logging:
    description:
      - Log the OIDC tokens and claims received (server log). For debugging only.
    type: bool
  clock_skew_leeway:
    description:
      - Leeway for all time claims, as seconds or a duration. V(0) means the server default; V(-1) means none.
    type: raw
  expiration_leeway:
    description:
      - Leeway for the C(exp) claim, as seconds or a duration. V(0) means the server default; V(-1) means none.
    type: raw
  not_before_leeway:
    description:
      - Leeway for the C(nbf) claim, as seconds or a duration. V(0) means the server default; V(-1) means none.
    type: raw
  state:
    description:
      - V(present) creates or updates the role; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Which auth method sits at O(mount) is read from C(sys/internal/ui/mounts/auth/<mount>) first; writing a role to
    a mount of another type fails before anything is written.
  - The server checks what depends on several settings (a V(jwt) role needs a bound constraint, an V(oidc) role
    needs O(allowed_redirect_uris), O(user_claim) is required); its message is returned as is.
  - OpenBao roles also have C(cel_program), C(callback_mode) and C(token_strictly_bind_ip), and HashiCorp Vault roles
    C(max_age) and C(user_claim_json_pointer); this module leaves them as they are.
seealso:
  - module: citadel.secrets.vault_jwt_auth
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
# The mount is configured with citadel.secrets.vault_jwt_auth:
#   oidc_discovery_url/bound_issuer: https://token.actions.githubusercontent.com
- name: Let the main branch of one repository deploy, for 15 minutes at a time
  citadel.secrets.vault_jwt_auth_role:
    mount: github-actions
    name: deploy-web
    role_type: jwt
    bound_audiences: [https://github.com/example-org]
    bound_claims:
      repository: example-org/web
      ref: refs/heads/main
    user_claim: actor
    token_policies: [deploy-web]
    token_ttl: 15m
    token_max_ttl: 15m

- name: Release branches too, matched as globs
  citadel.secrets.vault_jwt_auth_role:
    mount: github-actions
    name: release-web
    role_type: jwt
    bound_audiences: [https://github.com/example-org]
    bound_claims_type: glob
    bound_claims:
      repository: example-org/web
      ref: [refs/heads/main, refs/heads/release-*]
    user_claim: actor
    claim_mappings:
      repository: repository
      ref: ref
    token_policies: [release-web]
    token_ttl: 15m

- name: Browser logins for staff
  citadel.secrets.vault_jwt_auth_role:
    mount: oidc
    name: staff
    role_type: oidc
    user_claim: email
    groups_claim: groups
    oidc_scopes: [email, profile]
    allowed_redirect_uris:
      - https://vault.example.com:8200/ui/vault/auth/oidc/oidc/callback
      - http://localhost:8250/oidc/callback
    token_policies: [staff]

- name: Remove a role
  citadel.secrets.vault_jwt_auth_role:
    mount: github-actions
    name: legacy
    state: absent
"""

RETURN = r"""
role:
  description: The role after the task (in check mode, what it would be); empty when absent.
  returned: always
  type: dict
  contains:
    role_type:
      description: V(jwt) or V(oidc).
      type: str
      returned: when the role exists
    bound_audiences:
      description: Accepted audiences, sorted.
      type: list
      elements: str
      returned: when the role exists
    bound_subject:
      description: Required subject.
      type: str
      returned: when the role exists
    bound_claims:
      description: Required claims.
      type: dict
      returned: when the role exists
      sample: {repository: example-org/web, ref: refs/heads/main}
    bound_claims_type:
      description: V(string) or V(glob).
      type: str
      returned: when the role exists
    claim_mappings:
      description: Claims copied into token metadata.
      type: dict
      returned: when the role exists
    user_claim:
      description: Claim naming the user.
      type: str
      returned: when the role exists
    groups_claim:
      description: Claim listing groups.
      type: str
      returned: when the role exists
    allowed_redirect_uris:
      description: Allowed OIDC redirect URIs, sorted.
      type: list
      elements: str
      returned: when the role exists
    oidc_scopes:
      description: Extra OIDC scopes, sorted.
      type: list
      elements: str
      returned: when the role exists
    verbose_oidc_logging:
      description: Whether OIDC logins are logged verbosely.
      type: bool
      returned: when the role exists
    clock_skew_leeway:
      description: Seconds of leeway for time claims (V(0) default, V(-1) none).
      type: int
      returned: when the role exists
    expiration_leeway:
      description: Seconds of leeway for C(exp).
      type: int
      returned: when the role exists
    not_before_leeway:
      description: Seconds of leeway for C(nbf).
      type: int
      returned: when the role exists
    token_policies:
      description: Policies of issued tokens, sorted.
      type: list
      elements: str
      returned: when the role exists
    token_ttl:
      description: Initial TTL of issued tokens in seconds.
      type: int
      returned: when the role exists
      sample: 900
    token_max_ttl:
      description: Maximum TTL of issued tokens in seconds.
      type: int
      returned: when the role exists
    token_explicit_max_ttl:
      description: Hard maximum TTL in seconds.
      type: int
      returned: when the role exists
    token_period:
      description: Renewal period of periodic tokens in seconds.
      type: int
      returned: when the role exists
    token_num_uses:
      description: Uses allowed per token, V(0) for unlimited.
      type: int
      returned: when the role exists
    token_bound_cidrs:
      description: CIDR blocks tokens may be used from, sorted.
      type: list
      elements: str
      returned: when the role exists
    token_no_default_policy:
      description: Whether the default policy is left out.
      type: bool
      returned: when the role exists
    token_type:
      description: Type of issued tokens.
      type: str
      returned: when the role exists
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._jwt_auth import JwtAuthRoleResource


def main():
    run_resource_module(JwtAuthRoleResource, JwtAuthRoleResource.argspec, **JwtAuthRoleResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
