# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Google Cloud Secret Manager client factory: options, credentials, retry, and error translation for
every GCP module and lookup.

``ARGSPEC`` is merged into every GCP module's argument spec (environment fallbacks as ``gcloud`` and the
Google client libraries use them); lookups declare the same options through the ``gcp`` doc fragment
(``.PLUGINS`` adds ``citadel_gcp_*`` variables) and pass the resolved values to ``connect``. The client uses the
REST transport (one HTTPS connection pool, works through proxies and against emulators); every call goes
through ``SecretManager.call``, which retries transient failures with jittered backoff and turns the Google
libraries' exceptions into ``CitadelError`` subclasses naming the operation, the resource, the HTTP status and
Google's own message.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import time
from datetime import datetime, timezone

from ansible.module_utils.basic import env_fallback

from ansible_collections.citadel.secrets.plugins.module_utils import _client_cache
from ansible_collections.citadel.secrets.plugins.module_utils import _module, _redact
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    BackendUnavailable, CitadelError, OptionError)

try:
    import google.auth
    import requests
    from google.api_core import exceptions as gexc
    from google.api_core.client_options import ClientOptions
    from google.auth import exceptions as auth_exc
    from google.auth import impersonated_credentials
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import secretmanager
    from google.oauth2 import credentials as oauth2_credentials
    from google.oauth2 import service_account
    HAS_GCP = True
except ImportError:  # reported by settings(), so a module without the libraries fails with a clear message
    HAS_GCP = False

AUTH_KINDS = ("application", "serviceaccount", "accesstoken", "anonymous")
DEFAULT_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]

ARGSPEC = dict(
    project=dict(type="str", fallback=(env_fallback, ["GOOGLE_CLOUD_PROJECT", "GCP_PROJECT", "CLOUDSDK_CORE_PROJECT"])),
    auth_kind=dict(type="str", default="application", choices=list(AUTH_KINDS),
                   fallback=(env_fallback, ["GCP_AUTH_KIND"])),
    service_account_file=dict(type="path", fallback=(env_fallback, ["GCP_SERVICE_ACCOUNT_FILE"])),
    service_account_info=dict(type="raw", no_log=True, aliases=["service_account_contents"]),
    access_token=dict(type="str", no_log=True,
                      fallback=(env_fallback, ["GCP_ACCESS_TOKEN", "CLOUDSDK_AUTH_ACCESS_TOKEN"])),
    impersonate_service_account=dict(type="str",
                                     fallback=(env_fallback, ["CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT"])),
    scopes=dict(type="list", elements="str"),
    api_endpoint=dict(type="str", fallback=(env_fallback, ["CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER"])),
    timeout=dict(type="int", default=30),
    retries=dict(type="int", default=3),
)

OPTIONS = tuple(ARGSPEC)
SECRET_OPTIONS = ("access_token",)
MAX_RETRIES = 10
SECRET_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
PROJECT_ID = re.compile(r"^[a-z0-9][a-z0-9.:-]{0,62}[a-z0-9]$|^\d+$")
FULL_NAME = re.compile(r"^projects/(?P<project>[^/]+)/secrets/(?P<secret>[^/]+)(?:/versions/(?P<version>[^/]+))?$")
SA_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$|^[^@\s]+@[^@\s]+$")
_LEADING_REQUEST = re.compile(r"^(GET|POST|PATCH|PUT|DELETE) \S+: ")


# -- options -----------------------------------------------------------------------------------------
def settings(options):
    """Validate connection and credential options offline; return the dict ``connect`` uses."""
    if not HAS_GCP:
        raise CitadelError("the GCP modules and lookups need the google-auth and google-cloud-secret-manager Python "
                           "packages on the host that runs them (pip install google-cloud-secret-manager)")
    s = {name: options.get(name) for name in OPTIONS}
    for name, default in (("auth_kind", "application"), ("timeout", 30), ("retries", 3)):
        if s[name] is None:
            s[name] = default
    if s["auth_kind"] not in AUTH_KINDS:
        raise OptionError("auth_kind must be one of %s, got %r" % (", ".join(AUTH_KINDS), s["auth_kind"]))
    if isinstance(s["timeout"], bool) or int(s["timeout"]) <= 0:
        raise OptionError("timeout must be a positive number of seconds, got %r" % s["timeout"])
    if isinstance(s["retries"], bool) or not 0 <= int(s["retries"]) <= MAX_RETRIES:
        raise OptionError("retries must be between 0 and %d, got %r" % (MAX_RETRIES, s["retries"]))
    s["timeout"], s["retries"] = int(s["timeout"]), int(s["retries"])
    if s["project"] is not None and not PROJECT_ID.match(s["project"]):
        raise OptionError("project %r is not a Google Cloud project ID or number" % s["project"])
    kind = s["auth_kind"]
    if kind == "application" and (s["service_account_file"] or s["service_account_info"] is not None):
        kind = s["auth_kind"] = "serviceaccount"  # a key given with the default kind: use it
    if kind == "serviceaccount":
        if bool(s["service_account_file"]) == (s["service_account_info"] is not None):
            raise OptionError("auth_kind=serviceaccount needs exactly one of service_account_file and "
                              "service_account_info")
        if s["service_account_file"] and not os.path.isfile(s["service_account_file"]):
            raise OptionError("service_account_file: file %s does not exist" % s["service_account_file"])
        if s["service_account_info"] is not None:
            s["service_account_info"] = _sa_info(s["service_account_info"])
    elif s["service_account_info"] is not None:
        raise OptionError("service_account_info needs auth_kind=serviceaccount")
    if kind == "accesstoken" and not s["access_token"]:
        raise OptionError("auth_kind=accesstoken needs access_token (or GCP_ACCESS_TOKEN / CLOUDSDK_AUTH_ACCESS_TOKEN)")
    chain = [a.strip() for a in (s["impersonate_service_account"] or "").split(",") if a.strip()]
    for account in chain:
        if not SA_EMAIL.match(account):
            raise OptionError("impersonate_service_account: %r is not a service account email" % account)
    if chain and kind == "anonymous":
        raise OptionError("impersonate_service_account cannot be used with auth_kind=anonymous")
    s["impersonation_chain"] = chain
    s["scopes"] = list(s["scopes"] or DEFAULT_SCOPES)
    endpoint = (s["api_endpoint"] or "").strip()
    if endpoint:
        endpoint = re.sub(r"/(v1/?)?$", "", endpoint.rstrip("/") + "/")
        if "/" in re.sub(r"^https?://", "", endpoint):
            raise OptionError("api_endpoint must be a host (optionally with scheme and port), for example "
                              "secretmanager.us-east1.rep.googleapis.com, got %r" % s["api_endpoint"])
    s["api_endpoint"] = endpoint or None
    return s


def _sa_info(value):
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise OptionError("service_account_info must be the JSON key of a service account (a dict or JSON text)")
    if not isinstance(value, dict) or value.get("type") != "service_account" or not value.get("private_key"):
        raise OptionError("service_account_info must be the JSON key of a service account (with type "
                          "'service_account' and a private_key)")
    return value


def validate(options):
    settings(options)


def fingerprint(options):
    """A digest of the options: the cache key for clients, never the credentials themselves."""
    return _client_cache.fingerprint(options, OPTIONS)


def credentials(s):
    """``(credentials, project from the credentials or None)`` for the resolved options."""
    kind = s["auth_kind"]
    project = None
    try:
        if kind == "anonymous":
            return AnonymousCredentials(), None
        if kind == "accesstoken":
            creds = oauth2_credentials.Credentials(token=s["access_token"])
        elif kind == "serviceaccount":
            if s["service_account_file"]:
                creds = service_account.Credentials.from_service_account_file(s["service_account_file"],
                                                                              scopes=s["scopes"])
            else:
                creds = service_account.Credentials.from_service_account_info(s["service_account_info"],
                                                                              scopes=s["scopes"])
            project = getattr(creds, "project_id", None)
        else:
            creds, project = google.auth.default(scopes=s["scopes"])
    except (auth_exc.GoogleAuthError, ValueError, OSError) as exc:
        hint = {"application": "Application Default Credentials were not found: run "
                               "`gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS, run on "
                               "Google Cloud with a service account, or choose another auth_kind",
                "serviceaccount": "the service account key could not be loaded"}.get(kind, "")
        raise OptionError("Google credentials (auth_kind=%s): %s%s" % (
            kind, _first_line(str(exc)), " (%s)" % hint if hint else ""))
    chain = s["impersonation_chain"]
    if chain:
        creds = impersonated_credentials.Credentials(source_credentials=creds, target_principal=chain[-1],
                                                     delegates=chain[:-1] or None, target_scopes=s["scopes"],
                                                     lifetime=3600)
    return creds, project


# -- the client ----------------------------------------------------------------------------------------
class SecretManager:
    """One SecretManagerServiceClient (REST); every call retried and translated into ``CitadelError``."""

    def __init__(self, options):
        self.settings = s = settings(options)
        creds, project = credentials(s)
        self.project = s["project"] or project
        self.endpoint = s["api_endpoint"] or "https://secretmanager.googleapis.com"
        client_options = ClientOptions(api_endpoint=s["api_endpoint"]) if s["api_endpoint"] else None
        self.client = secretmanager.SecretManagerServiceClient(credentials=creds, transport="rest",
                                                               client_options=client_options)
        self._scrub = [s[name] for name in SECRET_OPTIONS if s.get(name)]

    def call(self, operation, resource, method, request, secrets=(), missing_ok=False):
        """``client.<method>(request=...)``; ``None`` for a missing resource when ``missing_ok``."""
        s = self.settings
        scrub = self._scrub + [v for v in secrets if v]
        retryable = (gexc.ServiceUnavailable, gexc.InternalServerError, gexc.TooManyRequests, gexc.GatewayTimeout,
                     gexc.BadGateway, requests.exceptions.ConnectionError, requests.exceptions.Timeout)
        attempt = 0
        while True:
            try:
                return getattr(self.client, method)(request=request, retry=None, timeout=s["timeout"])
            except retryable as exc:
                if attempt >= s["retries"]:
                    raise self.translate(exc, operation, resource, scrub)
                attempt += 1
                time.sleep(min(8.0, 0.5 * 2 ** attempt) * (0.5 + random.random() / 2))
            except gexc.NotFound as exc:
                if missing_ok:
                    return None
                raise self.translate(exc, operation, resource, scrub)
            except (gexc.GoogleAPICallError, auth_exc.GoogleAuthError, requests.exceptions.RequestException) as exc:
                raise self.translate(exc, operation, resource, scrub)

    def translate(self, exc, operation, resource, scrub=()):
        where = "Secret Manager %s of %s" % (operation, resource) if resource else "Secret Manager %s" % operation
        text = _redact.scrub_text(_first_line(getattr(exc, "message", None) or str(exc)), list(scrub))
        text = _LEADING_REQUEST.sub("", text)
        if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
            return BackendUnavailable("%s: cannot reach Secret Manager at %s: %s" % (where, self.endpoint, text))
        if isinstance(exc, auth_exc.GoogleAuthError):
            return CitadelError("%s: Google authentication failed (auth_kind=%s): %s"
                                % (where, self.settings["auth_kind"], text), status=401)
        if isinstance(exc, requests.exceptions.RequestException):
            return CitadelError("%s failed: %s: %s" % (where, type(exc).__name__, text))
        status = getattr(exc, "code", None) or 400
        status = int(status) if isinstance(status, int) else 400
        reason = _status_name(exc)
        msg = "%s failed: HTTP %s%s: %s" % (where, status, " %s" % reason if reason else "", text)
        if status == 403:
            msg += " (the identity in use lacks a Secret Manager permission for this action)"
        elif status == 401:
            msg += " (the credentials were rejected: check auth_kind and its options)"
        return CitadelError(msg, status=status, path=resource, reason=reason)

    # -- names ---------------------------------------------------------------------------------------------
    def secret_path(self, name):
        """``(full secret name, project, secret id)`` from an ID (needs a project) or a full resource name."""
        return secret_path(name, self.project)

    def close(self):
        try:
            self.client.transport.close()
        except Exception:  # pylint: disable=broad-exception-caught
            pass


def secret_path(name, project):
    match = FULL_NAME.match(name or "")
    if match:
        if match.group("version"):
            raise OptionError("name %r names a version; give the secret (projects/P/secrets/S) or its ID" % name)
        project, secret_id = match.group("project"), match.group("secret")
    else:
        secret_id = name
        if not project:
            raise OptionError("no project: set the project option, GOOGLE_CLOUD_PROJECT, or a project in the "
                              "credentials, or give name as projects/PROJECT/secrets/ID")
    if not secret_id or not SECRET_ID.match(secret_id):
        raise OptionError("%r is not a valid secret ID: 1 to 255 letters, digits, dashes and underscores" % secret_id)
    return "projects/%s/secrets/%s" % (project, secret_id), project, secret_id


def _status_name(exc):
    """The canonical status (``FAILED_PRECONDITION``, ...) from the JSON error body, else from the HTTP code."""
    response = getattr(exc, "response", None)
    try:
        status = (response.json().get("error") or {}).get("status")
    except Exception:  # pylint: disable=broad-exception-caught
        status = None
    return status or getattr(getattr(exc, "grpc_status_code", None), "name", None)


def _first_line(text):
    text = (text or "").strip()
    return " ".join(text.splitlines()[0].split()) if text else ""


def connect(options):
    return SecretManager(options)


# Clients of this process, by option fingerprint: lookups resolve credentials once and reuse one client for
# every term and task the process runs (tokens live in memory only).
_CLIENTS = _client_cache.ClientCache(OPTIONS, SecretManager)


def cached_client(options):
    return _CLIENTS.get(options)


# -- shared helpers ------------------------------------------------------------------------------------
def parse_time(value, option):
    """An RFC 3339 time (UTC when no offset is given) as an aware datetime to the second; ``""`` gives ``None``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        if text == "":
            return None
        text = re.sub(r"[zZ]$", "+00:00", text)
        text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # nanoseconds: Python keeps microseconds
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise OptionError("%s: %r is not an RFC 3339 time, for example 2030-01-31T00:00:00Z" % (option, value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).replace(microsecond=0)


def format_time(value):
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


_CRC_TABLE = []
for _n in range(256):
    _c = _n
    for _k in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def crc32c(data):
    """CRC32C (Castagnoli) of ``data``, which Secret Manager verifies when a payload carries it."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


# -- the backend for the shared module runner ---------------------------------------------------------
BACKEND = _module.Backend(copy.deepcopy(ARGSPEC), validate, connect)


def run_resource_module(resource_class, argument_spec, **module_kwargs):
    _module.run_resource_module(BACKEND, resource_class, argument_spec, **module_kwargs)
