# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes auth method: its configuration (``auth/<mount>/config``) and roles (``auth/<mount>/role/<name>``).

Configuration state::

    {"kubernetes_host": "https://10.0.0.1:6443", "kubernetes_ca_cert": PEM, "pem_keys": [PEM, ...],
     "issuer": "", "disable_iss_validation": True, "disable_local_ca_jwt": False,
     "token_reviewer_jwt_set": True}      # reported by OpenBao and recent Vault; absent on older Vault

``token_reviewer_jwt`` is write-only (see ``_auth_common.AuthConfigResource``); ``token_reviewer_jwt_set`` says
whether the server holds one, and where a server does not report it, one is assumed to be held.

Role state: the service-account bindings below plus the ``token_*`` fields of ``_token_fields``.
"""

from __future__ import annotations

import copy
import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _token_fields
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._auth_common import (
    AuthConfigResource, AuthRoleResource, pem, pem_list, sorted_strings)

TYPES = ("kubernetes",)
ALIAS_NAME_SOURCES = ("serviceaccount_uid", "serviceaccount_name")
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


class KubernetesAuthConfigResource(AuthConfigResource):
    method = "kubernetes"
    types = TYPES
    default_mount = "kubernetes"
    secret = "token_reviewer_jwt"
    read_only = ("token_reviewer_jwt_set", "token_reviewer_jwt")
    #: options of citadel.secrets.vault_kubernetes_auth (and of a ``kubernetes_auth_configs`` entry of citadel.secrets.vault_config)
    argspec = dict(
        mount=dict(type="str", default="kubernetes"),
        kubernetes_host=dict(type="str"),
        kubernetes_ca_cert=dict(type="str"),
        token_reviewer_jwt=dict(type="str", no_log=True),
        update_secret=dict(type="str", default="on_create", choices=["always", "on_create"]),
        pem_keys=dict(type="list", elements="str", no_log=False),
        issuer=dict(type="str"),
        disable_iss_validation=dict(type="bool"),
        disable_local_ca_jwt=dict(type="bool"),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    def normalise(self, data):
        state = {
            "kubernetes_host": str(data.get("kubernetes_host") or ""),
            "kubernetes_ca_cert": pem(data.get("kubernetes_ca_cert")),
            "pem_keys": pem_list(data.get("pem_keys")),
            "issuer": str(data.get("issuer") or ""),
            "disable_iss_validation": bool(data.get("disable_iss_validation", True)),
            "disable_local_ca_jwt": bool(data.get("disable_local_ca_jwt")),
        }
        if "token_reviewer_jwt_set" in data:
            state["token_reviewer_jwt_set"] = bool(data["token_reviewer_jwt_set"])
        return state

    def defaults(self):
        state = self.normalise({})
        state["token_reviewer_jwt_set"] = False
        return state

    def validate(self):
        jwt = self.params.get("token_reviewer_jwt")
        if jwt and not _JWT.match(jwt.strip()):
            # never echo the value: it is a credential
            raise OptionError("token_reviewer_jwt is not a JWT (three base64url parts separated by dots)")
        super().validate()

    def desired(self):
        p = self.params
        state = {}
        if p.get("kubernetes_host") is not None:
            host = p["kubernetes_host"].strip()
            if not host or re.search(r"\s", host):
                raise OptionError("kubernetes_host must be a URL such as https://10.0.0.1:6443 (or host:port)")
            state["kubernetes_host"] = host
        if p.get("kubernetes_ca_cert") is not None:
            if p["kubernetes_ca_cert"].strip() and "-----BEGIN CERTIFICATE-----" not in p["kubernetes_ca_cert"]:
                raise OptionError("kubernetes_ca_cert must be PEM certificates (-----BEGIN CERTIFICATE-----)")
            state["kubernetes_ca_cert"] = pem(p["kubernetes_ca_cert"])
        if p.get("pem_keys") is not None:
            state["pem_keys"] = pem_list(p["pem_keys"], "pem_keys")
        if p.get("issuer") is not None:
            state["issuer"] = p["issuer"].strip()
        for key in ("disable_iss_validation", "disable_local_ca_jwt"):
            if p.get(key) is not None:
                state[key] = bool(p[key])
        if p.get("token_reviewer_jwt") is not None:
            # giving one (or an empty string) says whether the server should hold one
            state["token_reviewer_jwt_set"] = bool(p["token_reviewer_jwt"].strip())
        return state

    def check_target(self, target, current):
        if current is not None and "token_reviewer_jwt_set" not in current:
            target.pop("token_reviewer_jwt_set", None)  # an older Vault does not report it
        if not target.get("kubernetes_host"):
            raise OptionError("%s needs kubernetes_host" % self.name)

    def secret_may_be_set(self, current, target):
        return current.get("token_reviewer_jwt_set", True)

    def secret_written(self, target, value):
        if "token_reviewer_jwt_set" in target:
            target["token_reviewer_jwt_set"] = bool(value)

    def body(self, target):
        return {key: value for key, value in target.items() if key != "token_reviewer_jwt_set"}


class KubernetesAuthRoleResource(AuthRoleResource):
    method = "kubernetes"
    types = TYPES
    default_mount = "kubernetes"
    #: options of citadel.secrets.vault_kubernetes_auth_role (and of a ``kubernetes_auth_roles`` entry of citadel.secrets.vault_config)
    argspec = dict(
        name=dict(type="str", required=True),
        mount=dict(type="str", default="kubernetes"),
        bound_service_account_names=dict(type="list", elements="str"),
        bound_service_account_namespaces=dict(type="list", elements="str"),
        bound_service_account_namespace_selector=dict(type="str"),
        audience=dict(type="str"),
        alias_name_source=dict(type="str", choices=list(ALIAS_NAME_SOURCES)),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    argspec.update(copy.deepcopy(_token_fields.ARGSPEC))
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    DEFAULTS = {
        "bound_service_account_names": [], "bound_service_account_namespaces": [],
        "bound_service_account_namespace_selector": "", "audience": "", "alias_name_source": "serviceaccount_uid",
    }

    def own_normalise(self, data):
        self._selector_known = "bound_service_account_namespace_selector" in data
        return {
            "bound_service_account_names": sorted_strings(data.get("bound_service_account_names")),
            "bound_service_account_namespaces": sorted_strings(data.get("bound_service_account_namespaces")),
            "bound_service_account_namespace_selector": str(data.get("bound_service_account_namespace_selector") or ""),
            "audience": str(data.get("audience") or ""),
            "alias_name_source": data.get("alias_name_source") or "serviceaccount_uid",
        }

    def own_desired(self):
        p = self.params
        state = {}
        for key in ("bound_service_account_names", "bound_service_account_namespaces"):
            if p.get(key) is not None:
                state[key] = sorted_strings(p[key])
                if not state[key]:
                    raise OptionError("%s cannot be empty (use ['*'] for any)" % key)
        for key in ("bound_service_account_namespace_selector", "audience"):
            if p.get(key) is not None:
                state[key] = p[key].strip()
        if p.get("alias_name_source") is not None:
            state["alias_name_source"] = p["alias_name_source"]
        return state

    def target(self, current, state):
        target = super().target(current, state)
        if target is not None and current is not None and not getattr(self, "_selector_known", True) \
                and self.params.get("bound_service_account_namespace_selector"):
            raise OptionError("bound_service_account_namespace_selector is not supported by this server")
        return target
