# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry policy for every Vault request: one urllib3 ``Retry`` mounted on the pooled session.

Retried: connection errors and resets, 412 (eventual consistency on performance standbys), 500, 502 and
503 (which is also what a sealed node or an unreachable active node answers), with exponential backoff
plus jitter, bounded in count and in the longest single sleep. 429 is retried only when the server sends
``Retry-After`` (urllib3 honours the header), which is how Vault's rate-limit quotas ask for it.
Vault's write endpoints are idempotent PUT-style operations, so every method may be retried.
"""

from __future__ import annotations

try:
    from urllib3.util.retry import Retry
except ImportError:  # pragma: no cover - requests always brings urllib3
    Retry = None

RETRY_STATUSES = frozenset((412, 500, 502, 503))
BACKOFF_FACTOR = 0.25
BACKOFF_JITTER = 0.25
BACKOFF_MAX = 8


def retry_policy(retries):
    kwargs = dict(
        total=retries, connect=retries, read=retries, status=retries, other=retries,
        allowed_methods=None, status_forcelist=RETRY_STATUSES,
        backoff_factor=BACKOFF_FACTOR, respect_retry_after_header=True,
        # Hand the last response to the caller so the server's own error text reaches the user.
        raise_on_status=False,
    )
    try:
        return Retry(backoff_jitter=BACKOFF_JITTER, backoff_max=BACKOFF_MAX, **kwargs)
    except TypeError:  # urllib3 < 2 has neither jitter nor backoff_max; keep the bounded count
        return Retry(**kwargs)
