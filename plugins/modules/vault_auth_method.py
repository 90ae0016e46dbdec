#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_auth_method
short_description: Enable, tune or disable a Vault or OpenBao auth method
version_added: 0.1.0
description:
  - Enables an auth method at C(sys/auth/<path>), changes its settings through C(sys/auth/<path>/tune),
    or disables it. Configuring the method itself (roles, users, JWT keys) is left to the method's modules.
  - Only the settings given are compared; TTLs are compared in seconds and lists as sorted sets, so a re-run
    with the same options reports no change.
  - The type of an existing mount is never changed, and neither are O(local), O(seal_wrap) and
    O(external_entropy_access), which the server fixes when the mount is enabled. Asking for a different
    value fails before anything is written; disable the mount first if that is really wanted.
  - A type that is not built in must be registered in the server's plugin catalog; this is checked with a
    read before the mount is enabled.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  path:
    description:
      - Where the method is mounted (it is then reached under C(auth/<path>)), for example V(approle) or
        V(ci/jwt). Leading and trailing slashes are ignored.
      - The built-in V(token) method cannot be disabled or retyped, but its TTLs and description can be tuned.
    type: str
    required: true
  method_type:
    description:
      - The auth method type, for example V(approle), V(userpass), V(jwt), V(oidc), V(kubernetes), V(cert),
        V(token) (only for the built-in mount at V(token)) or the name of a plugin registered in the catalog.
      - Required when O(state=present).
    type: str
    aliases: [type]
  description:
    description:
      - Human-readable description of the mount.
    type: str
  default_lease_ttl:
    description:
      - Default TTL of the tokens the method issues, as seconds or a duration such as V(1h). V(0) means the
        system default.
    type: raw
  max_lease_ttl:
    description:
      - Maximum TTL of the tokens the method issues, as seconds or a duration such as V(24h). V(0) means the
        system default.
    type: raw
  options:
    description:
      - Method-specific mount options. Values are stored as strings.
      - Only the keys given are compared; other options already on the mount are kept.
    type: dict
  audit_non_hmac_request_keys:
    description:
      - Request keys that audit devices log without HMAC. An empty list clears them.
    type: list
    elements: str
  audit_non_hmac_response_keys:
    description:
      - Response keys that audit devices log without HMAC. An empty list clears them.
    type: list
    elements: str
  listing_visibility:
    description:
      - Whether the mount is listed in the UI for unauthenticated users (V(unauth)) or not (V(hidden)).
        The server's default is V(hidden).
    type: str
    choices: [unauth, hidden]
  passthrough_request_headers:
    description:
      - Request headers passed through to the method. An empty list clears them.
    type: list
    elements: str
  allowed_response_headers:
    description:
      - Response headers the method may set. An empty list clears them.
    type: list
    elements: str
  token_type:
    description:
      - Type of token the method issues. V(default-service) and V(default-batch) let the method's roles
        choose, with that default; V(service) and V(batch) force the type.
      - The server's default is V(default-service). Cannot be set on the V(token) method.
    type: str
    choices: [default-service, default-batch, service, batch]
  local:
    description:
      - Make the mount local to this cluster (not replicated). Can only be set when the mount is enabled.
    type: bool
  seal_wrap:
    description:
      - Enable seal wrapping for the mount. Can only be set when the mount is enabled.
    type: bool
  external_entropy_access:
    description:
      - Give the mount access to the external entropy source. Can only be set when the mount is enabled.
    type: bool
  state:
    description:
      - V(present) enables the method or tunes it to the options given.
      - V(absent) disables it, which B(deletes its configuration and revokes every token and lease it issued).
    type: str
    choices: [present, absent]
    default: present
notes:
  - OpenBao 2.x ships fewer built-in auth methods than HashiCorp Vault (no V(aws), V(github), V(ldap),
    V(okta), V(radius) ...). The module knows both lists; enabling a type the server lacks fails with the
    server's message and writes nothing.
  - Both servers report a missing method with HTTP 400 rather than 404 on C(GET sys/auth/<path>); the module
    treats either as absent.
  - The token needs C(sudo) and C(read) on C(sys/auth/<path>), C(create)/C(update) on C(sys/auth/<path>) and
    C(sys/auth/<path>/tune) (C(delete) to disable); checking an unknown type reads
    C(sys/plugins/catalog/auth/<type>), which needs C(sudo).
seealso:
  - module: citadel.secrets.vault_secrets_engine
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: AppRole for CI, issuing batch tokens that live 20 minutes at most
  citadel.secrets.vault_auth_method:
    path: approle
    method_type: approle
    description: CI pipelines
    token_type: default-batch
    default_lease_ttl: 10m
    max_lease_ttl: 20m

- name: Shorter tokens from the built-in token method
  citadel.secrets.vault_auth_method:
    path: token
    method_type: token
    max_lease_ttl: 768h

- name: Show the userpass method on the login page
  citadel.secrets.vault_auth_method:
    path: userpass
    method_type: userpass
    listing_visibility: unauth

- name: Disable a method
  citadel.secrets.vault_auth_method:
    path: legacy-ldap
    state: absent
"""

RETURN = r"""
mount:
  description: The mount after the task (empty when absent). In check mode, what it would be.
  returned: always
  type: dict
  contains:
    path:
      description: Mount path, without the trailing slash.
      type: str
      returned: when the mount exists
      sample: approle
    type:
      description: Auth method type.
      type: str
      returned: when the mount exists
      sample: approle
    description:
      description: Description.
      type: str
      returned: when the mount exists
    accessor:
      description: Mount accessor assigned by the server.
      type: str
      returned: when the mount exists and the task did not just create it in check mode
      sample: auth_approle_1f2e3d4c
    local:
      description: Whether the mount is local to this cluster.
      type: bool
      returned: when the mount exists
    seal_wrap:
      description: Whether seal wrapping is enabled.
      type: bool
      returned: when the mount exists
    external_entropy_access:
      description: Whether the mount can use the external entropy source.
      type: bool
      returned: when the mount exists
    options:
      description: Method options as strings.
      type: dict
      returned: when the mount exists
    config:
      description: Tunable settings.
      type: dict
      returned: when the mount exists
      contains:
        default_lease_ttl:
          description: Default lease TTL in seconds, V(0) for the system default.
          type: int
        max_lease_ttl:
          description: Maximum lease TTL in seconds, V(0) for the system default.
          type: int
        listing_visibility:
          description: V(unauth) or V(hidden).
          type: str
        audit_non_hmac_request_keys:
          description: Sorted request keys logged without HMAC.
          type: list
          elements: str
        audit_non_hmac_response_keys:
          description: Sorted response keys logged without HMAC.
          type: list
          elements: str
        passthrough_request_headers:
          description: Sorted headers passed through to the method.
          type: list
          elements: str
        allowed_response_headers:
          description: Sorted headers the method may set.
          type: list
          elements: str
        token_type:
          description: Type of token the method issues.
          type: str
          sample: default-service
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import AuthMethodResource


def main():
    run_resource_module(AuthMethodResource, AuthMethodResource.argspec, **AuthMethodResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
