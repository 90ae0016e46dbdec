# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tokens: created at ``auth/token/create`` (``create-orphan`` for ``no_parent``, ``create/<role>`` from a token
role), looked up at ``auth/token/lookup-accessor`` or ``auth/token/lookup``, revoked at
``auth/token/revoke-accessor`` or ``auth/token/revoke`` (which revoke the token's children too).

A token is a credential the server shows once, so creating is not idempotent: every ``present`` run creates
one and reports a change. ``absent`` is idempotent: the token is looked up first, and an unknown (expired,
revoked) one is not a change.

State (the token's properties, never the token itself)::

    {"accessor": "...", "policies": ["app", "default"], "display_name": "token-ci", "meta": {...},
     "num_uses": 0, "orphan": False, "renewable": True, "ttl": 3599, "explicit_max_ttl": 0, "period": 0,
     "type": "service", "path": "auth/token/create", "entity_id": "", "creation_time": ..., "expire_time": ...}

A lookup by token value also answers the token itself under ``id``; it is dropped, like every key not above.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._token_fields import policies
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._approle_role import check_name

PROPERTIES = ("accessor", "policies", "display_name", "meta", "num_uses", "orphan", "renewable", "ttl",
              "explicit_max_ttl", "period", "type", "path", "entity_id", "creation_time", "expire_time")
PRESENT_ONLY = ("policies", "no_default_policy", "ttl", "explicit_max_ttl", "period", "num_uses", "display_name",
                "meta", "token_role", "renewable", "no_parent", "token_type", "entity_alias", "wrap_ttl")


def properties(data):
    """A token's properties from a lookup (never its ``id``)."""
    state = {key: data.get(key) for key in PROPERTIES}
    state["accessor"] = data.get("accessor") or None
    state["policies"] = policies(data.get("policies"))
    state["meta"] = dict(data.get("meta") or {})
    for key in ("num_uses", "ttl", "explicit_max_ttl", "period"):
        state[key] = int(data.get(key) or 0)
    for key in ("orphan", "renewable"):
        state[key] = bool(data.get(key))
    return state


class TokenResource(Resource):
    kind = "token"
    result_key = "properties"

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._created = None

    @property
    def name(self):
        p = self.params
        if p.get("state") == "absent":
            return "token with accessor %r" % p["accessor"] if p.get("accessor") else "token (given by value)"
        return "token from role %r" % p["token_role"] if p.get("token_role") else "token"

    # -- validation ------------------------------------------------------------------------------
    def validate(self):
        p = self.params
        if (p.get("state") or "present") == "absent":
            wrong = sorted(k for k in PRESENT_ONLY if p.get(k) not in (None, False))
            if wrong:
                raise OptionError("%s cannot be used with state=absent (a token is revoked by accessor or "
                                  "revoke_token)" % ", ".join(wrong))
            if not (p.get("accessor") or "").strip() and not (p.get("revoke_token") or "").strip():
                raise OptionError("state=absent needs accessor or revoke_token")
            return
        if p.get("accessor") is not None or p.get("revoke_token") is not None:
            raise OptionError("accessor and revoke_token are only used with state=absent")
        if p.get("token_role") is not None:
            check_name(p["token_role"].strip(), "token_role")
            if p.get("no_parent"):
                raise OptionError("no_parent cannot be combined with token_role: the role's orphan setting decides")
        elif p.get("entity_alias") is not None:
            raise OptionError("entity_alias needs token_role (a role that lists it in allowed_entity_aliases)")
        request = {}
        if p.get("policies") is not None:
            request["policies"] = policies(p["policies"])
        for key in ("ttl", "explicit_max_ttl", "period"):
            if p.get(key) is not None:
                request[key] = to_seconds(p[key], key)
        if p.get("num_uses") is not None:
            if p["num_uses"] < 0:
                raise OptionError("num_uses cannot be negative (0 means unlimited)")
            request["num_uses"] = p["num_uses"]
        if p.get("meta") is not None:
            bad = [k for k, v in p["meta"].items() if isinstance(v, (bool, dict, list)) or v is None]
            if bad:
                raise OptionError("meta: values must be strings (check %s)" % ", ".join(sorted(map(str, bad))))
            request["meta"] = {str(k): str(v) for k, v in p["meta"].items()}
        for key in ("display_name", "entity_alias"):
            if p.get(key) is not None:
                request[key] = p[key]
        for key in ("renewable", "no_default_policy"):
            if p.get(key) is not None:
                request[key] = bool(p[key])
        if p.get("token_type") is not None:
            request["type"] = p["token_type"]
            if p["token_type"] == "batch":
                wrong = [k for k in ("period", "explicit_max_ttl", "num_uses") if request.get(k)]
                if p.get("renewable"):
                    wrong.append("renewable")
                if wrong:
                    raise OptionError("batch tokens cannot have %s" % ", ".join(wrong))
        if request.get("ttl") and request.get("explicit_max_ttl") and request["ttl"] > request["explicit_max_ttl"]:
            raise OptionError("ttl (%ds) cannot be greater than explicit_max_ttl (%ds)"
                              % (request["ttl"], request["explicit_max_ttl"]))
        self._request = request
        self._wrap_ttl = to_seconds(p.get("wrap_ttl"), "wrap_ttl")
        if self._wrap_ttl is not None and self._wrap_ttl < 1:
            raise OptionError("wrap_ttl must be at least one second, for example 5m")

    # -- read ----------------------------------------------------------------------------------------
    def read(self):
        p = self.params
        if p.get("state") != "absent":
            return None  # every present run creates a token
        if p.get("accessor"):
            return self._lookup("auth/token/lookup-accessor", {"accessor": p["accessor"].strip()})
        return self._lookup("auth/token/lookup", {"token": p["revoke_token"].strip()})

    def _lookup(self, path, body):
        try:
            found = self.client.write(path, body)
        except VaultApiError as exc:
            text = " ".join(exc.errors).lower()
            if exc.status in (400, 403) and ("invalid accessor" in text or "bad token" in text):
                return None  # expired, revoked or never existed
            raise
        data = (found or {}).get("data")
        return properties(data) if data else None

    # -- plan ------------------------------------------------------------------------------------------
    def target(self, current, state):
        if state == "absent":
            if current is not None and current["type"] == "batch":
                raise OptionError("%s is a batch token: batch tokens cannot be revoked, they expire at the end of "
                                  "their TTL" % self.name)
            return None
        target = {"accessor": None}
        target.update(self._request)
        target.pop("no_default_policy", None)
        target.pop("entity_alias", None)
        if self.params.get("no_parent"):
            target["orphan"] = True
        return target

    def differs(self, current, target):
        return current != target

    # -- write -------------------------------------------------------------------------------------------
    def apply(self, current, target):
        p = self.params
        if target is None:
            if p.get("accessor"):
                self.client.write("auth/token/revoke-accessor", {"accessor": p["accessor"].strip()})
            else:
                self.client.write("auth/token/revoke", {"token": p["revoke_token"].strip()})
            return None
        if p.get("token_role"):
            path = "auth/token/create/%s" % p["token_role"].strip()
        elif p.get("no_parent"):
            path = "auth/token/create-orphan"
        else:
            path = "auth/token/create"
        self._created = self.client.request("POST", path, self._request, wrap_ttl=self._wrap_ttl) or {}
        accessor = self._accessor()
        if accessor:
            try:
                return self._lookup("auth/token/lookup-accessor", {"accessor": accessor})
            except CitadelError:
                pass  # a token may create tokens without being allowed to look them up
        auth = self._created.get("auth") or {}
        return properties({"accessor": accessor, "policies": auth.get("policies"), "meta": auth.get("metadata"),
                           "num_uses": auth.get("num_uses"), "orphan": auth.get("orphan"),
                           "renewable": auth.get("renewable"), "ttl": auth.get("lease_duration"),
                           "type": auth.get("token_type"), "entity_id": auth.get("entity_id"), "path": path})

    def _accessor(self):
        created = self._created or {}
        if created.get("wrap_info"):
            return created["wrap_info"].get("wrapped_accessor") or None
        return (created.get("auth") or {}).get("accessor") or None

    # -- presentation --------------------------------------------------------------------------------------
    def present(self, state):
        return dict(state) if state is not None else {}

    def extra_result(self, current, target, changed):
        if self.params.get("state") == "absent":
            return {"accessor": (current or {}).get("accessor") or self.params.get("accessor")}
        result = {"accessor": self._accessor()}
        created = self._created or {}
        wrap = created.get("wrap_info")
        if wrap:
            result["wrapping_token"] = wrap.get("token")
            result["wrap_info"] = {key: wrap.get(key) for key in ("accessor", "ttl", "creation_time", "creation_path")}
        elif created.get("auth"):
            result["token"] = created["auth"].get("client_token")
        return result
