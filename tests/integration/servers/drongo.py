"""Start and stop a real ``drongo`` (the Google Cloud emulator from PyPI) for the gcp_* targets.

Used by the pytest session fixture and by nothing that ships. ``drongo server`` listens on 127.0.0.1 on a
free port and serves the Secret Manager v1 REST API (among other services) with in-memory state, without
authentication: the modules reach it with ``api_endpoint`` and ``auth_kind: anonymous``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest
import requests

PROJECT = "citadel-test"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drongo_binary():
    candidate = os.path.join(os.path.dirname(sys.executable), "drongo")
    return candidate if os.path.exists(candidate) else shutil.which("drongo")


class DrongoServer:
    def __init__(self):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.workdir = tempfile.mkdtemp(prefix="citadel-drongo-")
        self.log_path = os.path.join(self.workdir, "drongo.log")
        self.process = None
        self._log = None

    def start(self, timeout=30):
        binary = drongo_binary()
        if not binary:
            raise RuntimeError("drongo not found: pip install drongo")
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen([binary, "server", "--host", "127.0.0.1", "--port", str(self.port)],
                                        stdout=self._log, stderr=subprocess.STDOUT, cwd=self.workdir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("drongo exited early:\n" + open(self.log_path).read())
            try:
                if requests.get(self.url + "/drongo/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("drongo did not answer in %ss:\n%s" % (timeout, open(self.log_path).read()))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self._log:
            self._log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def env(self):
        """What gcp_* targets get: the endpoint (as gcloud's override variable) and the project."""
        return {"CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER": self.url + "/",
                "GOOGLE_CLOUD_PROJECT": PROJECT, "CITADEL_TEST_DRONGO_URL": self.url}


@pytest.fixture(scope="session")
def drongo():
    server = DrongoServer().start()
    yield server
    server.stop()
