#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_config
short_description: Bring a whole Vault or OpenBao configuration to a desired state in one task
version_added: 0.1.0
description:
  - Takes one desired-state document covering audit devices, policies, secrets engines, auth methods, KV engine
    settings, Kubernetes and JWT/OIDC auth configurations, database connections and roles, transit keys, PKI roles,
    AppRole, Kubernetes and JWT roles, userpass users, token roles and KV secrets, and reconciles all of it in one
    task.
  - Each section is a list of entries, and an entry takes exactly the options of the module that manages one such
    object, with the same defaults and checks (a C(policies) entry is the options of M(citadel.secrets.vault_policy),
    and so on; see O(config)). The objects are planned and written by the same code as those modules, so a
    document and a list of module tasks converge to the same state.
  - Plans first. Every entry is validated before any request; then everything needed is read concurrently and each
    object gets an action, V(create), V(update), V(delete) or V(unchanged). In check mode the task stops there and
    returns the plan; with C(--diff) it shows each changed object before and after, secrets replaced by a marker.
  - Writes in dependency order - audit devices, policies, mounts, engine and auth method configurations, then
    the objects inside mounts - and deletes in the reverse order. Objects inside a mount that the same run creates
    are planned as new and read again once the mount exists.
  - With O(prune), objects of the named sections that exist on the server but are not in the document are
    deleted; the plan names each one. Built-in objects are never pruned, see O(prune).
  - When a write fails the task stops and reports exactly which changes were applied and which were not; running
    it again plans from the server's state and finishes the job.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  config:
    description:
      - The desired-state document, a dictionary of sections. Each section is a list of entries; a section left
        out is not managed at all (and not pruned).
      - C(audit_devices) - options of M(citadel.secrets.vault_audit_device).
      - C(policies) - options of M(citadel.secrets.vault_policy).
      - C(secrets_engines) - options of M(citadel.secrets.vault_secrets_engine).
      - C(auth_methods) - options of M(citadel.secrets.vault_auth_method).
      - C(kv_engine_configs) - options of M(citadel.secrets.vault_kv_engine_config).
      - C(kubernetes_auth_configs) - options of M(citadel.secrets.vault_kubernetes_auth).
      - C(jwt_auth_configs) - options of M(citadel.secrets.vault_jwt_auth).
      - C(database_connections) - options of M(citadel.secrets.vault_database_connection) except C(rotate_root).
      - C(transit_keys) - options of M(citadel.secrets.vault_transit_key) except C(rotate).
      - C(pki_roles) - options of M(citadel.secrets.vault_pki_role).
      - C(database_roles) - options of M(citadel.secrets.vault_database_role).
      - C(database_static_roles) - options of M(citadel.secrets.vault_database_static_role) except C(rotate).
      - C(approle_roles) - options of M(citadel.secrets.vault_approle_role).
      - C(kubernetes_auth_roles) - options of M(citadel.secrets.vault_kubernetes_auth_role).
      - C(jwt_auth_roles) - options of M(citadel.secrets.vault_jwt_auth_role).
      - C(userpass_users) - options of M(citadel.secrets.vault_userpass_user).
      - C(token_roles) - options of M(citadel.secrets.vault_token_role).
      - C(kv_secrets) - options of M(citadel.secrets.vault_kv_secret) except C(cas), C(versions), C(destroy),
        C(purge) and C(undelete_versions).
      - One-off actions (rotating a key or a root credential, destroying versions) are not a desired state and are
        refused; run their modules for them.
      - An entry with C(state=absent) deletes its object, as the module would.
      - An unknown section or option, a bad value in any entry, or two entries for the same object fail the task
        before anything is read or written, naming every offending entry by section, index and name.
      - Values of the modules' secret options (C(user_password), C(password), C(oidc_client_secret),
        C(token_reviewer_jwt), KV C(data), ...) are masked in the task's output, plan and diff. Keep the document
        in Ansible Vault or read it from a secrets store.
    type: dict
    required: true
  prune:
    description:
      - Sections in which objects that exist on the server but are not in O(config) are deleted.
      - For sections of objects inside mounts (roles, keys, connections, users), prune covers the mounts the
        document names for that section, in its entries or as a declared mount of the matching type.
      - Never pruned - the mounts C(sys/), C(cubbyhole/), C(identity/) and the auth method C(token/); the auth
        mount this task logs in through (from O(auth_method) and O(mount_point), or for a token the mount it was
        issued by); the policies C(root) and C(default); anything matching O(protect). They are listed under
        RV(protected).
      - A transit key can only be pruned when its C(deletion_allowed) is true; otherwise the plan fails.
    type: list
    elements: str
    choices: [audit_devices, policies, secrets_engines, auth_methods, database_connections, transit_keys, pki_roles,
              database_roles, database_static_roles, approle_roles, kubernetes_auth_roles, jwt_auth_roles,
              userpass_users, token_roles]
    default: []
  protect:
    description:
      - More objects that O(prune) never deletes, each as C(<section>:<name>), where the name may be a shell-style
        glob and objects inside mounts are named C(<mount>/<name>), for example C(policies:admin-*),
        C(secrets_engines:secret) or C(approle_roles:approle/ci-*).
    type: list
    elements: str
    default: []
  concurrency:
    description:
      - How many requests the plan (and each group of writes) sends at once, from 1 to 32.
    type: int
    default: 8
notes:
  - The token needs what each single-object module needs for the objects in the document (read for the plan,
    write for the changes; for example C(read) with C(sudo) on C(sys/auth/<path>) for auth methods and C(sudo) on
    C(sys/audit) for audit devices), plus C(read) on C(sys/mounts) and C(sys/auth) to check where objects live
    (without it the objects' own checks apply and prune of mounts is refused), and C(list) on what O(prune) covers.
  - Both OpenBao and HashiCorp Vault answer a read of a missing mount with HTTP 400 rather than 404, and protect
    C(sys/auth/<path>) reads with C(sudo); the plan handles both the same way.
  - Write-only values the server never returns (userpass passwords, database passwords, an OIDC client secret,
    a token reviewer JWT) follow the C(update_password) / C(update_secret) option of their entry, as in the
    modules; with V(always) the object is reported as changed on every run.
  - OpenBao and HashiCorp Vault are handled as by the single-object modules (their notes list the differences);
    the document itself means the same on both.
seealso:
  - module: citadel.secrets.vault_policy
  - module: citadel.secrets.vault_secrets_engine
  - module: citadel.secrets.vault_auth_method
  - module: citadel.secrets.vault_approle_role
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Configure Vault from one document
  citadel.secrets.vault_config:
    config:
      audit_devices:
        - path: file
          device_type: file
          options:
            file_path: /var/log/vault/audit.log
      policies:
        - name: app-read
          rules: |
            path "apps/data/app/*" {
              capabilities = ["read"]
            }
      secrets_engines:
        - path: apps
          engine_type: kv-v2
        - path: transit
          engine_type: transit
      auth_methods:
        - path: approle
          method_type: approle
      kv_engine_configs:
        - mount: apps
          max_versions: 5
      transit_keys:
        - name: app
          type: aes256-gcm96
      approle_roles:
        - name: app
          token_policies: [app-read]
          token_ttl: 15m
          secret_id_ttl: 1h
  register: vault_plan

- name: Show what a run would change, without changing it
  citadel.secrets.vault_config:
    config: "{{ lookup('ansible.builtin.file', 'vault/config.yml') | from_yaml }}"
  check_mode: true
  diff: true

- name: Remove policies and AppRole roles that are not in the document (but never ci-*)
  citadel.secrets.vault_config:
    config: "{{ vault_document }}"
    prune: [policies, approle_roles]
    protect:
      - "policies:ci-*"
"""

RETURN = r"""
plan:
  description:
    - One entry per object of the document (and per object that O(prune) deletes), in the order of writing.
  returned: always
  type: list
  elements: dict
  contains:
    type:
      description: The section, for example V(policies).
      type: str
      sample: approle_roles
    name:
      description: The object's name; objects inside a mount are C(<mount>/<name>).
      type: str
      sample: approle/app
    action:
      description: V(create), V(update), V(delete) or V(unchanged).
      type: str
      sample: update
    fields:
      description: For V(update), the names of the fields that change (never their values).
      type: list
      elements: str
      returned: when action is update
      sample: [token_ttl]
    pruned:
      description: Present (V(true)) when the object is deleted because O(prune) covers it.
      type: bool
      returned: when the object is pruned
counts:
  description: How many objects get each action.
  returned: always
  type: dict
  sample: {create: 3, update: 1, delete: 0, unchanged: 166}
protected:
  description: Objects that O(prune) would have deleted but did not, with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{type: auth_methods, name: token, reason: built into the server}]
applied:
  description: On a failed write, the changes that were applied (C(<action> <section> <name>)).
  returned: on failure while writing
  type: list
  elements: str
not_applied:
  description: On a failed write, the changes that were not applied, the failed one first.
  returned: on failure while writing
  type: list
  elements: str
"""

from ansible_collections.citadel.secrets.plugins.module_utils._module import new_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import BACKEND
from ansible_collections.citadel.secrets.plugins.module_utils._vault.config._task import ARGSPEC, run


def main():
    run(new_module(BACKEND, ARGSPEC, supports_check_mode=True))


if __name__ == "__main__":
    main()
