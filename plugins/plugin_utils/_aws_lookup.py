# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base for AWS lookups: the modules' connection options, and credentials resolved once per run.

Static credentials (explicit keys, ``AWS_ACCESS_KEY_ID``, the shared credentials file) need no call to resolve
and are used as they are. Credentials that botocore obtains by calling a service (an assume-role profile, web
identity, SSO, container or instance roles) are resolved by the first worker process of the run and shared
with the others through ``_token_cache`` (private to the user and the run, deleted when the run ends) until
two thirds of their lifetime have passed, so a run assumes a role once per credential set, not once per task.
"""

from __future__ import annotations

import hashlib
import os
import time

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _aws
from ansible_collections.citadel.secrets.plugins.plugin_utils import _token_cache
from ansible_collections.citadel.secrets.plugins.plugin_utils._lookup_base import CitadelLookupBase

#: credential sources that involve no call to a service: never cached
STATIC_METHODS = frozenset(("explicit", "env", "shared-credentials-file", "config-file", "boto-config"))
#: environment variables that change which credentials boto3 finds (hashed into the cache key, never stored)
_CREDENTIAL_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_CONFIG_FILE",
                   "AWS_SHARED_CREDENTIALS_FILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                   "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")

_SESSIONS = {}
_CACHE = []


def cache_key(options):
    digest = hashlib.sha256(_aws.fingerprint(options).encode("ascii"))
    for name in _CREDENTIAL_ENV:
        digest.update(("%s=%r;" % (name, os.environ.get(name))).encode("utf-8"))
    return "aws-" + digest.hexdigest()


def _shared_cache():
    if not _CACHE:
        _CACHE.append(_token_cache.TokenCache())
    return _CACHE[0]


def _from_entry(options, entry):
    """A session on the shared temporary credentials (and the region they were resolved with)."""
    shared = dict(options, profile=None, access_key=entry["access_key"], secret_key=entry["secret_key"],
                  session_token=entry["session_token"], region=options.get("region") or entry["region"])
    session = _aws.AwsSession(shared)
    session.cache_entry = entry
    return session


def _entry(session):
    """A cache entry for credentials obtained from a service, or ``None`` for static ones."""
    found = session.credentials()
    expiry = getattr(found, "_expiry_time", None)  # RefreshableCredentials keep it here
    if getattr(found, "method", None) in STATIC_METHODS or expiry is None:
        return None
    frozen = found.get_frozen_credentials()
    ttl = max(0, int(expiry.timestamp() - time.time()))
    if not frozen.token or ttl <= _token_cache.MIN_REMAINING:
        return None
    return {"token": frozen.token, "access_key": frozen.access_key, "secret_key": frozen.secret_key,
            "session_token": frozen.token, "region": session.region, "ttl": ttl, "expires_at": time.time() + ttl}


def session_for(options):
    key = cache_key(options)
    return _token_cache.reuse(_SESSIONS, key, lambda: _resolve(options, key))


def _resolve(options, key):
    _aws.settings(options)
    cache = _shared_cache()
    if not cache.usable:
        return _aws.AwsSession(options)
    with cache.lock(key):
        entry = cache.get(key)
        if entry is not None and not _token_cache.needs_renewal(entry) and not _token_cache.expired(entry):
            return _from_entry(options, entry)
        session = _aws.AwsSession(options)
        entry = _entry(session)
        if entry is not None:
            cache.put(key, entry)
            session.cache_entry = entry
        return session


class AwsLookupBase(CitadelLookupBase):
    """Subclasses implement ``lookup_term(session, term)`` with an ``_aws.AwsSession``."""

    def prepare(self):
        return session_for(self.options(_aws.OPTIONS))
