# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The JWT/OIDC auth method: its configuration (``auth/<mount>/config``) and its roles (``auth/<mount>/role/<name>``).

Configuration state (what is compared, shown in diffs and returned)::

    {"oidc_discovery_url": "", "oidc_discovery_ca_pem": "", "oidc_client_id": "", "oidc_response_mode": "",
     "oidc_response_types": [], "jwks_url": "", "jwks_ca_pem": "", "jwt_validation_pubkeys": [PEM, ...],
     "jwt_supported_algs": [], "bound_issuer": "", "default_role": "", "namespace_in_state": True,
     "provider_config": {}}

The key source is exactly one of ``oidc_discovery_url``, ``jwks_url`` and ``jwt_validation_pubkeys``: setting one
clears the other two (and the CA of the one cleared), since the server refuses a configuration with two.
``oidc_client_secret`` is write-only (see ``_auth_common.AuthConfigResource``).

Role state: the method fields below plus the ``token_*`` fields of ``_token_fields``. Lists that the server
treats as sets (audiences, redirect URIs, scopes) are sorted; ``bound_claims`` and ``claim_mappings`` are
compared as JSON; leeways are seconds, ``-1`` meaning none.
"""

from __future__ import annotations

import copy
import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _token_fields
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._auth_common import (
    AuthConfigResource, AuthRoleResource, json_value, leeway, pem, pem_list, sorted_strings)

TYPES = ("jwt", "oidc")
SIGNING_ALGS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA")
RESPONSE_MODES = ("query", "form_post")
RESPONSE_TYPES = ("code", "id_token")
ROLE_TYPES = ("jwt", "oidc")
BOUND_CLAIMS_TYPES = ("string", "glob")

CONFIG_STRINGS = ("oidc_discovery_url", "oidc_client_id", "oidc_response_mode", "jwks_url", "bound_issuer",
                  "default_role")
CONFIG_PEMS = ("oidc_discovery_ca_pem", "jwks_ca_pem")
CONFIG_LISTS = ("oidc_response_types", "jwt_supported_algs")
#: each key source and the CA that belongs to it
SOURCES = {"oidc_discovery_url": "oidc_discovery_ca_pem", "jwks_url": "jwks_ca_pem", "jwt_validation_pubkeys": None}


def _url(value, option):
    text = str(value).strip()
    if text and not re.match(r"^https?://[^\s/]+", text):
        raise OptionError("%s must be an http:// or https:// URL, got %r" % (option, value))
    return text


class JwtAuthConfigResource(AuthConfigResource):
    method = "jwt"
    types = TYPES
    default_mount = "jwt"
    secret = "oidc_client_secret"
    read_only = ("status", "oidc_client_secret")
    #: options of citadel.secrets.vault_jwt_auth (and of a ``jwt_auth_configs`` entry of citadel.secrets.vault_config)
    argspec = dict(
        mount=dict(type="str", default="jwt"),
        oidc_discovery_url=dict(type="str"),
        oidc_discovery_ca_pem=dict(type="str"),
        oidc_client_id=dict(type="str"),
        oidc_client_secret=dict(type="str", no_log=True),
        update_secret=dict(type="str", default="on_create", choices=["always", "on_create"]),
        oidc_response_mode=dict(type="str", choices=[""] + list(RESPONSE_MODES)),
        oidc_response_types=dict(type="list", elements="str", choices=list(RESPONSE_TYPES)),
        jwks_url=dict(type="str"),
        jwks_ca_pem=dict(type="str"),
        jwt_validation_pubkeys=dict(type="list", elements="str"),
        jwt_supported_algs=dict(type="list", elements="str", choices=list(SIGNING_ALGS)),
        bound_issuer=dict(type="str"),
        default_role=dict(type="str"),
        namespace_in_state=dict(type="bool"),
        provider_config=dict(type="dict"),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = dict(mutually_exclusive=[("oidc_discovery_url", "jwks_url", "jwt_validation_pubkeys")])

    def normalise(self, data):
        state = {key: str(data.get(key) or "") for key in CONFIG_STRINGS}
        state.update({key: pem(data.get(key)) for key in CONFIG_PEMS})
        state.update({key: sorted_strings(data.get(key)) for key in CONFIG_LISTS})
        state["jwt_validation_pubkeys"] = pem_list(data.get("jwt_validation_pubkeys"))
        state["namespace_in_state"] = bool(data.get("namespace_in_state"))
        state["provider_config"] = dict(data.get("provider_config") or {})
        return state

    def defaults(self):
        state = self.normalise({})
        state["namespace_in_state"] = True  # what the server stores for a new configuration
        return state

    def desired(self):
        p = self.params
        given = [key for key in SOURCES if p.get(key) not in (None, [], "")]
        if len(given) > 1:
            raise OptionError("%s are mutually exclusive: give one key source" % " and ".join(given))
        state = {}
        for key in CONFIG_STRINGS:
            if p.get(key) is not None:
                state[key] = str(p[key]).strip()
        for key in ("oidc_discovery_url", "jwks_url"):
            if key in state:
                state[key] = _url(state[key], key)
        for key in CONFIG_PEMS:
            if p.get(key) is not None:
                if p[key].strip() and "-----BEGIN CERTIFICATE-----" not in p[key]:
                    raise OptionError("%s must be PEM certificates (-----BEGIN CERTIFICATE-----)" % key)
                state[key] = pem(p[key])
        for key in CONFIG_LISTS:
            if p.get(key) is not None:
                state[key] = sorted_strings(p[key])
        if p.get("jwt_validation_pubkeys") is not None:
            state["jwt_validation_pubkeys"] = pem_list(p["jwt_validation_pubkeys"], "jwt_validation_pubkeys")
        if p.get("namespace_in_state") is not None:
            state["namespace_in_state"] = bool(p["namespace_in_state"])
        if p.get("provider_config") is not None:
            state["provider_config"] = json_value(p["provider_config"], "provider_config")
        if given:
            # the chosen source replaces the others (and the CA that belonged to them)
            for source, ca in SOURCES.items():
                if source != given[0]:
                    state.setdefault(source, [] if source == "jwt_validation_pubkeys" else "")
                    if ca:
                        state.setdefault(ca, "")
        return state

    def check_target(self, target, current):
        sources = [key for key in SOURCES if target.get(key)]
        if not sources:
            raise OptionError("%s needs a key source: one of oidc_discovery_url, jwks_url or jwt_validation_pubkeys"
                              % self.name)
        if (target.get("oidc_client_id") or self.params.get(self.secret)) and not target.get("oidc_discovery_url"):
            raise OptionError("oidc_client_id and oidc_client_secret (the OIDC flavour) need oidc_discovery_url")

    def secret_may_be_set(self, current, target):
        # the server does not say whether it holds a client secret: a configured client may have one
        return bool(current.get("oidc_client_id")) and bool(target.get("oidc_client_id"))


ROLE_STRINGS = ("bound_subject", "user_claim", "groups_claim")
ROLE_LISTS = ("bound_audiences", "allowed_redirect_uris", "oidc_scopes")
LEEWAYS = ("clock_skew_leeway", "expiration_leeway", "not_before_leeway")


def _claim_value(value, claim):
    scalar = (str, int, float, bool)
    if isinstance(value, scalar):
        return value
    if isinstance(value, list) and all(isinstance(item, scalar) for item in value):
        return list(value)
    raise OptionError("bound_claims: the value of %r must be a string, number, boolean or a list of them" % claim)


class JwtAuthRoleResource(AuthRoleResource):
    method = "jwt"
    types = TYPES
    default_mount = "jwt"
    #: options of citadel.secrets.vault_jwt_auth_role (and of a ``jwt_auth_roles`` entry of citadel.secrets.vault_config)
    argspec = dict(
        name=dict(type="str", required=True),
        mount=dict(type="str", default="jwt"),
        role_type=dict(type="str", choices=list(ROLE_TYPES)),
        bound_audiences=dict(type="list", elements="str"),
        bound_subject=dict(type="str"),
        bound_claims=dict(type="dict"),
        bound_claims_type=dict(type="str", choices=list(BOUND_CLAIMS_TYPES)),
        claim_mappings=dict(type="dict"),
        user_claim=dict(type="str"),
        groups_claim=dict(type="str"),
        allowed_redirect_uris=dict(type="list", elements="str"),
        oidc_scopes=dict(type="list", elements="str"),
        verbose_oidc_logging=dict(type="bool"),
        clock_skew_leeway=dict(type="raw"),
        expiration_leeway=dict(type="raw"),
        not_before_leeway=dict(type="raw"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    argspec.update(copy.deepcopy(_token_fields.ARGSPEC))
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    #: what the server stores for a new role when a field is not given
    DEFAULTS = {
        "role_type": "oidc", "bound_audiences": [], "bound_subject": "", "bound_claims": {},
        "bound_claims_type": "string", "claim_mappings": {}, "user_claim": "", "groups_claim": "",
        "allowed_redirect_uris": [], "oidc_scopes": [], "verbose_oidc_logging": False,
        "clock_skew_leeway": 0, "expiration_leeway": 0, "not_before_leeway": 0,
    }

    def own_normalise(self, data):
        state = {
            "role_type": data.get("role_type") or "oidc",
            "bound_claims": dict(data.get("bound_claims") or {}),
            "bound_claims_type": data.get("bound_claims_type") or "string",
            "claim_mappings": dict(data.get("claim_mappings") or {}),
            "verbose_oidc_logging": bool(data.get("verbose_oidc_logging")),
        }
        state.update({key: str(data.get(key) or "") for key in ROLE_STRINGS})
        state.update({key: sorted_strings(data.get(key)) for key in ROLE_LISTS})
        state.update({key: leeway(data.get(key) or 0, key) for key in LEEWAYS})
        return state

    def own_desired(self):
        p = self.params
        state = {}
        for key in ("role_type", "bound_claims_type"):
            if p.get(key) is not None:
                state[key] = p[key]
        for key in ROLE_STRINGS:
            if p.get(key) is not None:
                state[key] = str(p[key]).strip()
        for key in ROLE_LISTS:
            if p.get(key) is not None:
                state[key] = sorted_strings(p[key])
        for key in LEEWAYS:
            if p.get(key) is not None:
                state[key] = leeway(p[key], key)
        if p.get("verbose_oidc_logging") is not None:
            state["verbose_oidc_logging"] = bool(p["verbose_oidc_logging"])
        if p.get("bound_claims") is not None:
            claims = json_value(p["bound_claims"], "bound_claims")
            state["bound_claims"] = {str(k): _claim_value(v, k) for k, v in claims.items()}
        if p.get("claim_mappings") is not None:
            mappings = json_value(p["claim_mappings"], "claim_mappings")
            bad = sorted(k for k, v in mappings.items() if not isinstance(v, str) or not v.strip())
            if bad:
                raise OptionError("claim_mappings: each claim maps to a metadata key name (a string); not so for %s"
                                  % ", ".join(bad))
            state["claim_mappings"] = mappings
        if state.get("bound_claims_type") == "glob" and p.get("bound_claims") is not None:
            bad = sorted(k for k, v in state["bound_claims"].items()
                         if not isinstance(v, str) and not (isinstance(v, list) and all(isinstance(i, str) for i in v)))
            if bad:
                raise OptionError("bound_claims_type=glob needs string patterns; not so for %s" % ", ".join(bad))
        if state.get("role_type") == "jwt":
            oidc_only = sorted(k for k in ("allowed_redirect_uris", "oidc_scopes") if state.get(k))
            if oidc_only:
                raise OptionError("%s apply to role_type=oidc only" % ", ".join(oidc_only))
        return state

    def write_body(self, current, target, delta):
        body = dict(delta)
        if current is not None:
            # an update without role_type is taken as role_type=oidc by the server: always say which it is
            body.setdefault("role_type", target["role_type"])
        return body
