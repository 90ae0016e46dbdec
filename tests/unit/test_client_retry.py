"""VaultClient against a scripted loopback HTTP server: transient faults are retried, others are not,
and errors name the request and carry the server's text."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._errors import BackendUnavailable
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _retry
from ansible_collections.citadel.secrets.plugins.module_utils._vault._client import VaultClient
from ansible_collections.citadel.secrets.plugins.module_utils._vault._connection import ConnectionSettings
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError


class Script:
    """Responses to hand out in order: (status, body, headers)."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.seen = 0


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setattr(_retry, "BACKOFF_FACTOR", 0.001)
    monkeypatch.setattr(_retry, "BACKOFF_JITTER", 0.001)
    state = {"script": Script()}

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            script = state["script"]
            script.seen += 1
            status, body, headers = script.responses.pop(0) if script.responses else (200, {"data": {}}, {})
            payload = json.dumps(body).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_LIST = _answer

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state["url"] = "http://127.0.0.1:%d" % httpd.server_address[1]
    yield state
    httpd.shutdown()


def client_for(state, retries=3):
    return VaultClient(ConnectionSettings.from_options({"url": state["url"], "retries": retries}))


@pytest.mark.parametrize("status", [412, 500, 502, 503])
def test_transient_statuses_are_retried(server, status):
    server["script"] = Script((status, {"errors": ["busy"]}, {}), (status, {"errors": ["busy"]}, {}),
                              (200, {"data": {"ok": True}}, {}))
    assert client_for(server).read("secret/x") == {"data": {"ok": True}}
    assert server["script"].seen == 3


def test_429_is_retried_only_when_the_server_asks(server):
    server["script"] = Script((429, {"errors": ["slow down"]}, {"Retry-After": "0"}), (200, {"data": {}}, {}))
    assert client_for(server).read("a") == {"data": {}}
    server["script"] = Script((429, {"errors": ["slow down"]}, {}))
    with pytest.raises(VaultApiError, match="HTTP 429: slow down"):
        client_for(server).read("a")


def test_retries_are_bounded_and_the_last_error_is_reported(server):
    server["script"] = Script(*[(503, {"errors": ["Vault is sealed"]}, {})] * 10)
    with pytest.raises(BackendUnavailable, match="GET sys/mounts failed with HTTP 503: Vault is sealed.*unseal"):
        client_for(server, retries=2).read("sys/mounts")
    assert server["script"].seen == 3


def test_client_errors_are_not_retried_and_name_the_path(server):
    server["script"] = Script((400, {"errors": ["1 error occurred:\n\t* bad thing\n\n"]}, {}))
    with pytest.raises(VaultApiError) as caught:
        client_for(server).write("sys/mounts/foo", {"type": "kv"})
    assert caught.value.msg == "POST sys/mounts/foo failed with HTTP 400: bad thing"
    assert server["script"].seen == 1


def test_404_on_read_means_absent(server):
    server["script"] = Script((404, {"errors": []}, {}))
    assert client_for(server).read("secret/none") is None
    server["script"] = Script((404, {"errors": []}, {}))
    assert client_for(server).list("secret/none") == []
