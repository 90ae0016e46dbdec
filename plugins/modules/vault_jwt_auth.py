#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_jwt_auth
short_description: Configure a Vault or OpenBao JWT/OIDC auth method
version_added: 0.1.0
description:
  - Sets where a JWT/OIDC auth method gets the keys that verify tokens, which issuer it trusts and, for the OIDC
    flavour, the OAuth client, at C(auth/<mount>/config).
  - Only the settings given are compared. Keys are taken from exactly one source, O(oidc_discovery_url),
    O(jwks_url) or O(jwt_validation_pubkeys); giving one clears the other two and the CA certificate that belonged
    to them.
  - The server replaces the whole configuration on every write, so the module writes the current configuration
    with the task's settings on top, including readable settings it does not manage.
  - There is no C(state) option; the configuration cannot be deleted, only changed. Disable the mount with
    M(citadel.secrets.vault_auth_method) to remove it.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  mount:
    description:
      - Path of the JWT/OIDC auth method, without C(auth/).
    type: str
    default: jwt
  oidc_discovery_url:
    description:
      - Base URL of an OIDC provider; the server fetches C(.well-known/openid-configuration) from it, so it must be
        reachable from the server when the task runs.
      - Mutually exclusive with O(jwks_url) and O(jwt_validation_pubkeys).
    type: str
  oidc_discovery_ca_pem:
    description:
      - CA certificates (PEM) to trust when fetching from O(oidc_discovery_url). Empty means the system's.
    type: str
  oidc_client_id:
    description:
      - OAuth client ID, for the OIDC flavour (browser logins). Needs O(oidc_discovery_url).
    type: str
  oidc_client_secret:
    description:
      - OAuth client secret. Write-only, the server never returns it; see O(update_secret).
      - An empty string removes a stored secret (a public client).
    type: str
  update_secret:
    description:
      - When to send O(oidc_client_secret).
      - V(on_create) sends it when the configuration is first written and whenever another setting changes
        (every write replaces the whole configuration); otherwise a run with only the secret given reports no change.
      - V(always) sends it on every run and always reports a change; use it to rotate the secret.
    type: str
    choices: [always, on_create]
    default: on_create
  oidc_response_mode:
    description:
      - How the provider returns the authorization response. Empty means the server's default (V(query)).
    type: str
    choices: ['', query, form_post]
  oidc_response_types:
    description:
      - Response types requested from the provider. Empty means the server's default (V(code)).
    type: list
    elements: str
    choices: [code, id_token]
  jwks_url:
    description:
      - URL of a JSON Web Key Set used to verify token signatures.
      - Mutually exclusive with O(oidc_discovery_url) and O(jwt_validation_pubkeys).
    type: str
  jwks_ca_pem:
    description:
      - CA certificates (PEM) to trust when fetching O(jwks_url). Empty means the system's.
    type: str
  jwt_validation_pubkeys:
    description:
      - PEM public keys (or certificates) that verify token signatures locally, without any request by the
        server. Compared as a set.
      - Mutually exclusive with O(oidc_discovery_url) and O(jwks_url).
    type: list
    elements: str
  jwt_supported_algs:
    description:
      - Signing algorithms accepted. Empty means the server's default (V(RS256)).
    type: list
    elements: str
    choices: [RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512, EdDSA]
  bound_issuer:
    description:
      - Value the C(iss) claim of every token must have. Empty means any.
    type: str
  default_role:
    description:
      - Role used by logins that name none.
    type: str
  namespace_in_state:
    description:
      - Pass the namespace in the OIDC state parameter rather than as a query parameter of the redirect URI.
    type: bool
  provider_config:
    description:
      - Provider-specific settings (for example C(provider=azure) or C(provider=gsuite)), as the server documents.
    type: dict
notes:
  - Which auth method sits at O(mount) is read from C(sys/internal/ui/mounts/auth/<mount>) first; writing to a mount
    of another type fails before anything is written.
  - Because every write replaces the whole configuration and the client secret cannot be read back, a task that
    changes a setting of a configuration with an O(oidc_client_id) must give O(oidc_client_secret) too (an empty
    string for a client without one); otherwise it fails before writing rather than erase the stored secret.
  - OpenBao also accepts C(jwks_pairs) and C(skip_jwks_validation), which it does not report back; a write by this
    module does not keep them. HashiCorp Vault and OpenBao otherwise share this API.
seealso:
  - module: citadel.secrets.vault_jwt_auth_role
  - module: citadel.secrets.vault_auth_method
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Enable a JWT mount for GitHub Actions
  citadel.secrets.vault_auth_method:
    path: github-actions
    method_type: jwt

- name: Trust GitHub Actions' OIDC tokens
  citadel.secrets.vault_jwt_auth:
    mount: github-actions
    oidc_discovery_url: https://token.actions.githubusercontent.com
    bound_issuer: https://token.actions.githubusercontent.com

- name: Verify tokens with keys held locally (no outbound request from the server)
  citadel.secrets.vault_jwt_auth:
    jwt_validation_pubkeys:
      - "{{ lookup('ansible.builtin.file', 'keys/ci-signer.pub.pem') }}"
    jwt_supported_algs: [RS256, ES256]
    bound_issuer: https://ci.example.com

- name: OIDC browser logins through a company identity provider
  citadel.secrets.vault_jwt_auth:
    mount: oidc
    oidc_discovery_url: https://login.example.com/realms/staff
    oidc_client_id: vault
    oidc_client_secret: "{{ vault_oidc_client_secret }}"
    default_role: staff

- name: Rotate the OIDC client secret
  citadel.secrets.vault_jwt_auth:
    mount: oidc
    oidc_client_secret: "{{ new_oidc_client_secret }}"
    update_secret: always
"""

RETURN = r"""
config:
  description:
    - The configuration after the task (in check mode, what it would be). The client secret is never returned.
  returned: always
  type: dict
  contains:
    oidc_discovery_url:
      description: OIDC discovery URL, empty when another key source is used.
      type: str
      returned: always
    oidc_discovery_ca_pem:
      description: CA certificates for discovery (PEM, whitespace-normalised).
      type: str
      returned: always
    oidc_client_id:
      description: OAuth client ID.
      type: str
      returned: always
    oidc_response_mode:
      description: OIDC response mode, empty for the default.
      type: str
      returned: always
    oidc_response_types:
      description: OIDC response types, sorted.
      type: list
      elements: str
      returned: always
    jwks_url:
      description: JWKS URL, empty when another key source is used.
      type: str
      returned: always
    jwks_ca_pem:
      description: CA certificates for the JWKS URL.
      type: str
      returned: always
    jwt_validation_pubkeys:
      description: Public keys held locally, sorted.
      type: list
      elements: str
      returned: always
    jwt_supported_algs:
      description: Accepted signing algorithms, sorted; empty for the default.
      type: list
      elements: str
      returned: always
    bound_issuer:
      description: Required C(iss) claim.
      type: str
      returned: always
      sample: https://token.actions.githubusercontent.com
    default_role:
      description: Role used when a login names none.
      type: str
      returned: always
    namespace_in_state:
      description: Whether the namespace travels in the OIDC state parameter.
      type: bool
      returned: always
    provider_config:
      description: Provider-specific settings.
      type: dict
      returned: always
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._jwt_auth import JwtAuthConfigResource


def main():
    run_resource_module(JwtAuthConfigResource, JwtAuthConfigResource.argspec, **JwtAuthConfigResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
