# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AppRole secret IDs: issued at ``auth/<mount>/role/<name>/secret-id`` (or ``custom-secret-id``), looked up and
destroyed through their accessor at ``.../secret-id-accessor/lookup`` and ``.../secret-id-accessor/destroy``.

A secret ID is a credential the server never shows again, so "present" cannot mean "this secret ID exists":

- by default every run issues a new one (always ``changed``);
- with ``only_if_none``, a run issues one only when the role has no live secret ID whose metadata equals the
  task's ``metadata`` (so ``metadata: {host: web1}`` means "web1 has a secret ID"); when one exists, nothing is
  issued and its accessor is returned, never its value (it cannot be read back);
- with ``custom_secret_id``, the given value is looked up and set only when the role does not know it.

State (the secret ID's properties, never the secret itself)::

    {"secret_id_accessor": "a1b2...", "metadata": {"host": "web1"}, "cidr_list": ["10.0.0.0/8"],
     "token_bound_cidrs": [], "secret_id_ttl": 3600, "secret_id_num_uses": 1,
     "creation_time": "...", "expiration_time": "..."}                     # times: read from the server only

``absent`` destroys by accessor and is idempotent: the accessor is looked up first.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import normalise_path
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._approle_role import (
    ApproleRoleResource, check_name, cidr_blocks)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._auth_common import check_auth_mount

PRESENT_ONLY = ("metadata", "cidr_list", "token_bound_cidrs", "ttl", "num_uses", "wrap_ttl", "custom_secret_id")
NO_EXPIRY = "0001-01-01T00:00:00Z"


def expired(timestamp):
    """Whether an RFC 3339 time from the server (nanoseconds allowed) lies in the past; Go's zero time never does."""
    if not timestamp or timestamp.startswith("0001-01-01"):
        return False
    match = re.fullmatch(r"([0-9-]+T[0-9:]+)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", timestamp.strip())
    if not match:
        return False
    base, fraction, zone = match.groups()
    text = base + ("." + fraction[:6].ljust(6, "0") if fraction else "") + ("+00:00" if zone == "Z" else zone)
    try:
        return datetime.fromisoformat(text) <= datetime.now(timezone.utc)
    except ValueError:
        return False


def metadata_map(value):
    """Metadata as the server stores it: string keys and values."""
    if not isinstance(value, dict):
        raise OptionError("metadata must be a dict of strings, got %s" % type(value).__name__)
    result = {}
    for key, item in value.items():
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise OptionError("metadata: the value of %r must be a string (got %s)" % (key, type(item).__name__))
        result[str(key)] = str(item)
    return result


def properties(data):
    """A secret ID's properties from a lookup, normalised."""
    return {
        "secret_id_accessor": data.get("secret_id_accessor"),
        "metadata": dict(data.get("metadata") or {}),
        "cidr_list": cidr_blocks(data.get("cidr_list"), "cidr_list"),
        "token_bound_cidrs": cidr_blocks(data.get("token_bound_cidrs"), "token_bound_cidrs"),
        "secret_id_ttl": int(data.get("secret_id_ttl") or 0),
        "secret_id_num_uses": int(data.get("secret_id_num_uses") or 0),
        "creation_time": data.get("creation_time"),
        "expiration_time": data.get("expiration_time") or NO_EXPIRY,
    }


class ApproleSecretIdResource(Resource):
    kind = "AppRole secret ID"
    result_key = "properties"

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._issued = None      # the server's answer to the issuing request

    @property
    def mount(self):
        return normalise_path(self.params.get("mount") or "approle")

    @property
    def role_path(self):
        return "auth/%s/role/%s" % (self.mount, (self.params.get("name") or "").strip())

    @property
    def name(self):
        return "secret ID of AppRole role %r at auth/%s/" % ((self.params.get("name") or "").strip(), self.mount)

    # -- validation ------------------------------------------------------------------------------
    def validate(self):
        p = self.params
        if not self.mount:
            raise OptionError("mount cannot be empty")
        check_name((p.get("name") or "").strip(), "name")
        state = p.get("state") or "present"
        if state == "absent":
            wrong = sorted(k for k in PRESENT_ONLY if p.get(k) is not None)
            if p.get("only_if_none"):
                wrong.append("only_if_none")
            if wrong:
                raise OptionError("%s cannot be used with state=absent (a secret ID is destroyed by its "
                                  "secret_id_accessor)" % ", ".join(wrong))
            if not (p.get("secret_id_accessor") or "").strip():
                raise OptionError("state=absent needs secret_id_accessor (returned when the secret ID was issued)")
            return
        if p.get("secret_id_accessor") is not None:
            raise OptionError("secret_id_accessor is only used with state=absent")
        if p.get("custom_secret_id") is not None:
            if not p["custom_secret_id"].strip():
                raise OptionError("custom_secret_id cannot be empty")
            if p.get("only_if_none"):
                raise OptionError("custom_secret_id and only_if_none cannot be combined: a custom secret ID is "
                                  "already issued only when the role does not know it")
        self._metadata = metadata_map(p["metadata"]) if p.get("metadata") is not None else {}
        self._cidr_list = cidr_blocks(p.get("cidr_list"), "cidr_list")
        self._token_cidrs = cidr_blocks(p.get("token_bound_cidrs"), "token_bound_cidrs")
        self._ttl = to_seconds(p.get("ttl"), "ttl")
        if p.get("num_uses") is not None and p["num_uses"] < 0:
            raise OptionError("num_uses cannot be negative (0 means unlimited)")
        self._wrap_ttl = to_seconds(p.get("wrap_ttl"), "wrap_ttl")
        if self._wrap_ttl is not None and self._wrap_ttl < 1:
            raise OptionError("wrap_ttl must be at least one second, for example 5m")

    # -- read --------------------------------------------------------------------------------------
    def read(self):
        check_auth_mount(self.client, self.mount, ApproleRoleResource.types, ApproleRoleResource.method)
        body = self.client.read(self.role_path)
        self._role = (body or {}).get("data") if body is not None else None
        if self.params.get("state") == "absent":
            if self._role is None:
                return None  # a role that is gone has no secret IDs
            return self._lookup_accessor(self.params["secret_id_accessor"].strip())
        if self._role is None:
            raise OptionError("%s cannot be issued: the role does not exist (create it with "
                              "citadel.secrets.vault_approle_role)" % self.name)
        if self.params.get("custom_secret_id") is not None:
            found = self.client.write(self.role_path + "/secret-id/lookup",
                                      {"secret_id": self.params["custom_secret_id"].strip()})
            data = (found or {}).get("data")
            return properties(data) if data else None
        if self.params.get("only_if_none"):
            return self._find_by_metadata()
        return None

    def _lookup_accessor(self, accessor):
        try:
            body = self.client.request("POST", self.role_path + "/secret-id-accessor/lookup",
                                       {"secret_id_accessor": accessor}, missing_ok=True)
        except VaultApiError as exc:
            # older servers answer 500 "failed to find accessor entry" instead of 404
            if any("failed to find accessor entry" in e for e in exc.errors):
                return None
            raise
        data = (body or {}).get("data")
        if not data or data.get("error"):
            return None
        return properties(data)

    def _find_by_metadata(self):
        """The newest live secret ID of the role whose metadata equals the task's, or ``None``."""
        matches = []
        for accessor in self.client.list(self.role_path + "/secret-id"):
            found = self._lookup_accessor(accessor)
            if found and found["metadata"] == self._metadata and not expired(found["expiration_time"]):
                matches.append(found)
        return max(matches, key=lambda m: m["creation_time"] or "") if matches else None

    # -- plan --------------------------------------------------------------------------------------
    def target(self, current, state):
        if state == "absent" or current is not None:
            return None if state == "absent" else current
        role = self._role
        role_ttl = int(role.get("secret_id_ttl") or 0)
        role_uses = int(role.get("secret_id_num_uses") or 0)
        ttl, uses = self._ttl, self.params.get("num_uses")
        if ttl is not None and role_ttl and (ttl == 0 or ttl > role_ttl):
            raise OptionError("%s: ttl cannot be longer than the role's secret_id_ttl (%ds)%s"
                              % (self.name, role_ttl, "; 0 would mean no expiry" if ttl == 0 else ""))
        if uses is not None and role_uses and (uses == 0 or uses > role_uses):
            raise OptionError("%s: num_uses cannot be higher than the role's secret_id_num_uses (%d)%s"
                              % (self.name, role_uses, "; 0 would mean unlimited" if uses == 0 else ""))
        return {
            "secret_id_accessor": None,
            "metadata": dict(self._metadata),
            "cidr_list": list(self._cidr_list),
            "token_bound_cidrs": list(self._token_cidrs),
            "secret_id_ttl": role_ttl if ttl is None else ttl,
            "secret_id_num_uses": role_uses if uses is None else uses,
        }

    def differs(self, current, target):
        return current != target

    # -- write -------------------------------------------------------------------------------------
    def apply(self, current, target):
        if target is None:
            self.client.write(self.role_path + "/secret-id-accessor/destroy",
                              {"secret_id_accessor": current["secret_id_accessor"]})
            return None
        body = {}
        if self._metadata:
            body["metadata"] = json.dumps(self._metadata, sort_keys=True)  # the API takes a JSON string
        if self._cidr_list:
            body["cidr_list"] = self._cidr_list
        if self._token_cidrs:
            body["token_bound_cidrs"] = self._token_cidrs
        if self._ttl is not None:
            body["ttl"] = self._ttl
        if self.params.get("num_uses") is not None:
            body["num_uses"] = self.params["num_uses"]
        endpoint = "/secret-id"
        if self.params.get("custom_secret_id") is not None:
            body["secret_id"] = self.params["custom_secret_id"].strip()
            endpoint = "/custom-secret-id"
        self._issued = self.client.request("POST", self.role_path + endpoint, body, wrap_ttl=self._wrap_ttl) or {}
        accessor = self._accessor()
        # older HashiCorp Vault releases do not report the accessor of a wrapped secret ID (wrapped_accessor)
        return (self._lookup_accessor(accessor) if accessor else None) or dict(target, secret_id_accessor=accessor)

    def _accessor(self):
        issued = self._issued or {}
        if issued.get("wrap_info"):
            return issued["wrap_info"].get("wrapped_accessor")
        return (issued.get("data") or {}).get("secret_id_accessor")

    # -- presentation ------------------------------------------------------------------------------
    def present(self, state):
        return dict(state) if state is not None else {}

    def extra_result(self, current, target, changed):
        if self.params.get("state") == "absent":
            return {"secret_id_accessor": self.params["secret_id_accessor"].strip()}
        result = {"secret_id_accessor": (target or {}).get("secret_id_accessor")}
        issued = self._issued or {}
        wrap = issued.get("wrap_info")
        if wrap:
            result["wrapping_token"] = wrap.get("token")
            result["wrap_info"] = {key: wrap.get(key) for key in ("accessor", "ttl", "creation_time", "creation_path")}
        elif issued.get("data") and self.params.get("custom_secret_id") is None:
            result["secret_id"] = issued["data"].get("secret_id")
        return result
