# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One Google Cloud Secret Manager secret: replication (fixed at creation), labels, annotations, rotation,
Pub/Sub topics, expiration, and its versions. Its state is::

    {"replication": {"automatic": {"kms_key_name": None}}
                    or {"user_managed": [{"location": "us-east1", "kms_key_name": None}, ...]},
     "labels": {}, "annotations": {}, "topics": [],          # topics sorted
     "rotation_period": None, "next_rotation_time": None,     # seconds; "2030-01-31T00:00:00Z"
     "expire_time": None,
     "versions": {"1": "disabled", "2": "enabled"},          # every version and its state
     "value": "..."}        # only when the task manages the value: the latest enabled version's; masked everywhere

A new version is added only when ``value`` differs from the latest enabled version (or there is none);
``disable_previous`` / ``destroy_previous`` then act on every version older than the latest enabled one.
Properties are changed in place (``UpdateSecret`` with an update mask naming only what differs). After a write
the secret is read again, and a property the server did not store is reported instead of being re-sent on
every run (an emulator may not implement every field).
"""

from __future__ import annotations

import base64
import copy
import re
from datetime import datetime, timedelta, timezone

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _gcp
from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    CitadelError, OptionError)
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource

try:
    from google.cloud import secretmanager
    from google.protobuf import field_mask_pb2
except ImportError:  # _gcp.settings() reports it before any of this is used
    pass

PROPERTIES = ("labels", "annotations", "topics", "rotation_period", "next_rotation_time", "expire_time")
ABSENT_IGNORED = ()
PRESENT_ONLY = ("value", "replication", "replicas", "kms_key_name", "labels", "annotations", "topics",
                "rotation_period", "next_rotation_time", "expire_time", "ttl")
ENABLED, DISABLED, DESTROYED = "enabled", "disabled", "destroyed"
MIN_ROTATION, MAX_ROTATION = 3600, 3153600000
_BINARY = "\x00<binary payload>"  # stands for a payload that is not UTF-8 text; never equals a given value
_LABEL_KEY = re.compile(r"^[\w\u0080-\uffff][\w\u0080-\uffff-]{0,62}$")
_LABEL_VALUE = re.compile(r"^[\w\u0080-\uffff-]{0,63}$")
_ANNOTATION_KEY = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$")
_TOPIC = re.compile(r"^projects/[^/]+/topics/[^/]+$")
_KMS_KEY = re.compile(r"^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$")
_LOCATION = re.compile(r"^[a-z]+(-[a-z]+)*\d*$")


# -- option helpers ----------------------------------------------------------------------------------
def _string_map(value, option, key_re, value_re, what):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise OptionError("%s must be a dict of %s" % (option, what))
    result = {}
    for key, item in value.items():
        if item is None or isinstance(item, (dict, list, bool)):
            raise OptionError("%s: the value of %r must be a string" % (option, key))
        key, item = str(key), str(item)
        if not key_re.match(key):
            raise OptionError("%s: %r is not a valid key (%s)" % (option, key, what))
        if value_re is not None and not value_re.match(item):
            raise OptionError("%s: the value of %r must be at most 63 lowercase letters, digits, dashes or "
                              "underscores" % (option, key))
        result[key] = item
    return result


def _labels(value):
    labels = _string_map(value, "labels", _LABEL_KEY, _LABEL_VALUE,
                         "keys of 1 to 63 lowercase letters, digits, dashes and underscores starting with a letter")
    if labels is not None:
        bad = [k for k in labels if k != k.lower() or not k[0].isalpha() or any(v != v.lower() for v in labels.values())]
        if bad:
            raise OptionError("labels: keys and values must be lowercase, and keys must start with a letter (%s)"
                              % ", ".join(sorted(bad)))
        if len(labels) > 64:
            raise OptionError("labels: at most 64 labels, got %d" % len(labels))
    return labels


def _annotations(value):
    annotations = _string_map(value, "annotations", _ANNOTATION_KEY, None,
                              "keys of 1 to 63 letters, digits, dashes, underscores and dots, starting and ending "
                              "with a letter or digit")
    if annotations is not None and sum(len(k.encode()) + len(v.encode()) for k, v in annotations.items()) > 16384:
        raise OptionError("annotations: keys and values together must not exceed 16 KiB")
    return annotations


def _replication(p):
    kind, replicas, kms = p.get("replication"), p.get("replicas"), p.get("kms_key_name")
    if kind is None:
        if replicas is not None or kms is not None:
            raise OptionError("replicas and kms_key_name need replication (user_managed or automatic)")
        return None
    if kms is not None and not _KMS_KEY.match(kms):
        raise OptionError("kms_key_name %r is not a Cloud KMS key name "
                          "(projects/P/locations/L/keyRings/R/cryptoKeys/K)" % kms)
    if kind == "automatic":
        if replicas:
            raise OptionError("replicas needs replication=user_managed")
        return {"automatic": {"kms_key_name": kms}}
    if kms is not None:
        raise OptionError("with replication=user_managed, give each replica its own kms_key_name (a key in the "
                          "replica's location)")
    if not replicas:
        raise OptionError("replication=user_managed needs replicas (a list of locations)")
    result, seen = [], set()
    for replica in replicas:
        location = (replica or {}).get("location")
        key = (replica or {}).get("kms_key_name")
        if not location or not _LOCATION.match(location):
            raise OptionError("replicas: %r is not a location such as us-east1" % location)
        if location in seen:
            raise OptionError("replicas: location %s is listed twice" % location)
        if key is not None:
            if not _KMS_KEY.match(key):
                raise OptionError("replicas: kms_key_name %r is not a Cloud KMS key name" % key)
            if "/locations/%s/" % location not in key:
                raise OptionError("replicas: the key for %s must be in that location (got %s)" % (location, key))
        seen.add(location)
        result.append({"location": location, "kms_key_name": key})
    return {"user_managed": sorted(result, key=lambda r: r["location"])}


def _duration_seconds(text):
    """``"3600s"`` / ``"3600.5s"`` (proto JSON) as whole seconds."""
    if text is None or text == "":
        return None
    return int(float(str(text).rstrip("s")))


def _normal_time(text):
    return _gcp.format_time(_gcp.parse_time(text, "time")) if text else None


# -- the resource ----------------------------------------------------------------------------------
class GcpSecretResource(Resource):
    kind = "Secret Manager secret"
    result_key = "secret"
    secret_paths = ("value",)

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._info = {}
        self._desired = {}
        self._payload = None        # bytes of the latest enabled version, when read
        self._applied = False
        self._ttl = None

    @property
    def name(self):
        return "secret %r" % (self.params.get("name") or "")

    # -- validation ----------------------------------------------------------------------------------
    def validate(self):
        p = self.params
        if not p.get("name"):
            raise OptionError("name is required")
        _gcp.secret_path(p["name"], "-")  # the format only; the project is resolved when connecting
        state = p.get("state") or "present"
        if state == "absent":
            wrong = [k for k in PRESENT_ONLY if p.get(k) is not None]
            wrong += [k for k in ("disable_previous", "destroy_previous") if p.get(k)]
            if wrong:
                raise OptionError("%s cannot be used with state=absent" % ", ".join(sorted(wrong)))
        if p.get("disable_previous") and p.get("destroy_previous"):
            raise OptionError("disable_previous and destroy_previous are mutually exclusive")
        if p.get("expire_time") is not None and p.get("ttl") is not None:
            raise OptionError("expire_time and ttl are mutually exclusive")
        desired = {}
        if p.get("value") is not None:
            if not isinstance(p["value"], str):
                raise OptionError("value must be a string")
            if len(p["value"].encode("utf-8")) > 65536:
                raise OptionError("value is larger than the 64 KiB Secret Manager allows for a version")
            desired["value"] = p["value"]
        replication = _replication(p)
        if replication is not None:
            desired["replication"] = replication
        for key, parse in (("labels", _labels), ("annotations", _annotations)):
            parsed = parse(p.get(key))
            if parsed is not None:
                desired[key] = parsed
        if p.get("topics") is not None:
            bad = [t for t in p["topics"] if not _TOPIC.match(str(t))]
            if bad:
                raise OptionError("topics: %s: a topic is projects/PROJECT/topics/TOPIC" % ", ".join(map(str, bad)))
            if len(set(p["topics"])) > 10:
                raise OptionError("topics: at most 10 topics")
            desired["topics"] = sorted(set(p["topics"]))
        if p.get("rotation_period") is not None:
            seconds = to_seconds(p["rotation_period"], "rotation_period")
            if seconds and not MIN_ROTATION <= seconds <= MAX_ROTATION:
                raise OptionError("rotation_period must be between 1 hour and 100 years (or 0 to remove rotation), "
                                  "got %d seconds" % seconds)
            desired["rotation_period"] = seconds or None
            if not seconds:
                desired["next_rotation_time"] = None
        if p.get("next_rotation_time") is not None:
            if p.get("rotation_period") is not None and not desired["rotation_period"] and p["next_rotation_time"]:
                raise OptionError("rotation_period=0 removes rotation; it cannot be combined with next_rotation_time")
            when = _gcp.parse_time(p["next_rotation_time"], "next_rotation_time")
            desired["next_rotation_time"] = _gcp.format_time(when)
        if p.get("expire_time") is not None:
            desired["expire_time"] = _gcp.format_time(_gcp.parse_time(p["expire_time"], "expire_time"))
        if p.get("ttl") is not None:
            self._ttl = to_seconds(p["ttl"], "ttl")
            if self._ttl <= 0:
                raise OptionError("ttl must be positive")
        self._desired = desired

    def bind(self, client):
        super().bind(client)
        self.full_name, self.project, self.secret_id = client.secret_path(self.params["name"])
        return self

    # -- read --------------------------------------------------------------------------------------------
    def read(self):
        sm = self.client
        self._info, self._payload = {}, None
        secret = sm.call("get", self.full_name, "get_secret", {"name": self.full_name}, missing_ok=True)
        if secret is None:
            return None
        raw = secretmanager.Secret.to_dict(secret, use_integers_for_enums=False)
        versions = self._versions()
        state = {
            "replication": self._replication_state(raw.get("replication") or {}),
            "labels": dict(raw.get("labels") or {}),
            "annotations": dict(raw.get("annotations") or {}),
            "topics": sorted(t["name"] for t in raw.get("topics") or ()),
            "rotation_period": _duration_seconds((raw.get("rotation") or {}).get("rotation_period")),
            "next_rotation_time": _normal_time((raw.get("rotation") or {}).get("next_rotation_time")),
            "expire_time": _normal_time(raw.get("expire_time")),
            "versions": versions,
        }
        self._info = {"name": raw.get("name") or self.full_name, "create_time": _normal_time(raw.get("create_time")),
                      "etag": raw.get("etag") or None}
        latest = _latest_enabled(versions)
        if latest and ("value" in self._desired or self.params.get("return_value")):
            response = sm.call("access", "%s/versions/%s" % (self.full_name, latest), "access_secret_version",
                               {"name": "%s/versions/%s" % (self.full_name, latest)}, missing_ok=True)
            self._payload = response.payload.data if response is not None else None
        if "value" in self._desired:
            state["value"] = _text(self._payload) if self._payload is not None else None
        return state

    def _versions(self):
        versions, token = {}, ""
        while True:
            page = self.client.call("list versions", self.full_name, "list_secret_versions",
                                    {"parent": self.full_name, "page_size": 250, "page_token": token})
            for version in page.versions:
                number = version.name.rsplit("/", 1)[-1]
                versions[number] = secretmanager.SecretVersion.State(version.state).name.lower()
            token = page.next_page_token
            if not token:
                break
        return {k: versions[k] for k in sorted(versions, key=int)}

    @staticmethod
    def _replication_state(raw):
        if "user_managed" in raw:
            replicas = [{"location": r.get("location"),
                         "kms_key_name": (r.get("customer_managed_encryption") or {}).get("kms_key_name") or None}
                        for r in (raw["user_managed"] or {}).get("replicas") or ()]
            return {"user_managed": sorted(replicas, key=lambda r: r["location"] or "")}
        automatic = raw.get("automatic") or {}
        return {"automatic": {"kms_key_name": (automatic.get("customer_managed_encryption") or {}).get("kms_key_name")
                              or None}}

    # -- plan -------------------------------------------------------------------------------------------
    def target(self, current, state):
        if state == "absent":
            return None
        desired = self._desired
        if current is None:
            target = {"replication": {"automatic": {"kms_key_name": None}}, "labels": {}, "annotations": {},
                      "topics": [], "rotation_period": None, "next_rotation_time": None, "expire_time": None,
                      "versions": {}}
            if self._ttl is not None:
                target["expire_time"] = _gcp.format_time(datetime.now(timezone.utc) + timedelta(seconds=self._ttl))
        else:
            target = copy.deepcopy(current)
            if "replication" in desired and desired["replication"] != current["replication"]:
                raise CitadelError(
                    "%s: replication is fixed when a secret is created (it is %s, the task asks for %s); delete the "
                    "secret and create it again to change it"
                    % (self.name, _describe(current["replication"]), _describe(desired["replication"])))
            if self._ttl is not None:
                target["expire_time"] = self._expire_from_ttl(current)
        target.update({k: copy.deepcopy(v) for k, v in desired.items() if k != "value"})
        if target["rotation_period"] and not target["next_rotation_time"]:
            raise OptionError("%s: rotation_period needs next_rotation_time (Secret Manager requires both)" % self.name)
        if (target["rotation_period"] or target["next_rotation_time"]) and not target["topics"]:
            raise OptionError("%s: rotation needs at least one Pub/Sub topic in topics (Secret Manager sends the "
                              "rotation notifications there)" % self.name)
        if "value" in desired:
            versions = target["versions"]
            latest = _latest_enabled(versions)
            if latest is None or (current or {}).get("value") != desired["value"]:
                number = str(max([int(v) for v in versions] or [0]) + 1)
                versions[number] = ENABLED
            target["value"] = desired["value"]
        self._retire_previous(target["versions"])
        return target

    def _expire_from_ttl(self, current):
        """``create_time + ttl``, or the current expiry when it is within two seconds of that (the server adds the
        ttl to the time it received the request, which is not exactly the recorded create time)."""
        created = _gcp.parse_time(self._info.get("create_time"), "create_time") or datetime.now(timezone.utc)
        wanted = created + timedelta(seconds=self._ttl)
        now = _gcp.parse_time(current.get("expire_time"), "expire_time")
        if now is not None and abs((now - wanted).total_seconds()) <= 2:
            return current["expire_time"]
        return _gcp.format_time(wanted)

    def _retire_previous(self, versions):
        mode = DISABLED if self.params.get("disable_previous") else DESTROYED if self.params.get("destroy_previous") \
            else None
        latest = _latest_enabled(versions)
        if mode is None or latest is None:
            return
        for number, version_state in versions.items():
            if int(number) < int(latest) and version_state != DESTROYED and version_state != mode:
                versions[number] = mode

    # -- write ------------------------------------------------------------------------------------------
    def apply(self, current, target):
        self._applied = True
        sm, name = self.client, self.full_name
        if target is None:
            sm.call("delete", name, "delete_secret", {"name": name})
            return None
        steps = []
        if current is None:
            steps.append(("create the secret", lambda: self._create(target)))
        else:
            mask = [k for k in PROPERTIES if current.get(k) != target.get(k)]
            if mask:
                steps.append(("update %s" % ", ".join(_mask_paths(mask)), lambda: self._update(target, mask)))
        before = (current or {}).get("versions") or {}
        added = [n for n in target["versions"] if n not in before]
        if added:
            steps.append(("add version %s" % added[0], self._add_version))
        for number, wanted in target["versions"].items():
            if number in before and before[number] != wanted:
                verb = {ENABLED: "enable", DISABLED: "disable", DESTROYED: "destroy"}[wanted]
                steps.append(("%s version %s" % (verb, number), self._version_step(verb, number)))
        self.run_steps(steps)
        after = self.read()
        self._verify(after, target)
        return after

    def _secret_message(self, target, keys):
        body = {"name": self.full_name}
        if "labels" in keys:
            body["labels"] = target["labels"]
        if "annotations" in keys:
            body["annotations"] = target["annotations"]
        if "topics" in keys:
            body["topics"] = [{"name": t} for t in target["topics"]]
        if {"rotation_period", "next_rotation_time"} & set(keys) and \
                (target["rotation_period"] or target["next_rotation_time"]):
            rotation = {}
            if target["rotation_period"]:
                rotation["rotation_period"] = timedelta(seconds=target["rotation_period"])
            if target["next_rotation_time"]:
                rotation["next_rotation_time"] = _gcp.parse_time(target["next_rotation_time"], "next_rotation_time")
            body["rotation"] = rotation
        if "expire_time" in keys and target["expire_time"]:
            body["expire_time"] = _gcp.parse_time(target["expire_time"], "expire_time")
        return body

    def _create(self, target):
        body = self._secret_message(target, PROPERTIES)
        del body["name"]
        if self._ttl is not None:
            body.pop("expire_time", None)
            body["ttl"] = timedelta(seconds=self._ttl)
        replication = target["replication"]
        if "user_managed" in replication:
            body["replication"] = {"user_managed": {"replicas": [_replica(r) for r in replication["user_managed"]]}}
        else:
            kms = replication["automatic"]["kms_key_name"]
            body["replication"] = {"automatic": {"customer_managed_encryption": {"kms_key_name": kms}} if kms else {}}
        self.client.call("create", self.full_name, "create_secret",
                         {"parent": "projects/%s" % self.project, "secret_id": self.secret_id, "secret": body})

    def _update(self, target, keys):
        body = self._secret_message(target, keys)
        if self._info.get("etag"):
            body["etag"] = self._info["etag"]
        self.client.call("update", self.full_name, "update_secret",
                         {"secret": body, "update_mask": field_mask_pb2.FieldMask(paths=_mask_paths(keys))})

    def _add_version(self):
        data = self._desired["value"].encode("utf-8")
        self.client.call("add version", self.full_name, "add_secret_version",
                         {"parent": self.full_name, "payload": {"data": data, "data_crc32c": _gcp.crc32c(data)}},
                         secrets=[self._desired["value"]])

    def _version_step(self, verb, number):
        version = "%s/versions/%s" % (self.full_name, number)
        return lambda: self.client.call(verb, version, "%s_secret_version" % verb, {"name": version})

    def _verify(self, after, target):
        """Report properties the server accepted but did not store, instead of re-sending them every run."""
        missing = []
        for key in ("replication",) + PROPERTIES:
            if after is None or after.get(key) == target.get(key):
                continue
            if key == "expire_time" and self._ttl is not None and after.get(key):
                continue  # computed by the server from ttl
            missing.append(key)
        if missing:
            raise CitadelError(
                "%s was written, but Secret Manager at %s did not store %s as sent (it returns %s); the server may "
                "not implement these fields (an emulator?)" % (
                    self.name, self.client.endpoint, ", ".join(missing),
                    ", ".join("%s=%r" % (k, after.get(k)) for k in missing)), status=501)

    # -- presentation ------------------------------------------------------------------------------------
    def present(self, state):
        if state is None:
            return {}
        result = {k: copy.deepcopy(v) for k, v in state.items() if k != "value"}
        result.update({k: v for k, v in self._info.items() if v is not None})
        result.setdefault("name", self.full_name)
        return result

    def extra_result(self, current, target, changed):
        state = target if target is not None else None
        latest = _latest_enabled((state or {}).get("versions") or {})
        result = {"version": int(latest) if latest else 0}
        if self.params.get("return_value"):
            if "value" in self._desired and state is not None:
                result["value"] = self._desired["value"]
            elif self._payload is not None and state is not None:
                text = _text(self._payload)
                result["value"] = text if text != _BINARY else None
                if text == _BINARY:
                    result["value_base64"] = base64.b64encode(self._payload).decode("ascii")
            else:
                result["value"] = None
        return result


def _latest_enabled(versions):
    enabled = [int(n) for n, s in versions.items() if s == ENABLED]
    return str(max(enabled)) if enabled else None


def _text(payload):
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return _BINARY


def _replica(replica):
    result = {"location": replica["location"]}
    if replica.get("kms_key_name"):
        result["customer_managed_encryption"] = {"kms_key_name": replica["kms_key_name"]}
    return result


def _mask_paths(keys):
    paths = []
    for key in keys:
        path = "rotation" if key in ("rotation_period", "next_rotation_time") else key
        if path not in paths:
            paths.append(path)
    return paths


def _describe(replication):
    if "automatic" in replication:
        kms = replication["automatic"]["kms_key_name"]
        return "automatic" + (" with key %s" % kms if kms else "")
    return "user_managed in %s" % ", ".join(r["location"] for r in replication["user_managed"])
