# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""KV version 2 secrets: ``<mount>/data/<path>`` (versions) and ``<mount>/metadata/<path>`` (settings).

One resource covers everything a task can ask of one secret: write a new version when the data differs,
set the per-secret metadata, soft-delete / undelete / destroy versions and purge the secret. Its state is::

    {"data": {...},                 # only when the task manages data; the latest version's, None if deleted
     "metadata": {"current_version": 3, "max_versions": 0, "cas_required": False,
                  "delete_version_after": 0, "custom_metadata": {}, "versions": {"1": "live", ...}}}

``data`` values are masked in every diff (``data.*``) and never returned; ``metadata`` is the module result.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timezone

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    CitadelError, OptionError)
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError

META_KEYS = ("max_versions", "cas_required", "delete_version_after", "custom_metadata")
ABSENT_ONLY = ("versions", "destroy", "purge")
PRESENT_ONLY = ("data", "cas", "undelete_versions") + META_KEYS
LIVE, DELETED, DESTROYED = "live", "deleted", "destroyed"
DEFAULT_MAX_VERSIONS = 10  # what both Vault and OpenBao keep when max_versions is 0 everywhere

_TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")


# -- helpers shared with the info module -----------------------------------------------------------
def split_location(params):
    mount = (params.get("mount") or "secret").strip("/")
    path = (params.get("path") or "").strip("/")
    if not mount:
        raise OptionError("mount cannot be empty")
    if not path:
        raise OptionError("path is required and cannot be empty")
    return mount, path


def positive_versions(values, option):
    """Sorted, de-duplicated version numbers; ``None`` stays ``None`` (not given)."""
    if values is None:
        return None
    bad = [v for v in values if isinstance(v, bool) or not isinstance(v, int) or v < 1]
    if bad:
        raise OptionError("%s: version numbers must be positive integers, got %s" % (option, bad))
    return sorted(set(values))


def _is_past(timestamp):
    """Whether a Go/RFC 3339 timestamp (nanoseconds allowed) lies in the past; unparsable counts as past."""
    match = _TIME.match(timestamp or "")
    if not match:
        return True
    base, fraction, zone = match.groups()
    text = base + ("." + fraction[:6].ljust(6, "0") if fraction else "") + ("+00:00" if zone == "Z" else zone)
    try:
        return datetime.fromisoformat(text) <= datetime.now(timezone.utc)
    except ValueError:
        return True


def version_state(entry):
    """``live``, ``deleted`` or ``destroyed`` for one entry of the metadata ``versions`` map.

    A version written under ``delete_version_after`` carries a deletion time in the future and is still live.
    """
    if entry.get("destroyed"):
        return DESTROYED
    if entry.get("deletion_time") and _is_past(entry["deletion_time"]):
        return DELETED
    return LIVE


def _missing_or_raise(exc, mount):
    """A 404 from a KV path: ``None`` for an absent secret; a clear error when no engine is mounted there."""
    if exc.status == 404 and any("no handler for route" in e for e in exc.errors):
        raise OptionError("no secrets engine is mounted at %r (%s)" % (mount + "/", "; ".join(exc.errors)),
                          status=404, path=exc.path)
    if exc.status != 404:
        raise exc


def read_metadata(client, mount, path):
    """The raw ``data`` of ``<mount>/metadata/<path>``, ``None`` when the secret does not exist."""
    try:
        body = client.request("GET", "%s/metadata/%s" % (mount, path))
    except VaultApiError as exc:
        _missing_or_raise(exc, mount)
        check_kv2_mount(client, mount)
        return None
    return (body or {}).get("data") or {}


def check_kv2_mount(client, mount):
    """Refuse a KV version 1 (or non-KV) mount, where ``data/<path>`` would silently be a different secret.

    Asked only when a secret looks absent; a token that may not ask (403) is given the benefit of the doubt.
    """
    try:
        body = client.request("GET", "sys/internal/ui/mounts/%s" % mount)
    except CitadelError:
        return
    info = (body or {}).get("data") or {}
    kind = info.get("type")
    version = str((info.get("options") or {}).get("version") or "1")
    if kind in ("kv", "generic") and version != "2":
        raise OptionError("mount %r is a KV version 1 engine; these modules manage KV version 2 secrets "
                          "(enable the mount with option version=2)" % mount)
    if kind and kind not in ("kv", "generic", "kv-v2"):
        raise OptionError("mount %r is a %s engine, not KV version 2" % (mount, kind))


def metadata_state(raw):
    """Normalise the server's metadata to the compared state (durations in seconds, versions summarised)."""
    return {
        "current_version": int(raw.get("current_version") or 0),
        "max_versions": int(raw.get("max_versions") or 0),
        "cas_required": bool(raw.get("cas_required")),
        "delete_version_after": to_seconds(raw.get("delete_version_after") or 0, "delete_version_after"),
        "custom_metadata": dict(raw.get("custom_metadata") or {}),
        "versions": {str(number): version_state(entry or {})
                     for number, entry in sorted((raw.get("versions") or {}).items(), key=lambda kv: int(kv[0]))},
    }


def metadata_result(raw):
    """``metadata`` as the modules return it: the compared state plus the creation time."""
    if raw is None:
        return {}
    result = metadata_state(raw)
    if raw.get("created_time"):
        result["created_time"] = raw["created_time"]
    return result


def _empty_metadata():
    return {"current_version": 0, "max_versions": 0, "cas_required": False, "delete_version_after": 0,
            "custom_metadata": {}, "versions": {}}


def _custom_metadata(value):
    if not isinstance(value, dict):
        raise OptionError("custom_metadata must be a dict of strings")
    result = {}
    for key, item in value.items():
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise OptionError("custom_metadata: the value of %r must be a string (got %s)"
                              % (key, type(item).__name__))
        result[str(key)] = str(item)
    return result


# -- the resource ----------------------------------------------------------------------------------
class KvSecretResource(Resource):
    kind = "KV secret"
    result_key = "metadata"
    secret_paths = ("data.*",)
    #: options of citadel.secrets.vault_kv_secret (and of a ``kv_secrets`` entry of citadel.secrets.vault_config)
    argspec = dict(
        mount=dict(type="str", default="secret"),
        path=dict(type="str", required=True),
        data=dict(type="dict", no_log=True),
        cas=dict(type="int"),
        max_versions=dict(type="int"),
        cas_required=dict(type="bool"),
        delete_version_after=dict(type="raw"),
        custom_metadata=dict(type="dict"),
        versions=dict(type="list", elements="int"),
        destroy=dict(type="bool", default=False),
        purge=dict(type="bool", default=False),
        undelete_versions=dict(type="list", elements="int"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._raw = None          # the last metadata read, for created_time and the OpenBao metadata version
        self._data = None         # normalised data when the task manages data
        self._meta = {}           # metadata options the user set
        self._cas = None          # the cas a planned data write will send

    @property
    def name(self):
        return "KV secret %r" % ("%s/%s" % (self.params.get("mount") or "secret", self.params.get("path") or ""))

    # -- validation ---------------------------------------------------------------------------
    def validate(self):
        p = self.params
        self.mount, self.path = split_location(p)
        state = p.get("state") or "present"
        given = {k for k in ABSENT_ONLY + PRESENT_ONLY
                 if p.get(k) is not None and not (k in ("destroy", "purge") and not p[k])}
        if state == "absent":
            wrong = sorted(given & set(PRESENT_ONLY))
            if wrong:
                raise OptionError("%s cannot be used with state=absent" % ", ".join(wrong))
            if p.get("purge") and (p.get("versions") is not None or p.get("destroy")):
                raise OptionError("purge removes the metadata and every version; it cannot be combined "
                                  "with versions or destroy")
        else:
            wrong = sorted(given & set(ABSENT_ONLY))
            if wrong:
                raise OptionError("%s requires state=absent (use undelete_versions with state=present to "
                                  "restore soft-deleted versions)" % ", ".join(wrong))
        self.versions = positive_versions(p.get("versions"), "versions")
        self.undelete = positive_versions(p.get("undelete_versions"), "undelete_versions")

        data = p.get("data")
        if data is not None:
            if not isinstance(data, dict):
                raise OptionError("data must be a dict of keys and values, got %s" % type(data).__name__)
            try:
                self._data = json.loads(json.dumps(data))
            except (TypeError, ValueError):
                raise OptionError("data: every value must be a JSON type (string, number, boolean, null, "
                                  "list or dict)")
        if p.get("cas") is not None:
            if data is None:
                raise OptionError("cas applies to writing data; it needs the data option")
            if isinstance(p["cas"], bool) or p["cas"] < 0:
                raise OptionError("cas must be 0 (create only) or a positive version number")
        if p.get("max_versions") is not None:
            if p["max_versions"] < 0:
                raise OptionError("max_versions cannot be negative (0 means the mount's default)")
            self._meta["max_versions"] = p["max_versions"]
        if p.get("cas_required") is not None:
            self._meta["cas_required"] = bool(p["cas_required"])
        if p.get("delete_version_after") is not None:
            self._meta["delete_version_after"] = to_seconds(p["delete_version_after"], "delete_version_after")
        if p.get("custom_metadata") is not None:
            self._meta["custom_metadata"] = _custom_metadata(p["custom_metadata"])
        if self.undelete is not None and data is not None:
            raise OptionError("undelete_versions cannot be combined with data: a deleted version's data cannot "
                              "be read, so the result could not be predicted; use two tasks")
        if state == "present" and data is None and not self._meta and self.undelete is None:
            raise OptionError("state=present needs data, undelete_versions or a metadata option (max_versions, "
                              "cas_required, delete_version_after, custom_metadata)")

    # -- paths --------------------------------------------------------------------------------
    def _api(self, kind):
        return "%s/%s/%s" % (self.mount, kind, self.path)

    # -- read ---------------------------------------------------------------------------------
    def read(self):
        raw = read_metadata(self.client, self.mount, self.path)
        self._raw = raw
        if raw is None:
            return None
        state = {"metadata": metadata_state(raw)}
        if self._data is not None:
            state["data"] = self._read_data(state["metadata"])
        return state

    def _read_data(self, metadata):
        """Data of the latest version, ``None`` when it is deleted or destroyed (or there is none)."""
        latest = metadata["current_version"]
        if not latest or metadata["versions"].get(str(latest)) != LIVE:
            return None
        body = self.client.read(self._api("data"), params={"version": latest})
        return ((body or {}).get("data") or {}).get("data")

    def _mount_max_versions(self):
        """The mount's default max_versions, used only to predict which old versions a write prunes."""
        try:
            body = self.client.read("%s/config" % self.mount)
        except CitadelError:
            body = None
        return int(((body or {}).get("data") or {}).get("max_versions") or 0)

    # -- plan -----------------------------------------------------------------------------------
    def target(self, current, state):
        if state == "absent":
            return self._target_absent(current)
        if current is None and self._data is None and not self._meta:
            return None  # only undelete_versions, and there is nothing to undelete
        target = copy.deepcopy(current) if current is not None else {"metadata": _empty_metadata()}
        if self._data is not None:
            target.setdefault("data", None)
        meta = target["metadata"]
        meta.update(self._meta)
        for version in self.undelete or ():
            if meta["versions"].get(str(version)) == DELETED:
                meta["versions"][str(version)] = LIVE
        if self._data is not None and target["data"] != self._data:
            latest = meta["current_version"]
            wanted = self.params.get("cas")
            if wanted is not None and wanted != latest:
                raise CitadelError(
                    "cas=%d does not match the current version %d of %s: the secret is not what this task expects, "
                    "nothing was written" % (wanted, latest, self.name),
                    path=self._api("data"))
            self._cas = latest if wanted is None else wanted
            new = latest + 1
            meta["current_version"] = new
            meta["versions"][str(new)] = LIVE
            keep = meta["max_versions"] or self._mount_max_versions() or DEFAULT_MAX_VERSIONS
            meta["versions"] = {k: v for k, v in meta["versions"].items() if int(k) > new - keep}
            target["data"] = self._data
        return target

    def _target_absent(self, current):
        if current is None or self.params.get("purge"):
            return None
        target = copy.deepcopy(current)
        meta = target["metadata"]
        versions = self.versions
        if versions is None:
            versions = [meta["current_version"]] if meta["current_version"] else []
        for version in versions:
            now = meta["versions"].get(str(version))
            if self.params.get("destroy"):
                if now in (LIVE, DELETED):
                    meta["versions"][str(version)] = DESTROYED
            elif now == LIVE:
                meta["versions"][str(version)] = DELETED
        return target

    # -- write ----------------------------------------------------------------------------------
    def apply(self, current, target):
        if target is None:
            steps = [("purge (metadata and every version)", lambda: self.client.delete(self._api("metadata")))]
            self.run_steps(steps)
            self._raw = None
            return None
        before = (current or {}).get("metadata") or _empty_metadata()
        after = target["metadata"]
        steps = []
        delta = {k: after[k] for k in META_KEYS if before[k] != after[k]}
        if delta or (current is None and self._data is None):
            steps.append(("metadata (%s)" % (", ".join(sorted(delta)) or "created"),
                          lambda: self._write_metadata(delta, current)))
        moved = {}
        for version, state in after["versions"].items():
            old = before["versions"].get(version)
            if old is not None and old != state:
                moved.setdefault((old, state), []).append(int(version))
        if moved.get((DELETED, LIVE)):
            steps.append(self._versions_step("undelete", sorted(moved[(DELETED, LIVE)])))
        if "data" in target and target["data"] != (current or {}).get("data"):
            steps.append(("data (version %d)" % after["current_version"], self._write_data))
        if moved.get((LIVE, DELETED)):
            steps.append(self._versions_step("delete", sorted(moved[(LIVE, DELETED)])))
        destroyed = sorted(moved.get((LIVE, DESTROYED), []) + moved.get((DELETED, DESTROYED), []))
        if destroyed:
            steps.append(self._versions_step("destroy", destroyed))
        self.run_steps(steps)
        return self.read()

    def _versions_step(self, verb, versions):
        return ("%s versions %s" % (verb, versions),
                lambda: self.client.write(self._api(verb), {"versions": versions}))

    def _write_metadata(self, delta, current):
        body = dict(delta)
        if "delete_version_after" in body:
            body["delete_version_after"] = "%ds" % body["delete_version_after"]
        known = (self._raw or {}).get("current_metadata_version")
        if known is not None:  # OpenBao: metadata check-and-set protects these settings against a race too
            body["metadata_cas"] = known
        try:
            self.client.write(self._api("metadata"), body)
        except VaultApiError as exc:
            # OpenBao with metadata_cas_required on a secret we have never seen: create it with metadata_cas=0
            if current is None and "metadata_cas" not in body and \
                    any("metadata check-and-set" in e for e in exc.errors):
                body["metadata_cas"] = 0
                self.client.write(self._api("metadata"), body)
            else:
                raise

    def _write_data(self):
        try:
            self.client.write(self._api("data"), {"data": self._data, "options": {"cas": self._cas}})
        except VaultApiError as exc:
            if exc.status == 400 and any("check-and-set" in e for e in exc.errors):
                raise CitadelError("%s (cas=%d): %s changed after it was read; nothing was overwritten, run the "
                                   "task again" % (exc.msg, self._cas, self.name), status=400, path=exc.path)
            raise

    # -- presentation ---------------------------------------------------------------------------
    def present(self, state):
        """The metadata only: data is never part of a result."""
        if state is None:
            return {}
        result = copy.deepcopy(state["metadata"])
        if (self._raw or {}).get("created_time"):
            result["created_time"] = self._raw["created_time"]
        return result

    def extra_result(self, current, target, changed):
        return {"version": ((target or {}).get("metadata") or {}).get("current_version", 0)}


# -- the info module's read --------------------------------------------------------------------------
def read_secret(client, params):
    """For vault_kv_secret_info: one version's data (the latest by default) and the secret's metadata."""
    mount, path = split_location(params)
    wanted = params.get("version")
    if wanted is not None and (isinstance(wanted, bool) or wanted < 1):
        raise OptionError("version must be a positive integer")
    try:
        raw = read_metadata(client, mount, path)
        readable = True
    except VaultApiError as exc:
        if exc.status != 403:
            raise
        raw, readable = None, False  # a token that may read data but not metadata (a common app policy)
    if raw is None and readable:
        return {"exists": False, "secret": {}, "version": wanted or 0, "metadata": {}}
    body = client.read("%s/data/%s" % (mount, path), params={"version": wanted} if wanted else None)
    found = (body or {}).get("data") or {}
    secret = found.get("data")
    version = (found.get("metadata") or {}).get("version") or wanted or int((raw or {}).get("current_version") or 0)
    return {"exists": secret is not None, "secret": secret if secret is not None else {},
            "version": version, "metadata": metadata_result(raw)}
