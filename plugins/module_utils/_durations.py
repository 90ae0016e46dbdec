# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Durations as Vault/OpenBao accept them ("90", 90, "15m", "1h30m", "7d"), normalised to whole seconds.

The server stores TTLs as seconds and reports them back either as integers or as Go duration strings
("1h0m0s"); normalising both sides here is what lets a no-op compare equal.
"""

from __future__ import annotations

import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)")


def to_seconds(value, option="duration"):
    """Return ``value`` as int seconds; ``None`` stays ``None``. Raise OptionError on anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise OptionError("%s: expected a duration such as 3600, '1h' or '30m', got %r" % (option, value))
    if isinstance(value, (int, float)):
        if value < 0:
            raise OptionError("%s: a duration cannot be negative (%r)" % (option, value))
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    if not text or not re.fullmatch(r"(?:%s)+" % _PART.pattern, text):
        raise OptionError(
            "%s: %r is not a duration; use seconds (3600) or units s, m, h, d (for example '1h30m')" % (option, value))
    return int(round(sum(float(num) * _UNITS[unit] for num, unit in _PART.findall(text))))
