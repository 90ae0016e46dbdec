# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Azure Key Vault client factory: options, credentials, retry, and error translation for every
Azure module and lookup.

``ARGSPEC`` is merged into every Azure module's argument spec (``AZURE_*`` environment fallbacks as the Azure
SDKs use them); lookups declare the same options through the ``azure`` doc fragment (``.PLUGINS`` adds
``citadel_azure_*`` variables) and pass the resolved values to ``connect``. Every Key Vault call goes through
``KeyVault.call``, which turns azure-core's exceptions into ``CitadelError`` subclasses naming the operation,
the secret, the HTTP status and Key Vault's own error code and message.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import time
from datetime import datetime, timezone

from ansible.module_utils.basic import env_fallback

from ansible_collections.citadel.secrets.plugins.module_utils import _client_cache
from ansible_collections.citadel.secrets.plugins.module_utils import _module, _redact
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    BackendUnavailable, CitadelError, OptionError)

try:
    from azure.core.credentials import AccessToken
    from azure.core.exceptions import (
        ClientAuthenticationError, HttpResponseError, ServiceRequestError, ServiceResponseError)
    from azure.identity import (
        CertificateCredential, ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential,
        WorkloadIdentityCredential)
    from azure.keyvault.secrets import SecretClient
    HAS_AZURE = True
except ImportError:  # reported by settings(), so a module without the SDK fails with a clear message
    HAS_AZURE = False

AUTH_SOURCES = ("auto", "client_secret", "certificate", "managed_identity", "workload_identity", "access_token")

ARGSPEC = dict(
    vault_url=dict(type="str", fallback=(env_fallback, ["AZURE_KEYVAULT_URL"])),
    auth_source=dict(type="str", default="auto", choices=list(AUTH_SOURCES)),
    tenant_id=dict(type="str", fallback=(env_fallback, ["AZURE_TENANT_ID"])),
    client_id=dict(type="str", fallback=(env_fallback, ["AZURE_CLIENT_ID"])),
    client_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["AZURE_CLIENT_SECRET"])),
    certificate_path=dict(type="path", fallback=(env_fallback, ["AZURE_CLIENT_CERTIFICATE_PATH"])),
    certificate_password=dict(type="str", no_log=True,
                              fallback=(env_fallback, ["AZURE_CLIENT_CERTIFICATE_PASSWORD"])),
    federated_token_file=dict(type="path", no_log=False, fallback=(env_fallback, ["AZURE_FEDERATED_TOKEN_FILE"])),
    access_token=dict(type="str", no_log=True),
    authority_host=dict(type="str", fallback=(env_fallback, ["AZURE_AUTHORITY_HOST"])),
    disable_instance_discovery=dict(type="bool", default=False),
    ca_cert=dict(type="path"),
    validate_certs=dict(type="bool", default=True),
    verify_challenge_resource=dict(type="bool", default=True),
    timeout=dict(type="int", default=30),
    retries=dict(type="int", default=3),
)

OPTIONS = tuple(ARGSPEC)
SECRET_OPTIONS = ("client_secret", "certificate_password", "access_token")
MAX_RETRIES = 10
NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
SCOPE = "https://vault.azure.net/.default"


# -- options -----------------------------------------------------------------------------------------
def settings(options, need_vault=True):
    """Validate connection and credential options offline; return the dict ``connect`` uses."""
    if not HAS_AZURE:
        raise CitadelError("the Azure Key Vault modules and lookups need the azure-identity and "
                           "azure-keyvault-secrets Python packages on the host that runs them "
                           "(pip install azure-identity azure-keyvault-secrets)")
    s = {name: options.get(name) for name in OPTIONS}
    for name, default in (("auth_source", "auto"), ("validate_certs", True), ("verify_challenge_resource", True),
                          ("disable_instance_discovery", False), ("timeout", 30), ("retries", 3)):
        if s[name] is None:
            s[name] = default
    url = s["vault_url"]
    if not url:
        if need_vault:
            raise OptionError("vault_url is required: set the vault_url option or the AZURE_KEYVAULT_URL "
                              "environment variable (for example https://myvault.vault.azure.net)")
    else:
        url = url.rstrip("/")
        if not url.startswith("https://"):
            raise OptionError("vault_url must be an https:// URL (Key Vault and its SDK refuse plain HTTP), got %r"
                              % url)
        s["vault_url"] = url
    if s["auth_source"] not in AUTH_SOURCES:
        raise OptionError("auth_source must be one of %s, got %r" % (", ".join(AUTH_SOURCES), s["auth_source"]))
    if isinstance(s["timeout"], bool) or int(s["timeout"]) <= 0:
        raise OptionError("timeout must be a positive number of seconds, got %r" % s["timeout"])
    if isinstance(s["retries"], bool) or not 0 <= int(s["retries"]) <= MAX_RETRIES:
        raise OptionError("retries must be between 0 and %d, got %r" % (MAX_RETRIES, s["retries"]))
    s["timeout"], s["retries"] = int(s["timeout"]), int(s["retries"])
    for name in ("ca_cert", "certificate_path", "federated_token_file"):
        if s[name] and not os.path.isfile(s[name]):
            raise OptionError("%s: file %s does not exist" % (name, s[name]))
    authority = s["authority_host"]
    if authority and not authority.startswith(("https://", "http://")):
        s["authority_host"] = "https://" + authority
    s["auth_source"] = source = _resolve_source(s)
    need = {"client_secret": ("tenant_id", "client_id", "client_secret"),
            "certificate": ("tenant_id", "client_id", "certificate_path"),
            "workload_identity": ("tenant_id", "client_id", "federated_token_file"),
            "access_token": ("access_token",)}.get(source, ())
    missing = [name for name in need if not s[name]]
    if missing:
        raise OptionError("auth_source=%s needs %s (options, or the matching AZURE_* environment variables)"
                          % (source, ", ".join(missing)))
    if source == "access_token" and s["access_token"].lower().startswith("bearer "):
        s["access_token"] = s["access_token"][7:].strip()
    return s


def _resolve_source(s):
    """``auto``: explicit credentials win (client secret, then certificate, then a token); else the SDK's chain."""
    source = s["auth_source"]
    if source != "auto":
        return source
    if s["client_secret"]:
        return "client_secret"
    if s["certificate_path"]:
        return "certificate"
    if s["access_token"]:
        return "access_token"
    return "auto"


def validate(options):
    settings(options)


def fingerprint(options):
    """A digest of the options: the cache key for clients, never the credentials themselves."""
    return _client_cache.fingerprint(options, OPTIONS)


# -- credentials -------------------------------------------------------------------------------------
class StaticTokenCredential:
    """A pre-acquired bearer token (``az account get-access-token --resource https://vault.azure.net``)."""

    def __init__(self, token):
        self._token = token
        self._expires_on = _jwt_expiry(token) or int(time.time()) + 3600

    def get_token(self, *scopes, **kwargs):  # pylint: disable=unused-argument
        return AccessToken(self._token, self._expires_on)

    def close(self):
        pass


def _jwt_expiry(token):
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        return int(claims["exp"])
    except (ValueError, KeyError, TypeError):
        return None


def transport_kwargs(s):
    """azure-core pipeline settings shared by the credential and the Key Vault client."""
    verify = (s["ca_cert"] or True) if s["validate_certs"] else False
    return dict(connection_verify=verify, connection_timeout=s["timeout"], read_timeout=s["timeout"],
                retry_total=s["retries"], retry_backoff_factor=0.5, retry_backoff_max=10)


def credential(s):
    """The azure-identity credential for the resolved ``auth_source``."""
    source = s["auth_source"]
    common = transport_kwargs(s)
    entra = dict(common)
    if s["authority_host"]:
        entra["authority"] = s["authority_host"]
    if s["disable_instance_discovery"]:
        entra["disable_instance_discovery"] = True
    if source == "access_token":
        return StaticTokenCredential(s["access_token"])
    if source == "client_secret":
        return ClientSecretCredential(s["tenant_id"], s["client_id"], s["client_secret"], **entra)
    if source == "certificate":
        password = s["certificate_password"].encode("utf-8") if s["certificate_password"] else None
        return CertificateCredential(s["tenant_id"], s["client_id"], certificate_path=s["certificate_path"],
                                     password=password, **entra)
    if source == "workload_identity":
        return WorkloadIdentityCredential(tenant_id=s["tenant_id"], client_id=s["client_id"],
                                          token_file_path=s["federated_token_file"], **entra)
    if source == "managed_identity":
        return ManagedIdentityCredential(client_id=s["client_id"] or None, **common)
    # auto: the SDK's own chain (environment, workload identity, managed identity, Azure CLI, ...)
    kwargs = dict(entra)
    if s["client_id"]:
        kwargs.update(managed_identity_client_id=s["client_id"], workload_identity_client_id=s["client_id"])
    if s["tenant_id"]:
        kwargs["workload_identity_tenant_id"] = s["tenant_id"]
    return DefaultAzureCredential(exclude_interactive_browser_credential=True, **kwargs)


# -- the client ----------------------------------------------------------------------------------------
class KeyVault:
    """One SecretClient and its credential; every call translated into ``CitadelError``."""

    def __init__(self, options):
        self.settings = s = settings(options)
        self.url = s["vault_url"]
        self._scrub = [s[name] for name in SECRET_OPTIONS if s.get(name)]
        try:
            self.credential = credential(s)
            self.client = SecretClient(self.url, self.credential,
                                       verify_challenge_resource=s["verify_challenge_resource"], **transport_kwargs(s))
        except ValueError as exc:  # the SDK's own checks (tenant ID format, an empty secret in AZURE_*, ...)
            raise OptionError("Azure credential (auth_source=%s): %s" % (
                s["auth_source"], _redact.scrub_text(str(exc), self._scrub)))

    def call(self, operation, name, method, *args, **kwargs):
        """``client.<method>(*args, **kwargs)``; ``secrets`` (a keyword) are scrubbed from any error text."""
        scrub = self._scrub + [v for v in kwargs.pop("secrets", ()) if v]
        try:
            return getattr(self.client, method)(*args, **kwargs)
        except HttpResponseError as exc:
            raise self.translate(exc, operation, name, scrub)
        except (ServiceRequestError, ServiceResponseError) as exc:
            raise BackendUnavailable("%s: cannot reach Key Vault at %s: %s%s" % (
                _where(operation, name), self.url, _first_line(_redact.scrub_text(str(exc), scrub)),
                " (set ca_cert to the CA that signed the vault's certificate)" if "CERTIFICATE" in str(exc) else ""))

    def translate(self, exc, operation, name, scrub=()):
        where = _where(operation, name)
        text = _redact.scrub_text(_error_text(exc), list(scrub) + self._scrub)
        if isinstance(exc, ClientAuthenticationError) and getattr(exc, "status_code", None) in (None, 400, 401):
            hint = {"auto": "no credential of the default chain worked; set auth_source and its options, or the "
                            "AZURE_* environment variables",
                    "access_token": "the access token was rejected or has expired"}.get(
                self.settings["auth_source"], "check tenant_id, client_id and the credential")
            return CitadelError("%s: Azure authentication failed: %s (%s)" % (where, text, hint), status=401)
        status = getattr(exc, "status_code", None) or 400
        error = getattr(exc, "error", None)
        code = getattr(error, "code", None)
        inner = _inner_code(exc)
        msg = "%s failed: HTTP %s%s: %s" % (where, status, " %s" % code if code else "", text)
        if status == 403 and inner not in ("SecretDisabled",):
            msg += " (the identity in use lacks a Key Vault permission or role for this action)"
        return CitadelError(msg, status=status, path=name, code=code, inner=inner)

    # -- operations used by the resource and the lookup ----------------------------------------------
    def get(self, name, version=None):
        """The secret (``KeyVaultSecret``) or ``None`` when absent; a disabled version raises ``CitadelError``
        with ``inner='SecretDisabled'``."""
        try:
            return self.call("get", name, "get_secret", name, version or None)
        except CitadelError as exc:
            if exc.details.get("status") == 404:
                return None
            raise

    def latest_properties(self, name):
        """Properties of the newest version (readable even when it is disabled), ``None`` when absent."""
        try:
            versions = list(self.call("list versions", name, "list_properties_of_secret_versions", name))
        except CitadelError as exc:
            if exc.details.get("status") == 404:
                return None
            raise
        if not versions:
            return None
        return max(versions, key=lambda p: (p.created_on or datetime.min.replace(tzinfo=timezone.utc),
                                            p.updated_on or datetime.min.replace(tzinfo=timezone.utc)))

    def get_deleted(self, name):
        """The soft-deleted secret or ``None`` (also ``None`` when the identity may not see deleted secrets)."""
        try:
            return self.call("get deleted", name, "get_deleted_secret", name)
        except CitadelError as exc:
            if exc.details.get("status") in (403, 404):
                return None
            raise

    def set(self, name, value, **properties):
        """A new version. Right after a purge Key Vault may still refuse the name (409) for a few seconds."""
        deadline = time.monotonic() + 60
        delay = 1.0
        while True:
            try:
                return self.call("set", name, "set_secret", name, value, secrets=[value], **properties)
            except CitadelError as exc:
                if exc.details.get("status") != 409 or exc.details.get("inner") == "ObjectIsDeletedButRecoverable" \
                        or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 8)

    def update(self, name, version, **properties):
        return self.call("update", name, "update_secret_properties", name, version, **properties)

    def delete(self, name):
        """Delete every version and wait until Key Vault reports the deletion complete."""
        poller = self.call("delete", name, "begin_delete_secret", name, _polling_interval=1)
        self._wait(poller, "delete", name)
        return poller.result()

    def purge(self, name):
        self.call("purge", name, "purge_deleted_secret", name)

    def recover(self, name):
        poller = self.call("recover", name, "begin_recover_deleted_secret", name, _polling_interval=1)
        self._wait(poller, "recover", name)
        return poller.result()

    def _wait(self, poller, operation, name):
        try:
            poller.wait(timeout=max(60, self.settings["timeout"] * 2))
        except HttpResponseError as exc:
            raise self.translate(exc, operation, name)
        if not poller.polling_method().finished():
            raise CitadelError("%s: Key Vault did not finish within %ss; run the task again"
                               % (_where(operation, name), max(60, self.settings["timeout"] * 2)))

    def close(self):
        for closable in (self.client, self.credential):
            try:
                closable.close()
            except Exception:  # pylint: disable=broad-exception-caught
                pass


def _where(operation, name):
    return "Key Vault %s of secret %r" % (operation, name) if name else "Key Vault %s" % operation


def _first_line(text):
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def _error_text(exc):
    error = getattr(exc, "error", None)
    if error is not None and getattr(error, "message", None):
        return " ".join(str(error.message).split())
    message = getattr(exc, "message", None) or str(exc)
    # identity errors repeat themselves ("...failed: Authentication failed: AADSTS...")
    return " ".join(_first_line(message).split())


def _inner_code(exc):
    error = getattr(exc, "error", None)
    inner = getattr(error, "innererror", None)
    if isinstance(inner, dict):
        return inner.get("code")
    return getattr(inner, "code", None)


def connect(options):
    return KeyVault(options)


# Clients of this process, by option fingerprint: lookups get a token once per credential set and reuse it
# for every term and task the process runs (tokens live in memory only).
_CLIENTS = _client_cache.ClientCache(OPTIONS, KeyVault)


def cached_client(options):
    return _CLIENTS.get(options)


# -- shared helpers ------------------------------------------------------------------------------------
def check_name(name, option="name"):
    if not name or not NAME.match(name):
        raise OptionError("%s %r is not a valid Key Vault secret name: 1 to 127 letters, digits and dashes"
                          % (option, name))
    return name


def parse_time(value, option):
    """An ISO 8601 / RFC 3339 date or time (UTC when no offset is given) as an aware datetime to the second;
    ``""`` means "none" and gives ``None``."""
    if value is None:
        return None
    text = str(value).strip()
    if text == "":
        return None
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        text += "T00:00:00"
    text = re.sub(r"[zZ]$", "+00:00", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise OptionError("%s: %r is not an ISO 8601 date or time, for example 2030-01-31T00:00:00Z" % (option, value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).replace(microsecond=0)


def format_time(value):
    """A datetime as the compared and returned text (``2030-01-31T00:00:00Z``); ``None`` stays ``None``."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the backend for the shared module runner ---------------------------------------------------------
BACKEND = _module.Backend(copy.deepcopy(ARGSPEC), validate, connect)


def run_resource_module(resource_class, argument_spec, **module_kwargs):
    _module.run_resource_module(BACKEND, resource_class, argument_spec, **module_kwargs)
