# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Leases of dynamic secrets: renew one, revoke one, or revoke every lease under a prefix.

The server answers a revoke of a lease that is already gone with success, so ``read`` looks the lease up
first (``sys/leases/lookup``, "invalid lease" means gone) and a revoke of a missing lease is no change.
Under a prefix, ``LIST sys/leases/lookup/<prefix>`` (a sudo path) finds the leases, recursively; a prefix
that is itself a lease ID is that one lease, as the server's ``revoke-prefix`` treats it.

A renewal always changes the lease (its expiry moves), so it always reports a change.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError

LEASE_KEYS = ("id", "path", "issue_time", "expire_time", "last_renewal", "renewable", "ttl")
MAX_LISTED = 10000  # leases walked under one prefix before giving up on the count


def lookup_lease(client, lease_id):
    """The lease's lookup data, ``None`` when it does not exist (expired or revoked)."""
    try:
        body = client.request("PUT", "sys/leases/lookup", data={"lease_id": lease_id})
    except VaultApiError as exc:
        if exc.status in (400, 404) and any("invalid lease" in e or "not found" in e for e in exc.errors):
            return None
        raise
    data = (body or {}).get("data") or {}
    return {key: data.get(key) for key in LEASE_KEYS}


def list_leases(client, prefix):
    """Every lease ID under ``prefix`` (a path, with or without its trailing slash)."""
    found, pending = [], [prefix.rstrip("/") + "/"]
    while pending:
        here = pending.pop()
        for key in client.list("sys/leases/lookup/" + here):
            if key.endswith("/"):
                pending.append(here + key)
            else:
                found.append(here + key)
            if len(found) >= MAX_LISTED:
                return sorted(found)
    return sorted(found)


class LeaseResource(Resource):
    kind = "lease"
    result_key = "lease"

    @property
    def name(self):
        if self.params.get("prefix"):
            return "leases under %r" % self.params["prefix"]
        return "lease %r" % self.params.get("lease_id")

    def validate(self):
        p = self.params
        state = p.get("state") or "revoked"
        lease_id, prefix = p.get("lease_id"), p.get("prefix")
        if lease_id is not None and not lease_id.strip("/ "):
            raise OptionError("lease_id cannot be empty")
        if prefix is not None and not prefix.strip("/ "):
            raise OptionError("prefix cannot be empty: revoking every lease of the server is not offered")
        if prefix is not None and state != "revoked":
            raise OptionError("prefix works with state=revoked only; renew leases one lease_id at a time")
        if p.get("increment") is not None and state != "renewed":
            raise OptionError("increment applies to state=renewed only")
        self._increment = to_seconds(p.get("increment"), "increment")

    def read(self):
        p = self.params
        if p.get("lease_id"):
            return lookup_lease(self.client, p["lease_id"].strip("/"))
        prefix = p["prefix"].strip("/")
        leases = list_leases(self.client, prefix)
        if not leases and not p["prefix"].endswith("/"):
            single = lookup_lease(self.client, prefix)  # the server treats a lease ID as a prefix of itself
            if single is not None:
                leases = [single["id"] or prefix]
        return {"prefix": prefix, "leases": leases} if leases else None

    def target(self, current, state):
        if state == "revoked":
            return None
        if current is None:
            raise CitadelError("%s does not exist (it expired or was revoked): there is nothing to renew; "
                               "read new credentials instead" % self.name)
        if not current.get("renewable"):
            raise CitadelError("%s is not renewable" % self.name)
        target = dict(current)
        target["renewed"] = True
        if self._increment is not None:
            target["ttl"] = self._increment
        return target

    def differs(self, current, target):
        return current != target

    def apply(self, current, target):
        p = self.params
        if target is None:
            if p.get("prefix"):
                self.client.write("sys/leases/revoke-prefix/%s" % p["prefix"].strip("/"), method="PUT")
            else:
                self.client.write("sys/leases/revoke", {"lease_id": p["lease_id"].strip("/")}, method="PUT")
            return None
        body = {"lease_id": p["lease_id"].strip("/")}
        if self._increment is not None:
            body["increment"] = self._increment
        renewed = self.client.write("sys/leases/renew", body, method="PUT")
        self._granted = (renewed or {}).get("lease_duration")
        return lookup_lease(self.client, body["lease_id"]) or target

    def present(self, state):
        if state is None:
            return {}
        return {k: v for k, v in state.items() if k != "renewed"}

    def extra_result(self, current, target, changed):
        result = {}
        if self.params.get("prefix"):
            result["revoked"] = list((current or {}).get("leases") or []) if changed else []
        elif (self.params.get("state") or "revoked") == "renewed" and getattr(self, "_granted", None) is not None:
            result["lease_duration"] = self._granted
        return result
