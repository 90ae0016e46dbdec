#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_kubernetes_auth_role
short_description: Manage a role of a Vault or OpenBao Kubernetes auth method
version_added: 0.1.0
description:
  - Creates, updates or deletes a role at C(auth/<mount>/role/<name>), which says which service accounts in which namespaces
    may log in, the audience their tokens must carry, and the Vault token they receive.
  - Only the settings given are compared; lists are compared as sets, TTLs in seconds. An update writes only the
    settings that differ.
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
      - Path of the Kubernetes auth method, without C(auth/).
    type: str
    default: kubernetes
  bound_service_account_names:
    description:
      - Service accounts allowed to log in; V(*) allows any, and glob patterns such as V(app-*) are accepted.
      - Required when the role is created.
    type: list
    elements: str
  bound_service_account_namespaces:
    description:
      - Namespaces the service accounts must be in; V(*) allows any.
      - Required when the role is created, unless O(bound_service_account_namespace_selector) is set.
    type: list
    elements: str
  bound_service_account_namespace_selector:
    description:
      - Label selector (YAML or JSON) for namespaces whose service accounts may log in; the server reads namespace
        labels through the API, so its reviewer token needs permission to.
    type: str
  audience:
    description:
      - Audience the service-account token must carry (projected tokens made for Vault). Empty means any.
    type: str
  alias_name_source:
    description:
      - What names the entity alias. V(serviceaccount_uid) survives renames; V(serviceaccount_name) is
        C(<namespace>/<name>) and survives the account being re-created.
    type: str
    choices: [serviceaccount_uid, serviceaccount_name]
  state:
    description:
      - V(present) creates or updates the role; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Which auth method sits at O(mount) is read from C(sys/internal/ui/mounts/auth/<mount>) first; writing a role to
    a mount of another type fails before anything is written.
  - O(bound_service_account_namespace_selector) exists on OpenBao and HashiCorp Vault 1.16 and later; a server that
    does not report it refuses the option before anything is written. OpenBao roles also have
    C(token_strictly_bind_ip), which this module leaves as it is.
seealso:
  - module: citadel.secrets.vault_kubernetes_auth
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: The web application's pods read their secrets
  citadel.secrets.vault_kubernetes_auth_role:
    name: web
    bound_service_account_names: [web]
    bound_service_account_namespaces: [production, staging]
    audience: vault
    token_policies: [web-read]
    token_ttl: 1h
    token_max_ttl: 4h

- name: Any service account of the monitoring namespaces
  citadel.secrets.vault_kubernetes_auth_role:
    mount: k8s-prod
    name: monitoring
    bound_service_account_names: ["*"]
    bound_service_account_namespace_selector: '{"matchLabels": {"team": "monitoring"}}'
    alias_name_source: serviceaccount_name
    token_policies: [metrics-read]

- name: Remove a role
  citadel.secrets.vault_kubernetes_auth_role:
    name: legacy
    state: absent
"""

RETURN = r"""
role:
  description: The role after the task (in check mode, what it would be); empty when absent.
  returned: always
  type: dict
  contains:
    bound_service_account_names:
      description: Allowed service accounts, sorted.
      type: list
      elements: str
      returned: when the role exists
    bound_service_account_namespaces:
      description: Allowed namespaces, sorted.
      type: list
      elements: str
      returned: when the role exists
    bound_service_account_namespace_selector:
      description: Namespace label selector, empty when none.
      type: str
      returned: when the role exists
    audience:
      description: Required audience, empty when any.
      type: str
      returned: when the role exists
    alias_name_source:
      description: What names the entity alias.
      type: str
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
      sample: 3600
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
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kubernetes_auth import (
    KubernetesAuthRoleResource)


def main():
    run_resource_module(KubernetesAuthRoleResource, KubernetesAuthRoleResource.argspec, **KubernetesAuthRoleResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
