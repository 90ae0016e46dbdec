"""STAND-IN, test-only: a loopback HTTPS server that speaks the Azure Key Vault *secrets* REST API and a
minimal Microsoft Entra ID (Azure AD) v2.0 token endpoint. No Key Vault emulator exists on the registries
this project can reach (see DESIGN.md, "Test topology"), so the integration tests run the real
``azure-identity`` and ``azure-keyvault-secrets`` SDKs against this server instead. Nothing that ships uses it.

What it implements, following the REST reference (api-version 7.x and later, the ``api-version`` query
parameter is required but not otherwise interpreted):

* the bearer challenge: every request without a valid token gets ``401`` with
  ``WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>",
  resource="https://vault.azure.net"`` (the SDK's challenge policy sends the first request without a body and
  retries with a token for the tenant and resource it names);
* ``PUT /secrets/{name}`` (new version), ``GET /secrets/{name}[/{version}]`` (403 ``SecretDisabled`` for a
  disabled version), ``PATCH /secrets/{name}/{version}`` (properties of one version), ``GET /secrets``,
  ``GET /secrets/{name}/versions``;
* soft delete: ``DELETE /secrets/{name}`` returns the deleted secret with ``recoveryId``; a deleted name
  cannot be reused (409 ``ObjectIsDeletedButRecoverable``) until ``POST /deletedsecrets/{name}/recover`` or
  ``DELETE /deletedsecrets/{name}`` (purge); ``GET /deletedsecrets[/{name}]``;
* ``GET /{tenant}/v2.0/.well-known/openid-configuration`` and ``POST /{tenant}/oauth2/v2.0/token`` with the
  client-credentials grant (client secret or a client assertion signed by a registered certificate), so real
  credential classes (``ClientSecretCredential``, ``CertificateCredential``, ``EnvironmentCredential`` via
  ``DefaultAzureCredential``) log in with ``authority`` set to this server.

Authorisation is per client: ``admin`` may do everything, ``reader`` may get and list, ``none`` nothing (403
``ForbiddenByRbac``), which is enough to exercise the denied paths.

Run standalone for manual work: ``python azure_keyvault.py [--port N] [--dir D]`` prints its settings.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
RECOVERABLE_DAYS = 90
TOKEN_LIFETIME = 3600
PERMISSIONS = {"admin": {"get", "list", "set", "update", "delete", "recover", "purge"},
               "reader": {"get", "list"}, "none": set()}


class ApiError(Exception):
    def __init__(self, status, code, message, inner=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.inner, self.headers = status, code, message, inner, headers or {}

    def body(self):
        error = {"code": self.code, "message": self.message}
        if self.inner:
            error["innererror"] = {"code": self.inner}
        return {"error": error}


class Store:
    """Secrets of one vault: live secrets with their versions, and soft-deleted ones."""

    def __init__(self, base_url):
        self.base = base_url
        self.live = {}      # name -> {"order": [version ids], "versions": {id: bundle}}
        self.deleted = {}   # name -> {"secret": live entry, "deletedDate": int, "scheduledPurgeDate": int}
        self.lock = threading.Lock()

    # -- helpers ----------------------------------------------------------------------------------
    def _missing(self, name, version=None):
        ident = name if not version else "%s/%s" % (name, version)
        return ApiError(404, "SecretNotFound",
                        "A secret with (name/id) %s was not found in this key vault. If you recently deleted this "
                        "secret you may be able to recover it using the correct recovery command. For help resolving "
                        "this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182" % ident)

    def _entry(self, name):
        entry = self.live.get(name)
        if entry is None:
            raise self._missing(name)
        return entry

    def _version(self, name, version):
        entry = self._entry(name)
        version = version or entry["order"][-1]
        bundle = entry["versions"].get(version)
        if bundle is None:
            raise self._missing(name, version)
        return bundle

    @staticmethod
    def _public(bundle, value=True):
        out = {k: v for k, v in bundle.items() if k != "value" or value}
        out["attributes"] = dict(bundle["attributes"])
        if "tags" in bundle:
            out["tags"] = dict(bundle["tags"])
        return out

    def _item(self, name, bundle, versioned):
        item = self._public(bundle, value=False)
        if not versioned:
            item["id"] = "%s/secrets/%s" % (self.base, name)
        return item

    def _deleted_view(self, name, record):
        latest = record["secret"]["versions"][record["secret"]["order"][-1]]
        view = self._public(latest, value=False)
        view.update(recoveryId="%s/deletedsecrets/%s" % (self.base, name), deletedDate=record["deletedDate"],
                    scheduledPurgeDate=record["scheduledPurgeDate"])
        return view

    @staticmethod
    def _attributes(given, into):
        for key in ("enabled", "nbf", "exp"):
            if key in (given or {}):
                value = given[key]
                if key == "enabled" and value is not None and not isinstance(value, bool):
                    raise ApiError(400, "BadParameter", "Property attributes.enabled must be a boolean.")
                if key != "enabled" and value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise ApiError(400, "BadParameter", "Property attributes.%s must be a Unix time in seconds." % key)
                if value is None:
                    into.pop(key, None)
                else:
                    into[key] = value

    @staticmethod
    def _tags(tags):
        if tags is None:
            return None
        if not isinstance(tags, dict) or len(tags) > 15:
            raise ApiError(400, "BadParameter", "Tags must be an object of at most 15 string values.")
        return {str(k): str(v) for k, v in tags.items()}

    # -- operations ---------------------------------------------------------------------------------
    def set(self, name, body):
        if not NAME.match(name):
            raise ApiError(400, "BadParameter", "The request URI contains an invalid name: %s" % name)
        if name in self.deleted:
            raise ApiError(409, "Conflict", "Secret %s is currently in a deleted but recoverable state, and its name "
                           "cannot be reused; in this state, the secret can only be recovered or purged." % name,
                           inner="ObjectIsDeletedButRecoverable")
        value = body.get("value")
        if not isinstance(value, str):
            raise ApiError(400, "BadParameter", "Property value is required and must be a string.")
        now = int(time.time())
        attributes = {"enabled": True, "created": now, "updated": now,
                      "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": RECOVERABLE_DAYS}
        self._attributes(body.get("attributes"), attributes)
        version = uuid.uuid4().hex
        bundle = {"value": value, "id": "%s/secrets/%s/%s" % (self.base, name, version), "attributes": attributes}
        if body.get("contentType") is not None:
            bundle["contentType"] = str(body["contentType"])
        tags = self._tags(body.get("tags"))
        if tags is not None:
            bundle["tags"] = tags
        entry = self.live.setdefault(name, {"order": [], "versions": {}})
        entry["order"].append(version)
        entry["versions"][version] = bundle
        return 200, self._public(bundle)

    def get(self, name, version):
        bundle = self._version(name, version)
        if not bundle["attributes"].get("enabled", True):
            raise ApiError(403, "Forbidden", "Operation get is not allowed on a disabled secret.",
                           inner="SecretDisabled")
        return 200, self._public(bundle)

    def update(self, name, version, body):
        bundle = self._version(name, version)
        self._attributes(body.get("attributes"), bundle["attributes"])
        if "contentType" in body:
            if body["contentType"] is None:
                bundle.pop("contentType", None)
            else:
                bundle["contentType"] = str(body["contentType"])
        if "tags" in body:
            tags = self._tags(body["tags"])
            if tags:
                bundle["tags"] = tags
            else:
                bundle.pop("tags", None)
        bundle["attributes"]["updated"] = int(time.time())
        return 200, self._public(bundle, value=False)

    def list(self):
        return 200, {"value": [self._item(name, entry["versions"][entry["order"][-1]], False)
                               for name, entry in sorted(self.live.items())], "nextLink": None}

    def versions(self, name):
        entry = self._entry(name)
        return 200, {"value": [self._item(name, entry["versions"][v], True) for v in entry["order"]],
                     "nextLink": None}

    def delete(self, name):
        entry = self._entry(name)
        now = int(time.time())
        record = {"secret": entry, "deletedDate": now, "scheduledPurgeDate": now + RECOVERABLE_DAYS * 86400}
        del self.live[name]
        self.deleted[name] = record
        return 200, self._deleted_view(name, record)

    def get_deleted(self, name):
        record = self.deleted.get(name)
        if record is None:
            raise ApiError(404, "SecretNotFound", "Deleted Secret not found")
        return 200, self._deleted_view(name, record)

    def list_deleted(self):
        return 200, {"value": [self._deleted_view(n, r) for n, r in sorted(self.deleted.items())], "nextLink": None}

    def purge(self, name):
        if self.deleted.pop(name, None) is None:
            raise ApiError(404, "SecretNotFound", "Secret not found: %s" % name)
        return 204, None

    def recover(self, name):
        record = self.deleted.pop(name, None)
        if record is None:
            raise ApiError(404, "SecretNotFound", "Secret not found: %s" % name)
        self.live[name] = record["secret"]
        return 200, self._public(record["secret"]["versions"][record["secret"]["order"][-1]], value=False)


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class KeyVaultStandIn:
    """The server. ``clients`` maps client_id to ``{"secret": ..., "role": ...}`` and/or ``{"certificate": pem}``."""

    def __init__(self, ca, tenant_id=None, clients=None):
        self.ca = ca
        self.tenant_id = tenant_id or str(uuid.uuid4())
        self.clients = dict(clients or {})
        self.tokens = {}     # access token -> (client_id, expiry)
        self.requests = []   # (method, path) of every vault request, for tests that count calls
        self.httpd = None
        self.thread = None
        self.url = None
        self.store = None

    # -- lifecycle ----------------------------------------------------------------------------------
    def start(self):
        cert, key = self.ca.issue("keyvault", hosts=["127.0.0.1", "localhost"])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        handler = type("Handler", (_Handler,), {"standin": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = "https://127.0.0.1:%d" % self.httpd.server_address[1]
        self.store = Store(self.url)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="keyvault-standin", daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()

    @property
    def authority(self):
        """What to pass as ``authority`` / ``AZURE_AUTHORITY_HOST``."""
        return self.url

    def issue_token(self, client_id):
        """A token for ``client_id`` without the OAuth dance (for out-of-band test scripts)."""
        token = "kvtok-" + secrets.token_urlsafe(24)
        self.tokens[token] = (client_id, time.time() + TOKEN_LIFETIME)
        return token

    # -- Entra ID -------------------------------------------------------------------------------------
    def openid_configuration(self, tenant):
        base = "%s/%s" % (self.url, tenant)
        return 200, {"token_endpoint": base + "/oauth2/v2.0/token",
                     "authorization_endpoint": base + "/oauth2/v2.0/authorize",
                     "device_authorization_endpoint": base + "/oauth2/v2.0/devicecode",
                     "issuer": "%s/%s/v2.0" % (self.url, tenant),
                     "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
                     "response_types_supported": ["code", "id_token", "token"]}

    def token(self, tenant, form):
        def fail(status, error, code, text):
            return status, {"error": error, "error_description": "AADSTS%d: %s" % (code, text),
                            "error_codes": [code]}

        if tenant != self.tenant_id:
            return fail(400, "invalid_request", 90002, "Tenant '%s' not found." % tenant)
        if form.get("grant_type") != "client_credentials":
            return fail(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
        client_id = form.get("client_id", "")
        client = self.clients.get(client_id)
        if client is None:
            return fail(400, "unauthorized_client", 700016,
                        "Application with identifier '%s' was not found in the directory." % client_id)
        if "client_secret" in form:
            if not secrets.compare_digest(form["client_secret"], client.get("secret") or ""):
                return fail(401, "invalid_client", 7000215, "Invalid client secret provided.")
        elif "client_assertion" in form and client.get("federated_token"):
            if not secrets.compare_digest(form["client_assertion"], client["federated_token"]):
                return fail(401, "invalid_client", 700211, "No matching federated identity record found for "
                            "presented assertion.")
        elif "client_assertion" in form:
            if not self._assertion_ok(client_id, client, form["client_assertion"]):
                return fail(401, "invalid_client", 700027, "Client assertion failed signature validation.")
        else:
            return fail(400, "invalid_client", 7000218, "The request body must contain client_assertion or "
                        "client_secret.")
        scope = form.get("scope", "")
        if "https://vault.azure.net/.default" not in scope.split():
            return fail(400, "invalid_scope", 70011, "The provided value for scope %s is not valid." % scope)
        return 200, {"token_type": "Bearer", "expires_in": TOKEN_LIFETIME, "ext_expires_in": TOKEN_LIFETIME,
                     "access_token": self.issue_token(client_id)}

    def _assertion_ok(self, client_id, client, assertion):
        """A client assertion (RFC 7523) signed by the client's registered certificate, naming that certificate."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        pem = client.get("certificate")
        if not pem:
            return False
        try:
            header_b64, payload_b64, signature_b64 = assertion.split(".")
            header = json.loads(_b64url_decode(header_b64))
            payload = json.loads(_b64url_decode(payload_b64))
            cert = x509.load_pem_x509_certificate(pem)
            cert.public_key().verify(_b64url_decode(signature_b64), ("%s.%s" % (header_b64, payload_b64)).encode(),
                                     padding.PKCS1v15(), hashes.SHA256())
        except Exception:  # pylint: disable=broad-exception-caught
            return False
        der = cert.public_bytes(serialization.Encoding.DER)
        thumbprints = {base64.urlsafe_b64encode(hashlib.sha1(der).digest()).decode().rstrip("="),
                       base64.urlsafe_b64encode(hashlib.sha256(der).digest()).decode().rstrip("=")}
        named = {str(header.get(k, "")).rstrip("=") for k in ("x5t", "x5t#S256")}
        return (payload.get("iss") == client_id and payload.get("sub") == client_id
                and payload.get("exp", 0) > time.time() and bool(named & thumbprints))

    # -- Key Vault ------------------------------------------------------------------------------------
    def challenge(self, message):
        header = 'Bearer authorization="https://login.microsoftonline.com/%s", resource="https://vault.azure.net"' \
            % self.tenant_id
        return ApiError(401, "Unauthorized", message, headers={"WWW-Authenticate": header})

    def authorise(self, headers, permission):
        auth = headers.get("Authorization") or ""
        if not auth.startswith("Bearer "):
            raise self.challenge("AKV10000: Request is missing a Bearer or PoP token.")
        client_id, expiry = self.tokens.get(auth[7:].strip(), (None, 0))
        if client_id is None or expiry < time.time():
            raise self.challenge("AKV10022: Invalid or expired token.")
        role = self.clients.get(client_id, {}).get("role", "none")
        if permission not in PERMISSIONS.get(role, set()):
            raise ApiError(403, "Forbidden", "Caller is not authorized to perform action on resource.\r\nIf role "
                           "assignments, deny assignments or role definitions were changed recently, please observe "
                           "propagation time.\r\nCaller: appid=%s\r\nAction: 'Microsoft.KeyVault/vaults/secrets/%s'"
                           % (client_id, permission), inner="ForbiddenByRbac")

    def vault(self, method, path, query, headers, body):
        parts = [unquote(p) for p in path.strip("/").split("/")] if path.strip("/") else []
        trailing = path.endswith("/")
        if not parts or parts[0] not in ("secrets", "deletedsecrets"):
            raise ApiError(404, "NotFound", "The requested resource was not found: %s" % path)
        # authenticate before looking at anything else, as Key Vault does
        route = self._route(method, parts, trailing)
        if route is None:
            self.authorise(headers, "get")
            raise ApiError(405 if len(parts) <= 3 else 404, "BadParameter",
                           "Method %s is not allowed on %s" % (method, path))
        permission, action = route
        self.authorise(headers, permission)
        if "api-version" not in query:
            raise ApiError(400, "BadParameter", "The request URI contains an invalid api-version or is missing one.")
        self.requests.append((method, path))
        with self.store.lock:
            return action(body)

    def _route(self, method, parts, trailing):
        store = self.store
        head, rest = parts[0], parts[1:]
        if head == "secrets":
            if not rest:
                return ("list", lambda b: store.list()) if method == "GET" else None
            name = rest[0]
            version = rest[1] if len(rest) > 1 else ""
            if len(rest) == 2 and rest[1] == "versions" and method == "GET":
                return "list", lambda b: store.versions(name)
            if len(rest) > 2:
                return None
            if method == "PUT" and len(rest) == 1:
                return "set", lambda b: store.set(name, b)
            if method == "GET":
                return "get", lambda b: store.get(name, version)
            if method == "PATCH" and (len(rest) == 2 or trailing):
                return "update", lambda b: store.update(name, version, b)
            if method == "DELETE" and len(rest) == 1:
                return "delete", lambda b: store.delete(name)
            return None
        if not rest:
            return ("list", lambda b: store.list_deleted()) if method == "GET" else None
        name = rest[0]
        if len(rest) == 1 and method == "GET":
            return "get", lambda b: store.get_deleted(name)
        if len(rest) == 1 and method == "DELETE":
            return "purge", lambda b: store.purge(name)
        if len(rest) == 2 and rest[1] == "recover" and method == "POST":
            return "recover", lambda b: store.recover(name)
        return None


class _Handler(BaseHTTPRequestHandler):
    standin = None
    protocol_version = "HTTP/1.1"
    server_version = "KeyVaultStandIn"

    def _dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parsed = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(parsed.query, keep_blank_values=True).items()}
        standin = self.standin
        try:
            match = re.match(r"^/([^/]+)/(v2\.0/\.well-known/openid-configuration|oauth2/v2\.0/token)$", parsed.path)
            if match:
                tenant, what = match.groups()
                if what.startswith("oauth2") and self.command == "POST":
                    form = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8")).items()}
                    status, body = standin.token(tenant, form)
                else:
                    status, body = standin.openid_configuration(tenant)
                return self._send(status, body)
            body = {}
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise ApiError(400, "BadParameter", "The request body is not valid JSON.")
            status, payload = standin.vault(self.command, parsed.path, query, self.headers, body)
            return self._send(status, payload)
        except ApiError as exc:
            return self._send(exc.status, exc.body(), exc.headers)

    def _send(self, status, body, headers=None):
        payload = b"" if body is None else json.dumps(body).encode("utf-8")
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    do_GET = do_PUT = do_PATCH = do_DELETE = do_POST = _dispatch

    def log_message(self, *args):  # keep test output clean
        pass


def client_certificate(directory, name="kv-client"):
    """A self-signed RSA certificate and its key in one PEM file (as CertificateCredential takes it): path, cert PEM."""
    import datetime
    import os

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    path = os.path.join(directory, name + ".pem")
    with open(path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()) + cert_pem)
    os.chmod(path, 0o600)
    return path, cert_pem


try:
    import pytest
except ImportError:  # standalone use
    pytest = None

if pytest is not None:
    @pytest.fixture(scope="session")
    def azure_keyvault(canaries, tmp_path_factory):
        """The stand-in vault for azure_* targets, with four identities:

        admin (client secret = the session's canary_secret_id), noaccess (no permission at all), a certificate
        client, and a workload-identity client whose federated token is a file: the AZURE_* environment of the
        targets, so tasks that name no credentials go through DefaultAzureCredential.
        """
        import os
        import sys as _sys

        _sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from testca import TestCA  # pylint: disable=import-outside-toplevel

        directory = str(tmp_path_factory.mktemp("azure-keyvault"))
        cert_path, cert_pem = client_certificate(directory)
        federated = "fed-" + secrets.token_urlsafe(24)
        token_file = os.path.join(directory, "federated-token")
        with open(token_file, "w") as handle:
            handle.write(federated)
        standin = KeyVaultStandIn(TestCA(directory), clients={
            "citadel-admin": {"secret": canaries["canary_secret_id"], "role": "admin"},
            "citadel-noaccess": {"secret": "noaccess-" + secrets.token_hex(8), "role": "none"},
            "citadel-cert": {"certificate": cert_pem, "role": "admin"},
            "citadel-workload": {"federated_token": federated, "role": "admin"},
        }).start()
        noaccess = standin.clients["citadel-noaccess"]["secret"]

        def env():
            # the SDKs' default chain (DefaultAzureCredential) logs in through workload identity, as on AKS;
            # the other identities are for tasks that name their credentials
            return {"AZURE_KEYVAULT_URL": standin.url, "AZURE_AUTHORITY_HOST": standin.authority,
                    "AZURE_TENANT_ID": standin.tenant_id, "AZURE_CLIENT_ID": "citadel-workload",
                    "AZURE_FEDERATED_TOKEN_FILE": token_file,
                    "CITADEL_TEST_AZURE_CA": standin.ca.ca_path,
                    "CITADEL_TEST_AZURE_ADMIN_ID": "citadel-admin",
                    "CITADEL_TEST_AZURE_ADMIN_SECRET": canaries["canary_secret_id"],
                    "CITADEL_TEST_AZURE_NOACCESS_ID": "citadel-noaccess", "CITADEL_TEST_AZURE_NOACCESS_SECRET": noaccess,
                    "CITADEL_TEST_AZURE_CERT_ID": "citadel-cert", "CITADEL_TEST_AZURE_CERT_PATH": cert_path}

        standin.env = env
        yield standin
        standin.stop()


def main(argv=None):
    import argparse
    import tempfile

    sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
    from testca import TestCA  # pylint: disable=import-outside-toplevel

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=None)
    args = parser.parse_args(argv)
    directory = args.dir or tempfile.mkdtemp(prefix="kv-standin-")
    standin = KeyVaultStandIn(TestCA(directory), clients={"admin-app": {"secret": "admin-secret", "role": "admin"}})
    standin.start()
    print(json.dumps({"vault_url": standin.url, "authority": standin.authority, "tenant_id": standin.tenant_id,
                      "ca": standin.ca.ca_path, "client_id": "admin-app", "client_secret": "admin-secret"}))
    sys.stdout.flush()
    try:
        standin.thread.join()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
