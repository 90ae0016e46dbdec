# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One client per set of options in a process, for every backend.

The key is a SHA-256 over the option values, so the credentials themselves are never kept as keys;
clients (and the tokens inside them) live in memory only and die with the process. A client whose credentials
expire (``lifetime``) is replaced once less than ``RENEW_FRACTION`` of their lifetime remains.
"""

from __future__ import annotations

import hashlib
import time

#: a credential is renewed or replaced once less than this fraction of its lifetime remains
RENEW_FRACTION = 1.0 / 3


def fingerprint(options, names):
    """A digest of ``options`` restricted to ``names`` (order matters; pass a fixed sequence)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(("%s=%r;" % (name, options.get(name))).encode("utf-8"))
    return digest.hexdigest()


class ClientCache:
    """Clients of this process by fingerprint; ``factory(options)`` builds one on a miss. ``lifetime(client)``,
    when given, is how many seconds the client's credentials last (0: no limit)."""

    def __init__(self, names, factory, lifetime=None):
        self.names = tuple(names)
        self.factory = factory
        self.lifetime = lifetime
        self.clients = {}  # fingerprint -> (client, time to replace it or 0)

    def get(self, options):
        key = fingerprint(options, self.names)
        client, replace_at = self.clients.get(key, (None, 0))
        if client is None or (replace_at and time.time() >= replace_at):
            client = self.factory(options)
            seconds = self.lifetime(client) if self.lifetime else 0
            replace_at = time.time() + seconds * (1 - RENEW_FRACTION) if seconds > 0 else 0
            self.clients[key] = (client, replace_at)
        return client
