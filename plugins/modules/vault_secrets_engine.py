#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_secrets_engine
short_description: Enable, tune or disable a Vault or OpenBao secrets engine
version_added: 0.1.0
description:
  - Enables a secrets engine at C(sys/mounts/<path>), changes its settings through C(sys/mounts/<path>/tune),
    or disables it.
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
      - Where the engine is mounted, for example V(secret) or V(team-a/kv). Leading and trailing slashes are
        ignored.
      - The built-in mounts V(sys), V(cubbyhole) and V(identity) cannot be disabled or retyped.
    type: str
    required: true
  engine_type:
    description:
      - The engine type, for example V(kv), V(transit), V(pki), V(database) or the name of a plugin
        registered in the catalog.
      - V(kv-v2) is short for V(kv) with O(options) C(version=2) (and V(kv-v1) for version 1), so both
        spellings describe the same mount.
      - Required when O(state=present).
    type: str
    aliases: [type]
  description:
    description:
      - Human-readable description of the mount.
    type: str
  default_lease_ttl:
    description:
      - Default lease TTL, as seconds or a duration such as V(1h) or V(30m). V(0) means the system default.
    type: raw
  max_lease_ttl:
    description:
      - Maximum lease TTL, as seconds or a duration such as V(24h). V(0) means the system default.
    type: raw
  options:
    description:
      - Engine-specific options, for example C(version) for V(kv). Values are stored as strings.
      - Only the keys given are compared; other options already on the mount are kept.
      - Raising C(version) of a V(kv) mount from 1 to 2 upgrades it in place (the server migrates the data);
        lowering it is refused.
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
      - Request headers passed through to the engine. An empty list clears them.
    type: list
    elements: str
  allowed_response_headers:
    description:
      - Response headers the engine may set. An empty list clears them.
    type: list
    elements: str
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
      - V(present) enables the engine or tunes it to the options given.
      - V(absent) disables it, which B(deletes every secret stored under it).
    type: str
    choices: [present, absent]
    default: present
notes:
  - OpenBao 2.x ships fewer built-in engines than HashiCorp Vault (no V(aws), V(azure), V(gcp), V(consul),
    V(nomad), V(ldap) ...). The module knows both lists; enabling a type the server lacks fails with the
    server's message and writes nothing.
  - Both servers report a missing mount with HTTP 400 rather than 404 on C(GET sys/mounts/<path>); the module
    treats either as absent.
  - The token needs C(read) on C(sys/mounts/<path>) and C(create)/C(update) on C(sys/mounts/<path>) and
    C(sys/mounts/<path>/tune) (C(delete) to disable); checking an unknown type reads
    C(sys/plugins/catalog/secret/<type>), which needs C(sudo).
seealso:
  - module: citadel.secrets.vault_auth_method
  - module: citadel.secrets.vault_kv_engine_config
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: KV version 2 engine for team A
  citadel.secrets.vault_secrets_engine:
    path: team-a
    engine_type: kv-v2
    description: Team A application secrets

- name: Transit engine with short leases
  citadel.secrets.vault_secrets_engine:
    path: transit
    engine_type: transit
    default_lease_ttl: 1h
    max_lease_ttl: 24h

- name: Let unauthenticated users see the mount in the UI and log a request key in clear
  citadel.secrets.vault_secrets_engine:
    path: team-a
    engine_type: kv
    options:
      version: 2
    listing_visibility: unauth
    audit_non_hmac_request_keys: [version]

- name: Disable an engine (deletes its data)
  citadel.secrets.vault_secrets_engine:
    path: legacy-kv
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
      sample: team-a
    type:
      description: Engine type (V(kv) for V(kv-v2)).
      type: str
      returned: when the mount exists
      sample: kv
    description:
      description: Description.
      type: str
      returned: when the mount exists
    accessor:
      description: Mount accessor assigned by the server.
      type: str
      returned: when the mount exists and the task did not just create it in check mode
      sample: kv_1f2e3d4c
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
      description: Engine options as strings; a V(kv) mount always has C(version).
      type: dict
      returned: when the mount exists
      sample: {version: "2"}
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
          description: Sorted headers passed through to the engine.
          type: list
          elements: str
        allowed_response_headers:
          description: Sorted headers the engine may set.
          type: list
          elements: str
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import SecretsEngineResource


def main():
    run_resource_module(SecretsEngineResource, SecretsEngineResource.argspec, **SecretsEngineResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
