# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One client per set of options in a process, for every backend.

The key is a SHA-256 over the option values, so the credentials themselves are never kept as keys;
clients (and the tokens inside them) live in memory only and die with the process.
"""

from __future__ import annotations

import hashlib


def fingerprint(options, names):
    """A digest of ``options`` restricted to ``names`` (order matters; pass a fixed sequence)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(("%s=%r;" % (name, options.get(name))).encode("utf-8"))
    return digest.hexdigest()


class ClientCache:
    """Clients of this process by fingerprint; ``factory(options)`` builds one on a miss."""

    def __init__(self, names, factory):
        self.names = tuple(names)
        self.factory = factory
        self.clients = {}

    def get(self, options):
        key = fingerprint(options, self.names)
        client = self.clients.get(key)
        if client is None:
            client = self.clients[key] = self.factory(options)
        return client
