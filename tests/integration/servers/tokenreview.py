"""STAND-IN, test-only: a loopback imitation of the few Kubernetes API endpoints Vault/OpenBao auth talks to.

No kube-apiserver is reachable from the test machine (DESIGN.md, test topology), so this answers, over HTTPS on
127.0.0.1 with a certificate from a throw-away test CA (``testca.TestCA``), exactly what OpenBao's Kubernetes auth
and JWT/OIDC auth ask a real API server:

- ``POST /apis/authentication.k8s.io/v1/tokenreviews`` (TokenReview): the bearer must be the admin token or a
  service-account token of a reviewer account (one bound to ``system:auth-delegator``; here
  ``kube-system/vault-reviewer``), else 401/403 with a ``Status`` as the API server sends. The reviewed token must be
  signed by this cluster's service-account key, unexpired, of a service account that still exists, and carry one of
  the requested audiences (the API server's own audience when none is asked); then ``status.user`` is
  ``system:serviceaccount:<ns>:<name>`` with the account's uid and groups, and ``status.audiences`` the match.
- ``POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token`` (TokenRequest, admin bearer only): mints a projected
  service-account token (RS256, ``kid``, ``iss``/``sub``/``aud``/``exp``/``iat``/``nbf`` and the ``kubernetes.io``
  claim block with namespace, service account name and uid), the way ``kubectl create token`` gets one.
- ``DELETE /api/v1/namespaces/<ns>/serviceaccounts/<name>`` (admin bearer only): tokens of that account stop
  reviewing as authenticated, as after ``kubectl delete serviceaccount``.
- ``GET /.well-known/openid-configuration`` and ``GET /openid/v1/jwks``: service-account issuer discovery (anonymous,
  as with the ``system:service-account-issuer-discovery`` binding), so the JWT auth method can use the cluster as an
  OIDC provider through ``oidc_discovery_url`` or ``jwks_url``.

Nothing else of the Kubernetes API exists here. The issuer is this server's URL (``--service-account-issuer``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from servers import jwtsign
from servers.testca import TestCA

REVIEWERS = {("kube-system", "vault-reviewer")}
GROUPS = ("system:serviceaccounts", "system:authenticated")
_TOKEN_PATH = re.compile(r"^/api/v1/namespaces/([a-z0-9-]+)/serviceaccounts/([a-z0-9.-]+)(/token)?$")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _b64decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class KubernetesApiStandIn:
    def __init__(self):
        self.workdir = tempfile.mkdtemp(prefix="citadel-k8s-")
        self.ca = TestCA(os.path.join(self.workdir, "tls"), name="citadel test kubernetes CA")
        self.cert, self.key = self.ca.issue("apiserver", hosts=("127.0.0.1", "localhost"))
        self.port = free_port()
        self.url = "https://127.0.0.1:%d" % self.port
        self.issuer = self.url
        self.admin_token = "admin-" + secrets.token_hex(16)
        self.sa_key = jwtsign.new_key("RS256")
        self.kid = hashlib.sha256(jwtsign.public_pem(self.sa_key)).hexdigest()[:16]
        self.sa_pubkey_path = os.path.join(self.workdir, "sa.pub.pem")
        with open(self.sa_pubkey_path, "wb") as handle:
            handle.write(jwtsign.public_pem(self.sa_key))
        self.deleted = set()
        self.reviews = 0
        self._server = None

    # -- the cluster's service accounts ----------------------------------------------------------
    @staticmethod
    def uid(namespace, name):
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "serviceaccount/%s/%s" % (namespace, name)))

    def mint(self, namespace, name, audiences=None, ttl=3600):
        now = int(time.time())
        claims = {
            "iss": self.issuer, "sub": "system:serviceaccount:%s:%s" % (namespace, name),
            "aud": list(audiences or [self.issuer]), "iat": now, "nbf": now, "exp": now + ttl,
            "kubernetes.io": {"namespace": namespace,
                              "serviceaccount": {"name": name, "uid": self.uid(namespace, name)}},
        }
        return jwtsign.sign(self.sa_key, "RS256", claims, kid=self.kid), now + ttl

    def verify(self, token):
        """The claims of a token this cluster issued and still honours, or raise ValueError."""
        try:
            header_b64, body_b64, signature_b64 = token.split(".")
            header = json.loads(_b64decode(header_b64))
            claims = json.loads(_b64decode(body_b64))
            signature = _b64decode(signature_b64)
        except (ValueError, TypeError) as exc:
            raise ValueError("token is not a JWT") from exc
        if header.get("alg") != "RS256":
            raise ValueError("unexpected signing algorithm")
        try:
            self.sa_key.public_key().verify(signature, ("%s.%s" % (header_b64, body_b64)).encode("ascii"),
                                            padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise ValueError("invalid bearer token, square/go-jose: error in cryptographic primitive") from exc
        if claims.get("iss") != self.issuer:
            raise ValueError("token issuer is not this cluster")
        if claims.get("exp", 0) < time.time():
            raise ValueError("token has expired")
        block = claims.get("kubernetes.io") or {}
        namespace, name = block.get("namespace"), (block.get("serviceaccount") or {}).get("name")
        if not namespace or not name or (namespace, name) in self.deleted:
            raise ValueError("service account %s/%s has been deleted" % (namespace, name))
        return claims

    # -- HTTP ------------------------------------------------------------------------------------
    def start(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _send(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _status(self, code, reason, message):
                self._send(code, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                  "message": message, "reason": reason, "code": code})

            def _bearer(self):
                header = self.headers.get("Authorization") or ""
                return header[7:].strip() if header.startswith("Bearer ") else ""

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"{}")

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    return self._send(200, {
                        "issuer": stand_in.issuer, "jwks_uri": stand_in.url + "/openid/v1/jwks",
                        "response_types_supported": ["id_token"], "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"]})
                if self.path == "/openid/v1/jwks":
                    return self._send(200, {"keys": [jwtsign.jwk(stand_in.sa_key, stand_in.kid)]})
                return self._status(404, "NotFound", "the server could not find the requested resource")

            def do_DELETE(self):
                match = _TOKEN_PATH.match(self.path)
                if not match or match.group(3):
                    return self._status(404, "NotFound", "the server could not find the requested resource")
                if self._bearer() != stand_in.admin_token:
                    return self._status(401, "Unauthorized", "Unauthorized")
                stand_in.deleted.add((match.group(1), match.group(2)))
                return self._send(200, {"kind": "ServiceAccount", "apiVersion": "v1",
                                        "metadata": {"namespace": match.group(1), "name": match.group(2)}})

            def do_POST(self):
                if self.path == "/apis/authentication.k8s.io/v1/tokenreviews":
                    return self._review()
                match = _TOKEN_PATH.match(self.path)
                if match and match.group(3):
                    return self._token_request(match.group(1), match.group(2))
                return self._status(404, "NotFound", "the server could not find the requested resource")

            def _token_request(self, namespace, name):
                if self._bearer() != stand_in.admin_token:
                    return self._status(401, "Unauthorized", "Unauthorized")
                spec = self._body().get("spec") or {}
                stand_in.deleted.discard((namespace, name))  # re-created on demand, same uid
                token, expires = stand_in.mint(namespace, name, spec.get("audiences"),
                                               int(spec.get("expirationSeconds") or 3600))
                stamp = datetime.fromtimestamp(expires, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                return self._send(201, {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
                                        "spec": spec, "status": {"token": token, "expirationTimestamp": stamp}})

            def _review(self):
                bearer = self._bearer()
                if bearer != stand_in.admin_token:
                    try:
                        caller = stand_in.verify(bearer)
                    except ValueError:
                        return self._status(401, "Unauthorized", "Unauthorized")
                    who = (caller["kubernetes.io"]["namespace"], caller["kubernetes.io"]["serviceaccount"]["name"])
                    if who not in REVIEWERS:
                        return self._status(
                            403, "Forbidden",
                            'tokenreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:%s:%s" '
                            'cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the '
                            'cluster scope' % who)
                stand_in.reviews += 1
                spec = self._body().get("spec") or {}
                review = {"kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1",
                          "metadata": {"creationTimestamp": None}, "spec": spec}
                try:
                    claims = stand_in.verify(spec.get("token") or "")
                except ValueError as exc:
                    review["status"] = {"user": {}, "error": "[invalid bearer token, %s]" % exc}
                    return self._send(201, review)
                token_aud = claims.get("aud") or []
                token_aud = [token_aud] if isinstance(token_aud, str) else token_aud
                wanted = spec.get("audiences") or [stand_in.issuer]
                matched = [aud for aud in wanted if aud in token_aud]
                if not matched:
                    review["status"] = {"user": {}, "error": "[invalid bearer token, token audiences %s is invalid "
                                                             "for the target audiences %s]" % (token_aud, wanted)}
                    return self._send(201, review)
                namespace = claims["kubernetes.io"]["namespace"]
                name = claims["kubernetes.io"]["serviceaccount"]["name"]
                review["status"] = {
                    "authenticated": True,
                    "user": {"username": "system:serviceaccount:%s:%s" % (namespace, name),
                             "uid": stand_in.uid(namespace, name),
                             "groups": list(GROUPS) + ["system:serviceaccounts:%s" % namespace]},
                    "audiences": matched,
                }
                return self._send(201, review)

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, name="kubernetes-api-stand-in", daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def env(self):
        """What a target playbook needs: the API URL, its CA, an admin bearer, the service-account signing key."""
        return {"CITADEL_K8S_HOST": self.url, "CITADEL_K8S_CA": self.ca.ca_path,
                "CITADEL_K8S_ADMIN_TOKEN": self.admin_token, "CITADEL_K8S_SA_PUBKEY": self.sa_pubkey_path}


@pytest.fixture(scope="session")
def kubernetes_api():
    server = KubernetesApiStandIn().start()
    yield server
    server.stop()
