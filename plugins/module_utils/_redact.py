# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place where secret values are replaced by a marker (diffs, results, messages).

Secret fields are named by dotted paths relative to a resource's state dict: ``"password"`` masks that
key's value; ``"data.*"`` masks every value directly under ``data`` while keeping the key names, so a diff
still shows *which* fields of a KV secret changed without showing any value.
"""

from __future__ import annotations

import copy

SECRET = "**SECRET**"
SECRET_CHANGED = "**SECRET (changed)**"


def _mask_at(obj, parts, other, marker_for):
    if obj is None or not parts:
        return obj
    head, rest = parts[0], parts[1:]
    if not isinstance(obj, dict):
        return obj
    keys = list(obj) if head == "*" else ([head] if head in obj else [])
    for key in keys:
        other_value = other.get(key) if isinstance(other, dict) else None
        if rest:
            obj[key] = _mask_at(obj[key], rest, other_value, marker_for)
        elif obj[key] is not None:
            obj[key] = marker_for(obj[key], other_value, isinstance(other, dict) and key in other)
    return obj


def mask(state, secret_paths):
    """Return a deep copy of ``state`` with every value at ``secret_paths`` replaced by the marker."""
    masked = copy.deepcopy(state)
    for path in secret_paths:
        masked = _mask_at(masked, path.split("."), None, lambda value, other, present: SECRET)
    return masked


def mask_pair(before, after, secret_paths):
    """Mask a before/after pair. A secret that differs shows ``SECRET_CHANGED`` on the after side."""
    masked_before = mask(before, secret_paths)
    masked_after = copy.deepcopy(after)

    def marker(value, old, existed):
        return SECRET if existed and old == value else SECRET_CHANGED

    for path in secret_paths:
        masked_after = _mask_at(masked_after, path.split("."), before, marker) if before is not None \
            else _mask_at(masked_after, path.split("."), None, lambda v, o, p: SECRET)
    return masked_before, masked_after


def scrub_text(text, values):
    """Replace every occurrence of the given secret values in ``text`` (used for error messages)."""
    for value in sorted((str(v) for v in values if v not in (None, "") and len(str(v)) >= 3),
                        key=len, reverse=True):
        text = text.replace(value, SECRET)
    return text
