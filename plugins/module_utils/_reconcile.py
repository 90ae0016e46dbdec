# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired versus current: the single compare / check-mode / diff / changed implementation.

A ``Resource`` knows how to read, normalise and write one server object. ``reconcile`` drives it:

1. ``current = resource.read()``            (``None`` when the object does not exist)
2. ``target = resource.target(current, state)``  what the object will look like afterwards
3. ``changed = resource.differs(current, target)``; in check mode stop here, so check mode predicts
   exactly what a real run does because both use the same ``target``
4. ``resource.apply(current, target)`` writes only the difference (``changes``)

States are plain, normalised dicts (TTLs in seconds, sorted lists), which keeps compare and diff generic.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils import _redact
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, PartialApplyError


def changes(current, desired):
    """Keys of ``desired`` whose value differs from ``current`` (keys the user did not set are not compared)."""
    current = current or {}
    return {key: value for key, value in desired.items() if current.get(key) != value}


def run_steps(name, steps, outcome="changed"):
    """Run ``(label, callable)`` write steps in order. A failure after the first success becomes a
    ``PartialApplyError`` saying which steps were applied and which were not; rerunning the task finishes."""
    done = []
    for index, (label, step) in enumerate(steps):
        try:
            step()
        except CitadelError as exc:
            if not done:
                raise
            raise PartialApplyError("%s was only partly %s" % (name, outcome), done,
                                    [pending for pending, dummy in steps[index:]], exc.msg)
        done.append(label)


class Resource:
    """Base for one kind of server object. Subclasses set ``kind`` and implement the I/O methods."""

    kind = "object"
    #: key under which ``present(after)`` is returned in the module result
    result_key = "object"
    #: dotted paths (see ``_redact``) of values that must never be shown
    secret_paths = ()
    #: set by ``reconcile`` for resources whose result depends on it (e.g. a read-only request after a plan)
    check_mode = False

    def __init__(self, params, client=None):
        self.params = params
        self.client = client

    # -- identity and validation ------------------------------------------------------------------
    @property
    def name(self):
        """Human-readable identity used in messages, e.g. ``policy 'app'``."""
        return self.kind

    def validate(self):
        """Check options before any request; raise ``OptionError``. Called before ``bind``."""

    def bind(self, client):
        self.client = client
        return self

    # -- the four operations subclasses provide --------------------------------------------------
    def read(self):
        raise NotImplementedError

    def desired(self):
        """The normalised state asked for, containing only the keys the user set."""
        raise NotImplementedError

    def create(self, target):
        raise NotImplementedError

    def update(self, current, target, delta):
        raise NotImplementedError

    def delete(self, current):
        raise NotImplementedError

    # -- planning: override for resources that are more than present/absent ---------------------
    def target(self, current, state):
        if state == "absent":
            return None
        desired = self.desired()
        if current is None:
            return desired
        merged = dict(current)
        merged.update(desired)
        return merged

    def differs(self, current, target):
        return current != target

    def apply(self, current, target):
        """Write the difference. Return the state after the write, or ``None`` to use ``target``."""
        if target is None:
            return self.delete(current)
        if current is None:
            return self.create(target)
        return self.update(current, target, changes(current, target))

    # -- presentation ----------------------------------------------------------------------------
    def present(self, state):
        """The object as returned to the user (secrets masked)."""
        return _redact.mask(state, self.secret_paths)

    def run_steps(self, steps):
        """``run_steps`` for a write made of several requests (see the module function)."""
        run_steps(self.name, steps)

    def extra_result(self, current, target, changed):
        """Additional result keys (e.g. a KV version); default none."""
        return {}


class Outcome:
    def __init__(self, resource, current, target, changed, after):
        self.resource = resource
        self.current = current
        self.target = target
        self.changed = changed
        self.after = after

    def result(self, want_diff):
        resource = self.resource
        result = dict(changed=self.changed)
        result[resource.result_key] = resource.present(self.after)
        result.update(resource.extra_result(self.current, self.after, self.changed))
        if want_diff:
            before, after = _redact.mask_pair(self.current, self.target, resource.secret_paths)
            result["diff"] = dict(before=before or {}, after=after or {},
                                  before_header=resource.name, after_header=resource.name)
        return result


def reconcile(resource, state, check_mode):
    resource.check_mode = check_mode
    current = resource.read()
    target = resource.target(current, state)
    changed = resource.differs(current, target)
    after = current
    if changed:
        after = target
        if not check_mode:
            written = resource.apply(current, target)
            if written is not None:
                after = written
    return Outcome(resource, current, target, changed, after)
