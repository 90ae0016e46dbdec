"""A second real OpenBao dev server with an extra TLS listener, for certificate logins (test-only).

The session's main OpenBao speaks plain HTTP; TLS certificate auth needs a TLS connection on which the client
presents its certificate. This server adds, through ``-config``, a ``listener "tcp"`` on another free port with a
server certificate from a throw-away test CA (``testca.TestCA``) and ``tls_client_ca_file`` naming a second CA
that issues client certificates. A third, unrelated CA provides the "wrong CA" for negative tests.

``env()`` hands a target playbook the HTTPS address, the root token and a directory holding:
``ca.pem`` (trust for the server), ``client.pem``/``client-key.pem`` (a client certificate the client CA issued),
``client-ca.pem`` (to configure the cert auth method with), ``other-ca.pem`` and ``stranger.pem``/``stranger-key.pem``
(a CA and a client certificate the server does not trust).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

import pytest
import requests

from openbao import OpenBaoDevServer, free_port
from servers.testca import TestCA

LISTENER = """unsafe_allow_api_audit_creation = true
listener "tcp" {
  address            = "127.0.0.1:%(port)d"
  tls_cert_file      = "%(cert)s"
  tls_key_file       = "%(key)s"
  tls_client_ca_file = "%(client_ca)s"
}
"""


class OpenBaoTLSServer:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="citadel-bao-tls-")
        server_ca = TestCA(os.path.join(self.dir, "server-ca"), name="citadel test server CA")
        client_ca = TestCA(os.path.join(self.dir, "client-ca"), name="citadel test client CA")
        other_ca = TestCA(os.path.join(self.dir, "other-ca"), name="citadel test unrelated CA")
        cert, key = server_ca.issue("openbao", hosts=("127.0.0.1", "localhost"))
        files = {"ca.pem": server_ca.ca_path, "client-ca.pem": client_ca.ca_path, "other-ca.pem": other_ca.ca_path}
        files["client.pem"], files["client-key.pem"] = client_ca.issue("client", hosts=("citadel-client",), client=True)
        files["stranger.pem"], files["stranger-key.pem"] = other_ca.issue("stranger", hosts=("stranger",), client=True)
        self.files = os.path.join(self.dir, "files")
        os.makedirs(self.files)
        for name, path in files.items():
            shutil.copy(path, os.path.join(self.files, name))
        self.tls_port = free_port()
        self.tls_addr = "https://127.0.0.1:%d" % self.tls_port
        self.server = OpenBaoDevServer(extra_config=LISTENER % {
            "port": self.tls_port, "cert": cert, "key": key, "client_ca": client_ca.ca_path})

    def start(self, timeout=30):
        self.server.start()
        ca = os.path.join(self.files, "ca.pem")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.tls_addr + "/v1/sys/health", verify=ca, timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("the TLS listener of the second OpenBao did not answer on %s" % self.tls_addr)

    def stop(self):
        self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self):
        return {"CITADEL_TLS_ADDR": self.tls_addr, "CITADEL_TLS_TOKEN": self.server.token,
                "CITADEL_TLS_DIR": self.files}


@pytest.fixture(scope="session")
def openbao_tls():
    server = OpenBaoTLSServer().start()
    yield server
    server.stop()
