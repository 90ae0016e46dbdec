# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One call from resolved options to an authenticated client, used by the module base and the lookup base."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils import _client_cache
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth, _connection
from ansible_collections.citadel.secrets.plugins.module_utils._vault._client import VaultClient
from ansible_collections.citadel.secrets.plugins.module_utils._vault._connection import ConnectionSettings


def validate(options):
    """Everything about connection and auth that can be checked without the network."""
    settings = ConnectionSettings.from_options(options)
    _auth.validate(options)
    return settings


def connect(options):
    settings = validate(options)
    client = VaultClient(settings)
    client.auth = _auth.login(client, options)
    return client


#: the connection and auth option names (one definition each: _connection.ARGSPEC and _auth.ARGSPEC)
OPTION_NAMES = tuple(sorted(tuple(_connection.ARGSPEC) + tuple(_auth.ARGSPEC)))


def login_options(options):
    """``options`` as far as a login depends on them: a login method does not use the ``token`` option (which
    lookups also read from VAULT_TOKEN and modules do not), so it does not tell two logins apart."""
    if (options.get("auth_method") or "token") != "token":
        return dict(options, token=None)
    return options


def fingerprint(options):
    return _client_cache.fingerprint(login_options(options), OPTION_NAMES)


def _lifetime(client):
    return int((getattr(client, "auth", None) or {}).get("lease_duration") or 0)


_CLIENTS = _client_cache.ClientCache(OPTION_NAMES, connect, lifetime=_lifetime)


def connect_reused(options):
    """``connect`` once per set of connection and auth options in this process, again once two thirds of the
    token's TTL have passed. A module process runs one task; a worker running modules in-process runs one task
    for one host: either way one login per task, for all of its loop items."""
    return _CLIENTS.get(login_options(options))
