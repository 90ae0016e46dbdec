# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base for Vault lookups: the modules' connection and auth options, and one authenticated client per
credential set, reused for every term and every task of the process."""

from __future__ import annotations

import hashlib

from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth, _connect, _connection
from ansible_collections.citadel.secrets.plugins.plugin_utils._lookup_base import CitadelLookupBase

#: option names shared with the modules (one definition: module_utils/_vault/_connection.py and _auth.py)
SHARED_OPTIONS = tuple(_connection.ARGSPEC) + tuple(_auth.ARGSPEC)

# Authenticated clients of this process, by connection + credential fingerprint. The credentials
# themselves are never kept here, only a digest; tokens live in memory only and die with the process.
_CLIENTS = {}


def fingerprint(options):
    digest = hashlib.sha256()
    for name in sorted(SHARED_OPTIONS):
        digest.update(("%s=%r;" % (name, options.get(name))).encode("utf-8"))
    return digest.hexdigest()


class VaultLookupBase(CitadelLookupBase):
    """Subclasses implement ``lookup_term(client, term)``."""

    def prepare(self):
        options = self.options(SHARED_OPTIONS)
        key = fingerprint(options)
        client = _CLIENTS.get(key)
        if client is None:
            client = _connect.connect(options)
            _CLIENTS[key] = client
        return client
