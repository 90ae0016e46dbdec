"""Start and stop a real ``moto_server`` (the AWS emulator from PyPI ``moto[server]``) for the aws_* targets.

Used by the pytest session fixture and by nothing that ships. ``moto_server`` listens on 127.0.0.1 on a free
port and serves every AWS API from memory, for any region, with dummy credentials. Lambda functions are
registered without Docker (``use_docker: false``), so Secrets Manager rotation can name a real function.
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

REGION = "us-east-1"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def moto_binary():
    candidate = os.path.join(os.path.dirname(sys.executable), "moto_server")
    return candidate if os.path.exists(candidate) else shutil.which("moto_server")


class MotoServer:
    def __init__(self):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.workdir = tempfile.mkdtemp(prefix="citadel-moto-")
        self.log_path = os.path.join(self.workdir, "moto.log")
        self.process = None
        self._log = None

    def start(self, timeout=30):
        binary = moto_binary()
        if not binary:
            raise RuntimeError("moto_server not found: pip install 'moto[server]'")
        self._log = open(self.log_path, "wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.process = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(self.port)], env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT, cwd=self.workdir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("moto_server exited early:\n" + open(self.log_path).read())
            try:
                answer = requests.post(self.url + "/moto-api/config", json={"lambda": {"use_docker": False}}, timeout=1)
                if answer.status_code < 300:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("moto_server did not answer in %ss:\n%s" % (timeout, open(self.log_path).read()))

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
        """What aws_* targets get: the endpoint, a region and dummy credentials (no profile, no real account)."""
        return {"AWS_ENDPOINT_URL": self.url, "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


@pytest.fixture(scope="session")
def moto():
    server = MotoServer().start()
    yield server
    server.stop()
