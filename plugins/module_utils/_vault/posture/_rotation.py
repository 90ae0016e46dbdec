# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rotation ages: transit keys and KV version 2 secrets.

- ``transit``: every key of every transit mount; the age of its latest version (the ``keys`` map of a key read
  gives each version's creation time: a Unix time for symmetric keys, an object with ``creation_time`` for
  asymmetric ones) against ``transit_rotation_max_age`` (``transit.not_rotated``, medium).
- ``kv``: every secret of the KV version 2 mounts (all of them, or those named in ``kv_mounts``), walked with LIST
  on ``<mount>/metadata/`` (at most ``max_items`` secrets per mount); the creation time of the current version (the
  last time the value changed; metadata edits do not count) against ``kv_rotation_max_age``, or against the
  duration in the secret's custom metadata key ``kv_rotation_metadata_key`` (``never`` or ``0`` exempts the
  secret) (``kv.not_rotated``, medium). Only metadata is read, never a secret value.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.module_utils._vault.posture import _inventory, _ttl
from ansible_collections.citadel.secrets.plugins.module_utils._vault.posture._findings import (
    format_time, parse_time)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kv_secret import (
    LIVE, version_state)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._transit_key import normalise

EXEMPT = ("never", "0", "none", "off")


def key_version_time(raw):
    """The creation time of a key's latest version, from the raw ``data`` of a key read (``None`` if unknown)."""
    versions = raw.get("keys") or {}
    latest = raw.get("latest_version") or (max((int(v) for v in versions), default=0) if versions else 0)
    entry = versions.get(str(latest))
    if isinstance(entry, dict):
        entry = entry.get("creation_time") or entry.get("time")
    return parse_time(entry)


def check_transit(audit):
    max_age = audit.options["transit_rotation_max_age"]
    jobs = []
    for mount in _inventory.load(audit):
        if mount.kind != "secret" or mount.type != "transit":
            continue
        try:
            names = audit.client.list("%s/keys" % mount.path)
        except CitadelError as exc:
            audit.denied("transit", exc, "the keys of %s" % mount.object)
            continue
        limit = audit.options["max_items"]
        if len(names) > limit:
            audit.incomplete("transit", "%s/keys" % mount.path,
                             "only %d of %d keys were checked (max_items)" % (limit, len(names)),
                             "raise max_items to check every key")
            names = names[:limit]
        jobs.extend((mount.path, name) for name in names)

    def read(job):
        return audit.client.read("%s/keys/%s" % job)

    for (mount, name), body, error in audit.map(read, jobs):
        obj = "%s/keys/%s" % (mount, name)
        if error is not None:
            audit.denied("transit", error, "transit key %s" % obj)
            continue
        if body is None:
            continue
        raw = body.get("data") or {}
        audit.count("transit keys")
        state = normalise(mount, raw)
        created = key_version_time(raw)
        if created is None:
            continue
        age = audit.age(created)
        if age <= max_age:
            continue
        auto = state["auto_rotate_period"]
        audit.add("transit.not_rotated", "medium", "transit", obj,
                  "transit key %r was last rotated %s ago (version %d, %s); the target is at most %s%s" % (
                      name, _ttl.human(age), state["latest_version"], format_time(created), _ttl.human(max_age),
                      "" if not auto else " (auto_rotate_period is %s)" % _ttl.human(auto)),
                  "rotate it (citadel.secrets.vault_transit_key with rotate: true, or playbooks/transit_rotate.yml), "
                  "then rewrap stored ciphertext; set auto_rotate_period to %s or less" % _ttl.human(max_age),
                  latest_version=state["latest_version"], rotated=format_time(created), age=age,
                  auto_rotate_period=auto)


def kv_mounts(audit):
    """The KV version 2 mounts to walk: ``kv_mounts`` if given (others recorded as incomplete), else all."""
    all_v2 = {m.path: m for m in _inventory.load(audit) if m.kind == "secret" and m.kv_version == "2"}
    wanted = audit.options.get("kv_mounts")
    if not wanted:
        return sorted(all_v2)
    found = []
    for path in wanted:
        if path in all_v2:
            found.append(path)
        else:
            audit.incomplete("kv", "sys/mounts/%s" % path,
                             "kv_mounts names %r, which is not a KV version 2 mount the token can see" % path,
                             "correct kv_mounts, or enable the mount with option version=2")
    return found


def walk(audit, mount):
    """Paths (relative to the mount) of up to ``max_items`` secrets of one KV v2 mount, level by level."""
    limit = audit.options["max_items"]
    secrets, folders, truncated = [], [""], False
    while folders and not truncated:
        listed = audit.map(lambda prefix: audit.client.list("%s/metadata/%s" % (mount, prefix)), folders)
        folders = []
        for prefix, keys, error in listed:
            if error is not None:
                audit.denied("kv", error, "the secrets under %s/metadata/%s" % (mount, prefix))
                continue
            for key in sorted(keys or []):
                if key.endswith("/"):
                    folders.append(prefix + key)
                elif len(secrets) < limit:
                    secrets.append(prefix + key)
                else:
                    truncated = True
    if truncated or folders:
        audit.incomplete("kv", "%s/metadata/" % mount,
                         "only the first %d secrets of mount %r were checked (max_items)" % (limit, mount),
                         "raise max_items, or narrow the walk with kv_mounts")
    return secrets


def secret_target(audit, custom, obj):
    """``(seconds or None for exempt, source)`` for one secret."""
    key = audit.options["kv_rotation_metadata_key"]
    default = audit.options["kv_rotation_max_age"]
    hint = (custom or {}).get(key) if key else None
    if hint is None or str(hint).strip() == "":
        return default, "kv_rotation_max_age"
    if str(hint).strip().lower() in EXEMPT:
        return None, "custom_metadata %s" % key
    try:
        seconds = to_seconds(str(hint).strip(), key)
    except CitadelError:
        audit.incomplete("kv", obj, "custom_metadata %s = %r is not a duration; the default target was used"
                         % (key, hint), "write a duration such as 30d or 720h, or never")
        return default, "kv_rotation_max_age"
    return (seconds or None), "custom_metadata %s" % key


def check_kv(audit):
    jobs = []
    for mount in kv_mounts(audit):
        jobs.extend((mount, path) for path in walk(audit, mount))

    def read(job):
        return audit.client.read("%s/metadata/%s" % job)

    for (mount, path), body, error in audit.map(read, jobs):
        obj = "%s/metadata/%s" % (mount, path)
        if error is not None:
            audit.denied("kv", error, "KV metadata %s" % obj)
            continue
        if body is None:
            continue
        meta = body.get("data") or {}
        audit.count("kv secrets")
        current = str(meta.get("current_version") or 0)
        version = (meta.get("versions") or {}).get(current) or {}
        if not version or version_state(version) != LIVE:
            continue  # the current version is deleted or destroyed: no live value to rotate
        target, source = secret_target(audit, meta.get("custom_metadata"), obj)
        written = parse_time(version.get("created_time")) or parse_time(meta.get("updated_time"))
        if target is None or written is None:
            continue
        age = audit.age(written)
        if age <= target:
            continue
        audit.add("kv.not_rotated", "medium", "kv", obj,
                  "secret %s/%s was last changed %s ago (version %s, %s); its rotation target is %s (%s)" % (
                      mount, path, _ttl.human(age), current, format_time(written), _ttl.human(target), source),
                  "rotate the credential at its source and write the new value (a new version), or record a "
                  "longer target in custom_metadata %s if this secret rotates less often"
                  % audit.options["kv_rotation_metadata_key"],
                  version=int(current), changed=format_time(written), age=age, target=target)
