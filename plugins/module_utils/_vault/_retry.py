# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry policy for every Vault request, applied by ``_transport``.

Retried: connection errors and resets, timeouts, 412 (eventual consistency on performance standbys), 500,
502 and 503 (which is also what a sealed node or an unreachable active node answers), with exponential
backoff plus jitter, bounded in count and in the longest single sleep. 429 is retried only when the server
sends ``Retry-After``, which is how Vault's rate-limit quotas ask for it; a ``Retry-After`` on any retried
status is honoured (capped). Vault's write endpoints are idempotent PUT-style operations, so every method
may be retried; the few requests that must not be repeated use ``VaultClient.single_attempt()``.
"""

from __future__ import annotations

import random

RETRY_STATUSES = frozenset((412, 500, 502, 503))
BACKOFF_FACTOR = 0.25
BACKOFF_JITTER = 0.25
BACKOFF_MAX = 8
#: the longest ``Retry-After`` honoured; a server asking for more gets its error reported instead
RETRY_AFTER_MAX = 60


def _retry_after(headers):
    value = (headers or {}).get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:  # an HTTP date: rare from Vault; wait the longest backoff step instead
        return float(BACKOFF_MAX)


def backoff(attempt):
    """Seconds to sleep before retry number ``attempt`` (0-based): exponential, capped, jittered."""
    return min(BACKOFF_MAX, BACKOFF_FACTOR * (2 ** attempt)) + random.uniform(0, BACKOFF_JITTER)


def delay_after_status(status, headers, attempt):
    """Seconds to wait before retrying a response with ``status``, or ``None`` when it is final."""
    asked = _retry_after(headers)
    if status == 429:
        return asked if asked is not None and asked <= RETRY_AFTER_MAX else None
    if status not in RETRY_STATUSES:
        return None
    if asked is not None:
        return asked if asked <= RETRY_AFTER_MAX else None
    return backoff(attempt)
