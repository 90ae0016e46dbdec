# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Token roles: ``auth/token/roles/<name>``, the templates ``auth/token/create/<name>`` issues tokens from.

State::

    {"allowed_policies": [...], "disallowed_policies": [...], "allowed_policies_glob": [...],
     "disallowed_policies_glob": [...], "allowed_entity_aliases": [...], "orphan": False, "renewable": True,
     "path_suffix": "", "token_period": 0, "token_explicit_max_ttl": 0, "token_num_uses": 0,
     "token_bound_cidrs": [], "token_no_default_policy": False, "token_type": "default-service"}

Unlike login roles, a token role has no ``token_ttl``/``token_max_ttl``/``token_policies`` (the creating request
gives the TTL and policies) and its ``token_type`` takes ``default-service``/``default-batch`` too. The server
omits ``token_num_uses`` and ``token_bound_cidrs`` when they are unset and reports ``null`` for an empty
``allowed_entity_aliases``; absent values are the defaults. The deprecated ``period``, ``explicit_max_ttl`` and
``bound_cidrs`` are neither accepted nor compared. Updates send only what differs (the server keeps the rest).
"""

from __future__ import annotations

import copy

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault._token_fields import cidrs, policies
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._approle_role import (
    NAME_RE, check_name)

TOKEN_TYPES = ("default-service", "default-batch", "service", "batch")
LISTS = ("allowed_policies", "disallowed_policies", "allowed_policies_glob", "disallowed_policies_glob",
         "allowed_entity_aliases")
BOOLS = ("orphan", "renewable", "token_no_default_policy")
DURATIONS = ("token_period", "token_explicit_max_ttl")
DEFAULTS = {
    "allowed_policies": [], "disallowed_policies": [], "allowed_policies_glob": [], "disallowed_policies_glob": [],
    "allowed_entity_aliases": [], "orphan": False, "renewable": True, "path_suffix": "", "token_period": 0,
    "token_explicit_max_ttl": 0, "token_num_uses": 0, "token_bound_cidrs": [], "token_no_default_policy": False,
    "token_type": "default-service",
}


def normalise(data):
    state = {key: policies(data.get(key)) for key in LISTS}
    for key in BOOLS:
        state[key] = bool(data.get(key, DEFAULTS[key]))
    for key in DURATIONS:
        state[key] = to_seconds(data.get(key) or 0, key)
    state["path_suffix"] = data.get("path_suffix") or ""
    state["token_num_uses"] = int(data.get("token_num_uses") or 0)
    state["token_bound_cidrs"] = cidrs(data.get("token_bound_cidrs"))
    state["token_type"] = data.get("token_type") or "default-service"
    return state


class TokenRoleResource(Resource):
    kind = "token role"
    result_key = "role"
    #: options of citadel.secrets.vault_token_role (and of a ``token_roles`` entry of citadel.secrets.vault_config)
    # no_log=False: settings of created tokens, not credentials (their names only look like secrets)
    argspec = dict(
        name=dict(type="str", required=True),
        allowed_policies=dict(type="list", elements="str"),
        disallowed_policies=dict(type="list", elements="str"),
        allowed_policies_glob=dict(type="list", elements="str"),
        disallowed_policies_glob=dict(type="list", elements="str"),
        allowed_entity_aliases=dict(type="list", elements="str"),
        orphan=dict(type="bool"),
        renewable=dict(type="bool"),
        path_suffix=dict(type="str"),
        token_period=dict(type="raw", no_log=False),
        token_explicit_max_ttl=dict(type="raw", no_log=False),
        token_num_uses=dict(type="int", no_log=False),
        token_bound_cidrs=dict(type="list", elements="str", no_log=False),
        token_no_default_policy=dict(type="bool", no_log=False),
        token_type=dict(type="str", choices=["default-service", "default-batch", "service", "batch"], no_log=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    @property
    def role_name(self):
        return (self.params.get("name") or "").strip()

    @property
    def path(self):
        return "auth/token/roles/%s" % self.role_name

    @property
    def name(self):
        return "token role %r" % self.role_name

    def validate(self):
        p = self.params
        check_name(self.role_name, "name")
        desired = {}
        for key in LISTS:
            if p.get(key) is not None:
                desired[key] = policies(p[key])
        for key in BOOLS:
            if p.get(key) is not None:
                desired[key] = bool(p[key])
        for key in DURATIONS:
            if p.get(key) is not None:
                desired[key] = to_seconds(p[key], key)
        if p.get("path_suffix") is not None:
            suffix = p["path_suffix"].strip()
            if suffix and (len(suffix) < 3 or not NAME_RE.fullmatch(suffix)):
                raise OptionError("path_suffix %r: use at least three letters, digits, '_', '-' or '.', starting "
                                  "and ending with a letter, digit or '_' (empty removes it)" % p["path_suffix"])
            desired["path_suffix"] = suffix
        if p.get("token_num_uses") is not None:
            if p["token_num_uses"] < 0:
                raise OptionError("token_num_uses cannot be negative (0 means unlimited)")
            desired["token_num_uses"] = p["token_num_uses"]
        if p.get("token_bound_cidrs") is not None:
            desired["token_bound_cidrs"] = cidrs(p["token_bound_cidrs"])
        if p.get("token_type") is not None:
            if p["token_type"] not in TOKEN_TYPES:
                raise OptionError("token_type must be one of %s" % ", ".join(TOKEN_TYPES))
            desired["token_type"] = p["token_type"]
        self._desired = desired

    def read(self):
        body = self.client.read(self.path)
        if body is None:
            return None
        return normalise((body or {}).get("data") or {})

    def desired(self):
        return dict(self._desired)

    def target(self, current, state):
        if state == "absent":
            return None
        target = copy.deepcopy(current if current is not None else DEFAULTS)
        target.update(self.desired())
        if target["token_type"] == "batch":
            wrong = [what for what, bad in (("orphan must be true", not target["orphan"]),
                                            ("renewable must be false", target["renewable"]),
                                            ("token_period must be 0", target["token_period"]),
                                            ("token_explicit_max_ttl must be 0", target["token_explicit_max_ttl"]))
                     if bad]
            if wrong:
                raise OptionError("%s: with token_type batch, %s (or use default-batch, which lets the request "
                                  "choose)" % (self.name, ", ".join(wrong)))
        return target

    def create(self, target):
        self.client.write(self.path, self.desired())
        return self.read()

    def update(self, current, target, delta):
        self.client.write(self.path, delta)
        return self.read()

    def delete(self, current):
        self.client.delete(self.path)

    def present(self, state):
        return dict(state) if state is not None else {}
