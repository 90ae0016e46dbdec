# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Options shared by every Vault module and lookup (module_utils/_vault/_auth.py and auth/).
    DOCUMENTATION = r"""
options:
  auth_method:
    description:
      - How to authenticate.
      - V(token) uses O(token), then E(VAULT_TOKEN), E(BAO_TOKEN), then C(~/.vault-token).
      - V(approle) uses O(role_id) and O(secret_id) (or O(secret_id_wrapping_token)); V(userpass) uses
        O(username) and O(password);
        V(jwt) uses O(jwt) and optionally O(role); V(kubernetes) uses O(role) and O(jwt) or the token file at
        O(kubernetes_token_path); V(cert) uses the O(client_cert) and O(client_key) of the connection and
        optionally O(role); V(none) sends no token.
      - Falls back to E(VAULT_AUTH_METHOD).
    type: str
    default: token
    choices: [approle, cert, jwt, kubernetes, none, token, userpass]
  mount_point:
    description:
      - Path the auth method is mounted at, when it is not the method's default (V(approle), V(userpass),
        V(jwt), V(kubernetes), V(cert)).
    type: str
    aliases: [auth_mount_point]
  token:
    description:
      - Vault token for O(auth_method=token).
    type: str
  role_id:
    description:
      - AppRole role ID. Falls back to E(VAULT_ROLE_ID).
    type: str
  secret_id:
    description:
      - AppRole secret ID. Falls back to E(VAULT_SECRET_ID).
    type: str
  secret_id_wrapping_token:
    description:
      - A response-wrapping token holding the AppRole secret ID, as returned by
        M(citadel.secrets.vault_approle_secret_id) with O(citadel.secrets.vault_approle_secret_id#module:wrap_ttl).
        It is unwrapped (C(sys/wrapping/unwrap)) and the secret ID inside logs in with O(role_id).
      - Before unwrapping, the token is looked up and refused unless it wraps the answer of
        C(auth/<mount>/role/<name>/secret-id) on the login mount.
      - A wrapping token can be unwrapped only once, so it serves one login. Lookups log in once per run; each
        module task logs in by itself, so unwrap it once and pass O(secret_id) to use it for several tasks.
      - Mutually exclusive with O(secret_id).
    type: str
  username:
    description:
      - Username for O(auth_method=userpass).
    type: str
  password:
    description:
      - Password for O(auth_method=userpass).
    type: str
  jwt:
    description:
      - Signed JWT for O(auth_method=jwt), or a service-account token for O(auth_method=kubernetes).
    type: str
  role:
    description:
      - Role to log in as for the V(jwt), V(kubernetes) and V(cert) methods.
    type: str
    aliases: [role_name]
  kubernetes_token_path:
    description:
      - File holding the service-account token for O(auth_method=kubernetes) when O(jwt) is not given.
      - Defaults to C(/var/run/secrets/kubernetes.io/serviceaccount/token).
    type: path
"""

    PLUGINS = r"""
options:
  auth_method:
    env:
      - name: VAULT_AUTH_METHOD
    ini:
      - section: citadel_vault
        key: auth_method
    vars:
      - name: citadel_vault_auth_method
  mount_point:
    ini:
      - section: citadel_vault
        key: mount_point
    vars:
      - name: citadel_vault_mount_point
  token:
    env:
      - name: VAULT_TOKEN
      - name: BAO_TOKEN
    vars:
      - name: citadel_vault_token
  role_id:
    env:
      - name: VAULT_ROLE_ID
    ini:
      - section: citadel_vault
        key: role_id
    vars:
      - name: citadel_vault_role_id
  secret_id:
    env:
      - name: VAULT_SECRET_ID
    vars:
      - name: citadel_vault_secret_id
  secret_id_wrapping_token:
    vars:
      - name: citadel_vault_secret_id_wrapping_token
  username:
    vars:
      - name: citadel_vault_username
  password:
    vars:
      - name: citadel_vault_password
  jwt:
    vars:
      - name: citadel_vault_jwt
  role:
    vars:
      - name: citadel_vault_role
  kubernetes_token_path:
    vars:
      - name: citadel_vault_kubernetes_token_path
"""
