# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan and apply a whole ``vault_config`` document: many objects of many types in one task.

1. ``ConfigPlan(document, prune, protect)`` checks every entry against its resource class's ``argspec`` and
   ``validate()`` - no request is sent, and every bad entry is reported at once, by section, index and name.
2. ``plan(client)`` reads everything it needs concurrently (a bounded thread pool over the one client, whose
   transport hands each thread its own kept-alive connection from a pool), then asks each resource for its
   ``target()`` and ``differs()`` - exactly what the single-object module does - giving one action per object:
   create, update, delete or unchanged. Objects inside a mount that this run creates are not read (there is
   nothing yet); prune lists what exists and plans a delete for each object the document does not name, except
   protected ones.
3. ``apply(client)`` writes, in dependency order: creates and updates wave by wave (audit devices, policies,
   mounts, engine/method configurations, objects inside mounts), then deletions in the reverse order. Within a
   wave writes run concurrently. A failure stops the run after the writes already in flight, and raises
   ``PartialApplyError`` naming what was applied and what was not; a rerun plans from the server again, so it
   finishes the job.

Secrets (passwords, client secrets, KV data) never enter a plan: it names objects and the fields that change;
diffs go through each resource's ``secret_paths`` (``_redact``).
"""

from __future__ import annotations

import fnmatch
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.citadel.secrets.plugins.module_utils import _redact
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    CitadelError, OptionError, PartialApplyError)
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import read_mounts
from ansible_collections.citadel.secrets.plugins.module_utils._vault.config._sections import (
    AUTH, BUILTIN_MOUNT_TYPES, BUILTIN_MOUNTS, BUILTIN_POLICIES, MOUNT_SECTIONS, PRUNABLE, SECRET, SECTIONS,
    mount_kind)

CREATE, UPDATE, DELETE, UNCHANGED = "create", "update", "delete", "unchanged"
ACTIONS = (CREATE, UPDATE, DELETE, UNCHANGED)
DEFAULT_WORKERS = 8
MAX_WORKERS = 32
KIND_NAMES = {SECRET: "secrets engine", AUTH: "auth method"}
MOUNT_SECTION_OF = {kind: name for name, kind in MOUNT_SECTIONS.items()}


class Item:
    """One object of the document (or one that prune removes) on its way through plan and apply."""

    def __init__(self, section, label, params, resource, identity, pruned=False):
        self.section = section
        self.label = label
        self.params = params
        self.resource = resource
        self.identity = identity
        self.state = params.get("state") or "present"
        self.mount = section.mount(params)
        self.pruned = pruned
        self.deferred = False        # not read: it lives in a mount this run creates
        self.current = None
        self.target = None
        self.action = None

    @property
    def title(self):
        return "%s %s" % (self.section.name, self.identity)

    def step(self):
        return "%s %s %s" % (self.action, self.section.name, self.identity)

    def entry(self):
        entry = {"type": self.section.name, "name": self.identity, "action": self.action}
        if self.pruned:
            entry["pruned"] = True
        if self.action == UPDATE:
            entry["fields"] = changed_fields(self.current, self.target)
        return entry

    def diff(self):
        before, after = _redact.mask_pair(self.current, self.target, self.resource.secret_paths)
        return {"before": before or {}, "after": after or {}, "before_header": self.title, "after_header": self.title}


def changed_fields(current, target):
    current, target = current or {}, target or {}
    return sorted(str(key) for key in set(current) | set(target) if current.get(key) != target.get(key))


def _relabel(exc, label):
    """``exc`` with ``label: `` in front of its message (same class and details)."""
    msg = "%s: %s" % (label, exc.msg)
    exc.msg = msg
    exc.args = (msg,)
    return exc


class _PlanClient:
    """The client during planning. Answers that many objects would ask again come from one request:

    - mount-type checks (``sys/internal/ui/mounts/...``), which every object of a mount repeats, are asked once;
    - ``GET sys/mounts/<path>`` and ``GET sys/auth/<path>`` of a mount the listing (``sys/mounts``, ``sys/auth``,
      read first) holds are answered from that listing, which carries the very same entry.

    Everything else goes to the real client."""

    _CACHED = "sys/internal/ui/mounts/"
    _LISTINGS = ("sys/mounts", "sys/auth")

    def __init__(self, client):
        self._client = client
        self._cache = {}
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self._client, name)

    def request(self, method, path, data=None, params=None, missing_ok=False, wrap_ttl=None):
        key = (path.strip("/"), missing_ok)
        if method == "GET" and not params:
            listed = self._from_listing(key[0])
            if listed is not None:
                return listed
            if key[0].startswith(self._CACHED) or key[0] in self._LISTINGS:
                return self._cached(key)
        return self._client.request(method, path, data=data, params=params, missing_ok=missing_ok,
                                    wrap_ttl=wrap_ttl)

    def _cached(self, key):
        with self._lock:
            hit = self._cache.get(key)
        if hit is None:
            try:
                hit = (True, self._client.request("GET", key[0], missing_ok=key[1]))
            except CitadelError as exc:
                hit = (False, exc)
            with self._lock:
                self._cache[key] = hit
        if not hit[0]:
            raise hit[1]
        return hit[1]

    def _from_listing(self, path):
        for base in self._LISTINGS:
            if path.startswith(base + "/"):
                with self._lock:
                    hit = self._cache.get((base, True)) or self._cache.get((base, False))
                if hit and hit[0] and isinstance(hit[1], dict):
                    listing = hit[1].get("data") or hit[1]
                    entry = listing.get(path[len(base) + 1:] + "/")
                    if isinstance(entry, dict):
                        return {"data": entry}
        return None

    def read(self, path, params=None):
        return self.request("GET", path, params=params, missing_ok=True)

    def write(self, path, data=None, method="POST"):
        return self._client.write(path, data, method=method)

    def delete(self, path, missing_ok=True):
        return self._client.delete(path, missing_ok=missing_ok)

    def list(self, path):
        return self._client.list(path)


def _run_all(workers, calls):
    """Run ``calls`` (callables) on a bounded pool; return their results in order, exceptions as values."""
    def guarded(call):
        try:
            return call()
        except Exception as exc:  # pylint: disable=broad-exception-caught
            return exc
    if not calls:
        return []
    if workers <= 1 or len(calls) == 1:
        return [guarded(call) for call in calls]
    with ThreadPoolExecutor(max_workers=min(workers, len(calls))) as pool:
        return list(pool.map(guarded, calls))


def _raise_collected(failures, what):
    """Raise one error for (label, exception) pairs: the first non-option error as is, else all option errors."""
    for label, exc in failures:
        if not isinstance(exc, CitadelError):
            raise exc
    if len(failures) == 1:
        raise _relabel(failures[0][1], failures[0][0])
    options = [exc for dummy, exc in failures if isinstance(exc, OptionError)]
    cls = OptionError if len(options) == len(failures) else CitadelError
    raise cls("%d objects cannot be %s, nothing was written: %s"
              % (len(failures), what, "; ".join("%s: %s" % (label, exc.msg) for label, exc in failures)))


def parse_protect(patterns):
    """``["policies:admin-*", ...]`` as {section: [glob, ...]}; raises OptionError."""
    protect = {}
    for pattern in patterns or ():
        section, sep, glob = str(pattern).partition(":")
        if not sep or not glob.strip() or section not in SECTIONS:
            raise OptionError("protect: %r must be <section>:<name or glob>, for example 'policies:admin-*' "
                              "(sections: %s)" % (pattern, ", ".join(PRUNABLE)))
        protect.setdefault(section, []).append(glob.strip())
    return protect


class ConfigPlan:
    def __init__(self, document, prune=(), protect=(), workers=DEFAULT_WORKERS):
        if workers is None or workers < 1 or workers > MAX_WORKERS:
            raise OptionError("concurrency must be between 1 and %d, got %r" % (MAX_WORKERS, workers))
        self.workers = workers
        unknown = sorted(set(prune or ()) - set(PRUNABLE))
        if unknown:
            raise OptionError("prune: %s cannot be pruned; prunable sections: %s"
                              % (", ".join(unknown), ", ".join(PRUNABLE)))
        self.prune = [name for name in SECTIONS if name in set(prune or ())]
        self.protect = parse_protect(protect)
        self.items = []
        self.protected = []
        self.mounts = {}
        self._parse(document)

    # -- 1. the document, offline ------------------------------------------------------------------
    def _parse(self, document):
        if document is None:
            document = {}
        if not isinstance(document, dict):
            raise OptionError("config must be a dictionary of sections (%s), got %s"
                              % (", ".join(SECTIONS), type(document).__name__))
        unknown = sorted(str(key) for key in document if key not in SECTIONS)
        if unknown:
            raise OptionError("config: unknown section(s) %s; the sections are: %s"
                              % (", ".join(unknown), ", ".join(SECTIONS)))
        errors, seen = [], {}
        for name, section in SECTIONS.items():
            entries = document.get(name)
            if entries is None:
                continue
            if not isinstance(entries, list):
                errors.append("%s must be a list of entries, got %s" % (name, type(entries).__name__))
                continue
            for index, entry in enumerate(entries):
                label = "%s[%d]" % (name, index)
                hint = _entry_hint(entry)
                try:
                    params = section.params(entry)
                    resource = section.resource(params)
                    resource.validate()
                    identity = section.identity(params)
                except OptionError as exc:
                    errors.append("%s%s: %s" % (label, " (%s)" % hint if hint else "", exc.msg))
                    continue
                label = "%s %r" % (label, identity)
                if (name, identity) in seen:
                    errors.append("%s: %s %r is also defined by %s" % (label, name, identity, seen[(name, identity)]))
                    continue
                seen[(name, identity)] = label
                self.items.append(Item(section, label, params, resource, identity))
        if errors:
            raise OptionError("config has %d invalid entr%s, nothing was read or written: %s"
                              % (len(errors), "y" if len(errors) == 1 else "ies", "; ".join(errors)))

    # -- 2. the plan ----------------------------------------------------------------------------------
    def plan(self, client, login_mount=None, check_mode=True):
        reader = _PlanClient(client)
        listing = _run_all(self.workers, [lambda: read_mounts(reader, SECRET), lambda: read_mounts(reader, AUTH)])
        self.mounts = {}
        for kind, found in zip((SECRET, AUTH), listing):
            if isinstance(found, VaultApiError) and found.status == 403:
                self.mounts[kind] = None  # the token may not list mounts: the resources check for themselves
            elif isinstance(found, Exception):
                raise found
            else:
                self.mounts[kind] = found
        declared = self._declared_mounts()
        self._check_parents(declared)

        # prune: what exists that the document does not name (listed concurrently)
        listings = self._prune_scopes(declared)
        found = _run_all(self.workers, [lambda s=section, m=mount: s.lister(reader, m) for section, mount in listings])
        failures = [("prune %s%s" % (section.name, " in %s" % mount if mount else ""), result)
                    for (section, mount), result in zip(listings, found) if isinstance(result, Exception)]
        if failures:
            _raise_collected(failures, "listed for prune")
        self._add_prune_items(listings, found, declared, login_mount)

        # read every object (except those inside mounts this run creates) concurrently
        for item in self.items:
            item.resource.bind(reader)
            item.resource.check_mode = check_mode
            item.deferred = self._parent_created(item, declared)
        to_read = [item for item in self.items if not item.deferred]
        results = _run_all(self.workers, [item.resource.read for item in to_read])
        failures = []
        for item, result in zip(to_read, results):
            if isinstance(result, Exception):
                failures.append((item.label, result))
            else:
                item.current = result
        if failures:
            _raise_collected(failures, "read")
        for item in self.items:
            if item.deferred:
                item.current = item.section.fresh(item.params)

        # targets and actions (sequential: cheap, and a few resources ask the server one more thing)
        failures = []
        for item in self.items:
            try:
                self._decide(item)
            except CitadelError as exc:
                failures.append((item.label, exc))
        if failures:
            _raise_collected(failures, "planned")
        return self.items

    def _decide(self, item):
        resource = item.resource
        item.target = resource.target(item.current, item.state)
        if not resource.differs(item.current, item.target):
            item.action = UNCHANGED
        elif item.current is None:
            item.action = CREATE
        elif item.target is None:
            item.action = DELETE
        else:
            item.action = UPDATE

    def _declared_mounts(self):
        """{(kind, path): item} for the mounts the document declares."""
        return {(MOUNT_SECTIONS[item.section.name], item.identity): item
                for item in self.items if item.section.name in MOUNT_SECTIONS}

    def _mount_state(self, kind, path, declared):
        """('declared'|'absent'|'server'|'unknown', mount kind) of one mount."""
        item = declared.get((kind, path))
        if item is not None:
            if item.state == "absent":
                return "absent", None
            return "declared", mount_kind(item.resource.desired())
        listing = self.mounts.get(kind)
        if listing is None:
            return "unknown", None
        if path in listing:
            return "server", mount_kind(listing[path])
        return "absent", None

    def _check_parents(self, declared):
        errors = []
        for item in self.items:
            parent = item.section.parent
            if parent is None or item.state == "absent":
                continue
            kind, kinds = parent
            where, found = self._mount_state(kind, item.mount, declared)
            noun = KIND_NAMES[kind]
            if where == "absent":
                errors.append("%s: no %s is mounted at %r and the document does not declare one (add it to %s)"
                              % (item.label, noun, item.mount, MOUNT_SECTION_OF[kind]))
            elif where != "unknown" and found not in kinds:
                errors.append("%s: the %s at %r is %s, not %s" % (item.label, noun, item.mount,
                                                                  _a(found), " or ".join(_a(k) for k in kinds)))
        if errors:
            raise OptionError("%d entr%s cannot be planned, nothing was written: %s"
                              % (len(errors), "y" if len(errors) == 1 else "ies", "; ".join(errors)))

    def _parent_created(self, item, declared):
        """Whether ``item`` lives in a mount this run creates (so there is nothing to read yet)."""
        if item.section.parent is None:
            return False
        kind = item.section.parent[0]
        listing = self.mounts.get(kind)
        return (kind, item.mount) in declared and listing is not None and item.mount not in listing

    # -- prune ------------------------------------------------------------------------------------------
    def _prune_scopes(self, declared):
        """[(section, mount)] to list: top-level sections once; sections inside mounts for every mount of the
        right kind that the document names (in that section's entries or as a declared mount)."""
        scopes = []
        for name in self.prune:
            section = SECTIONS[name]
            if name in MOUNT_SECTIONS:
                if self.mounts.get(MOUNT_SECTIONS[name]) is None:
                    raise OptionError("prune %s: the token may not list the mounts (read on sys/%s)"
                                      % (name, "mounts" if name == "secrets_engines" else "auth"))
                continue
            if section.parent is None:
                scopes.append((section, None))
                continue
            kind, kinds = section.parent
            mounts = {item.mount for item in self.items if item.section is section and item.state != "absent"}
            mounts.update(path for (mount_kind_, path), item in declared.items()
                          if mount_kind_ == kind and item.state != "absent"
                          and mount_kind(item.resource.desired()) in kinds)
            for mount in sorted(mounts):
                listing = self.mounts.get(kind)
                if listing is not None and mount not in listing:
                    continue  # created by this run: nothing to prune in it
                scopes.append((section, mount))
        return scopes

    def _protected(self, section, name, mount, login_mount):
        if section.name in MOUNT_SECTIONS:
            kind = MOUNT_SECTIONS[section.name]
            if name in BUILTIN_MOUNTS[kind] or self.mounts[kind][name]["type"] in BUILTIN_MOUNT_TYPES:
                return "built into the server"
            if kind == AUTH and login_mount and name == login_mount:
                return "the mount this task logs in through"
        if section.name == "policies" and name in BUILTIN_POLICIES:
            return "built into the server"
        identity = name if mount is None else "%s/%s" % (mount, name)
        for glob in self.protect.get(section.name, ()):
            if fnmatch.fnmatchcase(identity, glob):
                return "matches protect %s:%s" % (section.name, glob)
        return None

    def _add_prune_items(self, listings, found, declared, login_mount):
        named = {(item.section.name, item.identity) for item in self.items}
        for name in self.prune:
            if name in MOUNT_SECTIONS:
                listings = listings + [(SECTIONS[name], None)]
                found = list(found) + [sorted(self.mounts[MOUNT_SECTIONS[name]])]
        errors = []
        for (section, mount), names in zip(listings, found):
            for name in names or ():
                identity = name if mount is None else "%s/%s" % (mount, name)
                if (section.name, identity) in named:
                    continue
                why = self._protected(section, name, mount, login_mount)
                if why:
                    self.protected.append({"type": section.name, "name": identity, "reason": why})
                    continue
                label = "prune %s %r" % (section.name, identity)
                try:
                    params = section.absent(name, mount)
                    resource = section.resource(params)
                    resource.validate()
                except OptionError as exc:
                    errors.append("%s: %s" % (label, exc.msg))
                    continue
                named.add((section.name, identity))
                self.items.append(Item(section, label, params, resource, identity, pruned=True))
        if errors:
            raise OptionError("prune cannot plan: %s" % "; ".join(errors))
        # a child entry whose mount prune removes would be written into a mount that is about to go
        removed = {(MOUNT_SECTIONS[item.section.name], item.identity) for item in self.items
                   if item.pruned and item.section.name in MOUNT_SECTIONS}
        clash = [item.label for item in self.items if item.section.parent and item.state != "absent"
                 and (item.section.parent[0], item.mount) in removed]
        if clash:
            raise OptionError("prune would remove the mounts that these entries live in: %s; declare the mounts "
                              "in the document" % ", ".join(clash))

    # -- results -------------------------------------------------------------------------------------------
    def entries(self):
        return [item.entry() for item in self._ordered(self.items)]

    def counts(self):
        counts = dict.fromkeys(ACTIONS, 0)
        for item in self.items:
            counts[item.action] += 1
        return counts

    def changed(self):
        return any(item.action != UNCHANGED for item in self.items)

    def diffs(self):
        return [item.diff() for group in self._apply_order() for item in group]

    # -- 3. apply ------------------------------------------------------------------------------------------
    @staticmethod
    def _ordered(items):
        return sorted(items, key=lambda item: (item.section.wave, list(SECTIONS).index(item.section.name),
                                               item.identity))

    def _apply_order(self):
        """Groups of items written together: creates/updates by ascending wave, then deletes by descending wave."""
        changing = [item for item in self._ordered(self.items) if item.action != UNCHANGED]
        groups = []
        for wave in sorted({item.section.wave for item in changing}):
            group = [item for item in changing if item.section.wave == wave and item.action != DELETE]
            if group:
                groups.append(group)
        for wave in sorted({item.section.wave for item in changing}, reverse=True):
            group = [item for item in changing if item.section.wave == wave and item.action == DELETE]
            if group:
                groups.append(group)
        return groups

    def apply(self, client):
        groups = self._apply_order()
        applied = []
        for index, group in enumerate(groups):
            stop = threading.Event()

            def write(item):
                if stop.is_set():
                    return None  # not started
                try:
                    self._write(item, client)
                except Exception:
                    stop.set()
                    raise
                return True
            results = _run_all(self.workers, [lambda i=item: write(i) for item in group])
            failed = [(item, result) for item, result in zip(group, results) if isinstance(result, Exception)]
            applied.extend(item.step() for item, result in zip(group, results) if result is True)
            if failed:
                not_applied = [item.step() for item, result in zip(group, results) if result is not True]
                not_applied += [item.step() for later in groups[index + 1:] for item in later]
                causes = []
                for item, exc in failed:
                    if not isinstance(exc, CitadelError):
                        raise exc
                    causes.append("%s: %s" % (item.step(), exc.msg))
                raise PartialApplyError("vault_config stopped", applied, not_applied, "; ".join(causes))
        return applied

    @staticmethod
    def _write(item, client):
        resource = item.resource.bind(client)
        resource.check_mode = False
        current, target = item.current, item.target
        if item.deferred:
            # planned before its mount existed: plan it again now that the mount is there
            current = resource.read()
            target = resource.target(current, item.state)
            if not resource.differs(current, target):
                return
        resource.apply(current, target)


def _a(kind):
    return "%s %s" % ("an" if str(kind)[:1] in "aeiou" else "a", kind)


def _entry_hint(entry):
    if isinstance(entry, dict):
        for key in ("name", "path", "mount"):
            if isinstance(entry.get(key), str):
                return "%s %s" % (key, entry[key])
    return ""


_LOGIN_PATH = re.compile(r"^auth/(.+?)/login(?:/|$)")


def login_mount(client, params):
    """The auth mount this task logged in through (never pruned): from the options, or for a token from the
    path it was created on (``auth/<mount>/login...``); ``None`` when it cannot be told."""
    method = params.get("auth_method") or "token"
    if method == "none":
        return None
    if method != "token":
        return (params.get("mount_point") or _auth.METHODS[method].DEFAULT_MOUNT).strip("/")
    try:
        body = client.read("auth/token/lookup-self")
    except CitadelError:
        return None
    match = _LOGIN_PATH.match(((body or {}).get("data") or {}).get("path") or "")
    return match.group(1) if match else None
