# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vault sessions in Ansible's workers.

- ``session_client`` (the lookups): one login per credential set for the whole ``ansible-playbook`` run, shared
  by every task and every forked worker through ``_token_cache``, renewed, revoked when the run ends.
- ``task_client`` (modules running in the worker, ``_in_process.py``): one login per credential set and task,
  for all of the task's loop items. A module process logs in once per task too; sharing the run's login instead
  would let a task after a credential change (a rotated password, a destroyed secret ID) keep using the old
  login, where a module would log in afresh.

Both keep one client, with its kept-alive connections, per credential set in the worker."""

from __future__ import annotations

import time

from ansible_collections.citadel.secrets.plugins.module_utils import _client_cache
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth, _connect, _connection
from ansible_collections.citadel.secrets.plugins.module_utils._vault._client import VaultClient
from ansible_collections.citadel.secrets.plugins.plugin_utils import _token_cache

#: option names shared with the modules (one definition: module_utils/_vault/_connection.py and _auth.py)
SHARED_OPTIONS = tuple(_connection.ARGSPEC) + tuple(_auth.ARGSPEC)
#: methods whose token is the user's own: used as given, never cached or revoked
_NO_LOGIN = ("token", "none")

# Clients of this process by credential fingerprint (a worker reuses one for every term, task and loop item).
_CLIENTS = {}
_CACHE = []


def fingerprint(options):
    if (options.get("auth_method") or "token") != "token":
        # a login method does not use the token option (which lookups also read from VAULT_TOKEN and modules do
        # not): leave it out, so that lookups and modules with the same credentials share the login
        options = dict(options, token=None)
    return _client_cache.fingerprint(options, sorted(SHARED_OPTIONS))


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
    key = fingerprint(options)
    client = _CLIENTS.get(key)
    entry = getattr(client, "cache_entry", None)
    if client is not None and (entry is None or not _token_cache.needs_renewal(entry)):
        return client
    client = _login(options, key)
    _CLIENTS[key] = client
    return client


# Module clients of this worker (a worker runs one task for one host), by fingerprint, with their expiry.
_TASK_CLIENTS = {}


def task_client(options):
    """The authenticated client for a module of this task: logged in on first use, again once two thirds of the
    token's TTL have passed (long loops)."""
    key = fingerprint(options)
    client, renew_at = _TASK_CLIENTS.get(key, (None, 0))
    if client is None or (renew_at and time.time() >= renew_at):
        client = _connect.connect(options)
        ttl = int((getattr(client, "auth", None) or {}).get("lease_duration") or 0)
        _TASK_CLIENTS[key] = (client, time.time() + ttl * (1 - _token_cache.RENEW_FRACTION) if ttl > 0 else 0)
    return client


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
