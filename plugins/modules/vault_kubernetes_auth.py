#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_kubernetes_auth
short_description: Configure a Vault or OpenBao Kubernetes auth method
version_added: 0.1.0
description:
  - Sets which Kubernetes API server a Kubernetes auth method asks to review service-account tokens, how it trusts
    that server, and which token it reviews with, at C(auth/<mount>/config).
  - Only the settings given are compared. The server replaces the whole configuration on every write, so the
    module writes the current configuration with the task's settings on top, including readable settings it does
    not manage.
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
      - Path of the Kubernetes auth method, without C(auth/).
    type: str
    default: kubernetes
  kubernetes_host:
    description:
      - URL of the Kubernetes API server (or C(host:port)), for example V(https://10.0.0.1:6443). Required when the
        configuration is first written.
    type: str
  kubernetes_ca_cert:
    description:
      - CA certificates (PEM) that signed the API server's certificate.
      - When empty and O(disable_local_ca_jwt) is false, the server uses the CA of the pod it runs in, which fails
        outside Kubernetes.
    type: str
  token_reviewer_jwt:
    description:
      - Service-account token the server presents to the TokenReview API (that account needs the
        C(system:auth-delegator) cluster role). Write-only, the server never returns it; see O(update_secret).
      - Without one, the server reviews each login with the logging-in token itself (or, in a pod, its own token).
      - An empty string removes a stored one.
    type: str
  update_secret:
    description:
      - When to send O(token_reviewer_jwt).
      - V(on_create) sends it when the configuration is first written, when the server holds none, and whenever
        another setting changes (every write replaces the whole configuration).
      - V(always) sends it on every run and always reports a change; use it to rotate the token.
    type: str
    choices: [always, on_create]
    default: on_create
  pem_keys:
    description:
      - PEM public keys or certificates that verify service-account token signatures locally, before the
        TokenReview call. Compared as a set.
    type: list
    elements: str
  issuer:
    description:
      - Expected C(iss) claim of service-account tokens, checked when O(disable_iss_validation) is false.
    type: str
  disable_iss_validation:
    description:
      - Skip the issuer check (the server's default is V(true); the option is deprecated upstream).
    type: bool
  disable_local_ca_jwt:
    description:
      - Never fall back to the CA certificate and token of the pod the server runs in.
    type: bool
notes:
  - Which auth method sits at O(mount) is read from C(sys/internal/ui/mounts/auth/<mount>) first; writing to a mount
    of another type fails before anything is written.
  - Because every write replaces the whole configuration and the reviewer token cannot be read back, a task that
    changes a setting while the server holds a reviewer token must give O(token_reviewer_jwt) too (an empty string
    to drop it); otherwise it fails before writing rather than erase it. OpenBao and recent HashiCorp Vault report
    whether one is held (C(token_reviewer_jwt_set)); where a server does not, one is assumed.
  - OpenBao refuses O(disable_local_ca_jwt=true) without O(kubernetes_ca_cert); HashiCorp Vault accepts it and then
    trusts no CA. HashiCorp Vault's C(use_annotations_as_alias_metadata) is kept as it is.
seealso:
  - module: citadel.secrets.vault_kubernetes_auth_role
  - module: citadel.secrets.vault_auth_method
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Enable Kubernetes logins
  citadel.secrets.vault_auth_method:
    path: kubernetes
    method_type: kubernetes

- name: Vault outside the cluster reviews tokens with a dedicated service account
  citadel.secrets.vault_kubernetes_auth:
    kubernetes_host: https://k8s.example.com:6443
    kubernetes_ca_cert: "{{ lookup('ansible.builtin.file', 'files/k8s-ca.pem') }}"
    token_reviewer_jwt: "{{ vault_reviewer_token }}"
    disable_local_ca_jwt: true

- name: Vault inside the cluster uses its own pod's CA and token
  citadel.secrets.vault_kubernetes_auth:
    mount: k8s-prod
    kubernetes_host: https://kubernetes.default.svc

- name: Rotate the reviewer token
  citadel.secrets.vault_kubernetes_auth:
    token_reviewer_jwt: "{{ new_reviewer_token }}"
    update_secret: always
"""

RETURN = r"""
config:
  description:
    - The configuration after the task (in check mode, what it would be). The reviewer token is never returned.
  returned: always
  type: dict
  contains:
    kubernetes_host:
      description: URL of the Kubernetes API server.
      type: str
      returned: always
      sample: https://k8s.example.com:6443
    kubernetes_ca_cert:
      description: CA certificates of the API server (PEM, whitespace-normalised).
      type: str
      returned: always
    pem_keys:
      description: Keys that verify service-account tokens locally, sorted.
      type: list
      elements: str
      returned: always
    issuer:
      description: Expected issuer.
      type: str
      returned: always
    disable_iss_validation:
      description: Whether the issuer check is skipped.
      type: bool
      returned: always
    disable_local_ca_jwt:
      description: Whether the pod's own CA and token are never used.
      type: bool
      returned: always
    token_reviewer_jwt_set:
      description: Whether the server holds a reviewer token.
      type: bool
      returned: when the server reports it (OpenBao, recent HashiCorp Vault)
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kubernetes_auth import (
    KubernetesAuthConfigResource)


def main():
    run_resource_module(KubernetesAuthConfigResource, KubernetesAuthConfigResource.argspec, **KubernetesAuthConfigResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
