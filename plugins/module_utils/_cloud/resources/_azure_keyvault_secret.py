# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One Azure Key Vault secret: value, content type, tags, enabled, activation and expiry dates, soft delete,
recovery and purge. Its state is::

    {"deleted": False,             # True while the secret is soft-deleted (recoverable)
     "content_type": None, "tags": {}, "enabled": True,
     "expires_on": None, "not_before": None,        # "2030-01-31T00:00:00Z" or None
     "value": "..."}               # only when the task manages the value and it can be read; masked everywhere

Properties belong to a version in Key Vault: a value change writes a new version carrying the target
properties (so tags and dates survive it); a property-only change patches the current version. The value is
read and compared in this process only and is never part of a result.
"""

from __future__ import annotations

import copy

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _azure
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    CitadelError, OptionError)
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource

PROPERTIES = ("content_type", "tags", "enabled", "expires_on", "not_before")
DATES = ("expires_on", "not_before")
SDK_NAMES = {"content_type": "content_type", "tags": "tags", "enabled": "enabled",
             "expires_on": "expires_on", "not_before": "not_before"}
PRESENT_ONLY = ("value", "content_type", "tags", "enabled", "expires_on", "not_before")
MAX_TAGS = 15


def _tags(value):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise OptionError("tags must be a dict of tag names and string values")
    result = {}
    for key, item in value.items():
        if item is None or isinstance(item, (dict, list, bool)):
            raise OptionError("tags: the value of %r must be a string" % key)
        if len(str(key)) > 512 or len(str(item)) > 512:
            raise OptionError("tags: names and values are limited to 512 characters (%r)" % key)
        result[str(key)] = str(item)
    if len(result) > MAX_TAGS:
        raise OptionError("tags: Key Vault allows at most %d tags per secret, got %d" % (MAX_TAGS, len(result)))
    return result


def _unreadable(exc):
    """A 403 that means "this version exists but its value may not be read now" (disabled, expired, ...)."""
    details = exc.details or {}
    return details.get("status") == 403 and (
        str(details.get("inner") or "").startswith("Secret") or "is not allowed on a" in exc.msg)


class KeyVaultSecretResource(Resource):
    kind = "Key Vault secret"
    result_key = "secret"
    secret_paths = ("value",)

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._info = {}           # properties that are shown but not compared (version, dates, recovery)
        self._value = None        # the current value when readable (never returned)
        self._desired = {}
        self._warnings = []
        self._new_version = False
        self._applied = False

    @property
    def name(self):
        return "Key Vault secret %r" % (self.params.get("name") or "")

    # -- validation ---------------------------------------------------------------------------------
    def validate(self):
        p = self.params
        self.secret_name = _azure.check_name(p.get("name"))
        state = p.get("state") or "present"
        if state == "absent":
            wrong = [k for k in PRESENT_ONLY if p.get(k) is not None]
            if wrong:
                raise OptionError("%s cannot be used with state=absent" % ", ".join(sorted(wrong)))
        elif p.get("purge"):
            raise OptionError("purge applies to state=absent (use deleted_secret=purge to replace a soft-deleted "
                              "secret with state=present)")
        desired = {}
        if p.get("value") is not None:
            if not isinstance(p["value"], str):
                raise OptionError("value must be a string")
            if len(p["value"].encode("utf-8")) > 25 * 1024:
                raise OptionError("value is larger than the 25 KiB Key Vault allows for a secret")
            desired["value"] = p["value"]
        if p.get("content_type") is not None:
            if len(p["content_type"]) > 255:
                raise OptionError("content_type is limited to 255 characters")
            desired["content_type"] = p["content_type"] or None
        self._tags = _tags(p.get("tags"))
        if p.get("enabled") is not None:
            desired["enabled"] = bool(p["enabled"])
        for option in DATES:
            if p.get(option) is not None:
                desired[option] = _azure.format_time(_azure.parse_time(p[option], option))
        if desired.get("expires_on") and desired.get("not_before") and desired["not_before"] >= desired["expires_on"]:
            raise OptionError("not_before (%s) must be earlier than expires_on (%s)"
                              % (desired["not_before"], desired["expires_on"]))
        self._desired = desired

    # -- read -----------------------------------------------------------------------------------------
    def read(self):
        kv = self.client
        self._info, self._value = {}, None
        try:
            secret = kv.get(self.secret_name)
        except CitadelError as exc:
            if not _unreadable(exc):
                raise
            props = kv.latest_properties(self.secret_name)
            if props is None:
                raise
            self._info["value_readable"] = False
            return self._state(props, deleted=False)
        if secret is not None:
            self._value = secret.value
            state = self._state(secret.properties, deleted=False)
            if "value" in self._desired:
                state["value"] = secret.value
            return state
        deleted = kv.get_deleted(self.secret_name)
        if deleted is None:
            return None
        state = self._state(deleted.properties, deleted=True)
        self._info.update(recovery_id=deleted.recovery_id,
                          deleted_on=_azure.format_time(deleted.deleted_date),
                          scheduled_purge_date=_azure.format_time(deleted.scheduled_purge_date))
        return state

    def _state(self, props, deleted):
        self._info.update(
            name=props.name or self.secret_name, vault_url=self.client.url, version=props.version, id=props.id,
            created_on=_azure.format_time(props.created_on), updated_on=_azure.format_time(props.updated_on),
            recovery_level=str(getattr(props.recovery_level, "value", props.recovery_level) or "") or None,
            recoverable_days=props.recoverable_days)
        return {"deleted": deleted, "content_type": props.content_type or None, "tags": dict(props.tags or {}),
                "enabled": bool(props.enabled) if props.enabled is not None else True,
                "expires_on": _azure.format_time(props.expires_on),
                "not_before": _azure.format_time(props.not_before)}

    # -- plan -------------------------------------------------------------------------------------------
    def _wanted(self, base):
        """``base`` (a state) with the task's options applied."""
        target = copy.deepcopy(base)
        target.update(self._desired)
        if self._tags is not None:
            target["tags"] = dict(self._tags) if self.params.get("purge_tags", True) \
                else dict(target.get("tags") or {}, **self._tags)
        target["deleted"] = False
        return target

    def _fresh(self):
        if "value" not in self._desired:
            raise OptionError("%s does not exist: value is required to create it" % self.name)
        return self._wanted({"content_type": None, "tags": {}, "enabled": True, "expires_on": None,
                             "not_before": None})

    def target(self, current, state):
        self._new_version = False
        if state == "absent":
            if current is None:
                return None
            if current["deleted"]:
                if not self.params.get("purge"):
                    return current
                self._check_purgeable()
                return None
            if self.params.get("purge") or "Recoverable" not in (self._info.get("recovery_level") or ""):
                self._check_purgeable()
                return None
            gone = {k: v for k, v in current.items() if k != "value"}
            gone["deleted"] = True
            return gone
        if current is None:
            self._new_version = True
            return self._fresh()
        if current["deleted"]:
            action = self.params.get("deleted_secret") or "recover"
            if action == "fail":
                raise CitadelError(
                    "%s is soft-deleted (deleted on %s, purged automatically on %s): set deleted_secret=recover to "
                    "restore it with its versions, or deleted_secret=purge to delete it for good and create it anew"
                    % (self.name, self._info.get("deleted_on"), self._info.get("scheduled_purge_date")))
            if action == "purge":
                self._check_purgeable()
                self._new_version = True
                return self._fresh()
            # recover: the value becomes readable only after recovery; compared then
            self._new_version = "value" in self._desired  # may be: check mode cannot tell
            return self._wanted({k: v for k, v in current.items() if k != "value"})
        target = self._wanted(current)
        if "value" in target and "value" not in current:  # unreadable (disabled or expired) version
            if not (target.get("enabled") and not current["enabled"]):
                target.pop("value")
                self._warnings.append(
                    "the current version of %s cannot be read (it is disabled or expired), so value was not compared; "
                    "set enabled=true in the task to enable it and compare" % self.name)
        elif "value" in target and target["value"] != current.get("value"):
            self._new_version = True
        if any(current.get(k) is not None and target.get(k) is None for k in DATES):
            self._new_version = True  # Key Vault cannot remove a date from a version: a new version can
        return target

    def _check_purgeable(self):
        level = self._info.get("recovery_level") or ""
        if "Recoverable" in level and "Purgeable" not in level:
            raise CitadelError("%s cannot be purged: the vault has purge protection (recovery level %s); a deleted "
                               "secret stays recoverable until its retention period ends" % (self.name, level))

    # -- write ------------------------------------------------------------------------------------------
    def apply(self, current, target):
        kv, name = self.client, self.secret_name
        self._applied = True
        if target is None:
            steps = []
            if not current["deleted"]:
                steps.append(("delete", lambda: kv.delete(name)))
            if current["deleted"] or "Recoverable" in (self._info.get("recovery_level") or ""):
                steps.append(("purge", lambda: kv.purge(name)))
            self.run_steps(steps)
            return None
        if target["deleted"]:
            kv.delete(name)
            return self.read()
        if current is None:
            self._write_version(target, target["value"])
            return self.read()
        if current["deleted"]:
            if (self.params.get("deleted_secret") or "recover") == "purge":
                self.run_steps([("purge the soft-deleted secret", lambda: kv.purge(name)),
                                ("create it anew", lambda: self._write_version(target, target["value"]))])
                return self.read()
            self.run_steps([("recover", lambda: kv.recover(name)),
                            ("apply the task's options to the recovered secret", self._converge)])
            return self.read()
        self._update(current, target)
        return self.read()

    def _converge(self):
        """After recovery: read again (the value is readable now) and apply what still differs."""
        current = self.read()
        target = self.target(current, "present")
        if current != target:
            self._update(current, target)

    def _update(self, current, target):
        kv, name = self.client, self.secret_name
        if "value" in target and "value" not in current:
            # enabling a disabled version: enable first, then the value can be read and compared
            kv.update(name, None, enabled=True)
            current = self.read()
            target = self.target(current, "present")
            if current == target:
                return
        delta = [k for k in PROPERTIES if current.get(k) != target.get(k)]
        value_changes = "value" in target and target["value"] != current.get("value")
        clears_date = any(current.get(k) is not None and target.get(k) is None for k in DATES)
        if value_changes or clears_date:
            value = target["value"] if "value" in target else self._value
            if value is None:
                raise CitadelError("%s: removing expires_on or not_before needs a new version, and the current value "
                                   "cannot be read (the version is disabled or expired); give value, or enable it"
                                   % self.name)
            self._write_version(target, value)
        elif delta:
            kv.update(name, None, **self._sdk_properties(target, delta))

    def _write_version(self, target, value):
        self.client.set(self.secret_name, value, **self._sdk_properties(target, PROPERTIES))

    @staticmethod
    def _sdk_properties(target, keys):
        result = {}
        for key in keys:
            value = target.get(key)
            if key in DATES:
                if value is not None:
                    result[SDK_NAMES[key]] = _azure.parse_time(value, key)
            elif key == "content_type":
                if value is not None or "content_type" in keys:
                    result["content_type"] = value if value is not None else ""
            else:
                result[SDK_NAMES[key]] = value
        return result

    # -- presentation -------------------------------------------------------------------------------------

    def present(self, state):
        """Properties and identifiers; never the value."""
        if state is None:
            return {}
        result = {k: copy.deepcopy(v) for k, v in state.items() if k != "value"}
        deleted_only = ("recovery_id", "deleted_on", "scheduled_purge_date")
        for key, value in self._info.items():
            if key != "value_readable" and value is not None and (state.get("deleted") or key not in deleted_only):
                result.setdefault(key, value)
        result.setdefault("name", self.secret_name)
        result.setdefault("vault_url", self.client.url if self.client else None)
        if self._new_version and not self._applied and not state.get("deleted"):
            result["version"] = result["id"] = None  # check mode: the new version's id is not known yet
        return result

    def extra_result(self, current, target, changed):
        result = {}
        if self._warnings:
            result["warnings"] = list(dict.fromkeys(self._warnings))
        return result
