# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Vault lookups' session: one login per credential set for the whole ``ansible-playbook`` run, shared by
every task and every forked worker through ``_token_cache``, renewed, revoked when the run ends; and one client
(with its kept-alive connections) per credential set in each worker.

Modules do not use it, on purpose: they log in once per task (``_connect.connect_reused``), so a task after a
credential change (a rotated password, a destroyed secret ID) logs in afresh instead of reusing an earlier login.
"""

from __future__ import annotations

import time

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth, _connect
from ansible_collections.citadel.secrets.plugins.module_utils._vault._client import VaultClient
from ansible_collections.citadel.secrets.plugins.plugin_utils import _token_cache

#: option names shared with the modules
SHARED_OPTIONS = _connect.OPTION_NAMES
#: methods whose token is the user's own: used as given, never cached or revoked
_NO_LOGIN = ("token", "none")

# Clients of this process by credential fingerprint (a worker reuses one for every term, task and loop item).
_CLIENTS = {}
_CACHE = []


def _shared_cache():
    if not _CACHE:
        _CACHE.append(_token_cache.TokenCache())
    return _CACHE[0]


def _entry_from_login(auth, settings):
    ttl = int(auth.get("lease_duration") or 0)
    return {
        "token": auth["client_token"], "accessor": auth.get("accessor", ""), "ttl": ttl,
        "renewable": bool(auth.get("renewable")), "expires_at": time.time() + ttl,
        # what the janitor needs to revoke the token at the end of the run (no credentials)
        "connection": {"url": settings.url, "namespace": settings.namespace, "ca_cert": settings.ca_cert,
                       "client_cert": settings.client_cert, "client_key": settings.client_key,
                       "validate_certs": settings.validate_certs},
    }


def _renew(client, entry):
    body = client.write("auth/token/renew-self", {})
    auth = (body or {}).get("auth") or {}
    ttl = int(auth.get("lease_duration") or 0)
    if ttl <= 0:
        raise CitadelError("token renewal returned no lease")
    return dict(entry, ttl=ttl, renewable=bool(auth.get("renewable")), expires_at=time.time() + ttl)


def session_client(options):
    """The authenticated client for these connection and auth options (the shared option names; other keys are
    ignored): this worker's, while its token is good; else from the run's token cache; else a new login."""
    key = _connect.fingerprint(options)
    return _token_cache.reuse(_CLIENTS, key, lambda: _login(options, key))


def _login(options, key):
    settings = _connect.validate(options)
    if (options.get("auth_method") or "token") in _NO_LOGIN:
        return _connect.connect(options)
    cache = _shared_cache()
    if not cache.usable:
        return _connect.connect(options)
    client = VaultClient(settings)
    with cache.lock(key):
        entry = cache.get(key)
        if entry is not None and _token_cache.expired(entry):
            entry = None
        if entry is not None:
            client.token = entry["token"]
            if entry.get("renewable") and _token_cache.needs_renewal(entry):
                try:
                    entry = _renew(client, entry)
                    cache.put(key, entry)
                except CitadelError:
                    entry = None
        if entry is None:
            entry = _entry_from_login(_auth.login(client, options), settings)
            cache.put(key, entry)
    client.cache_entry = entry
    return client
