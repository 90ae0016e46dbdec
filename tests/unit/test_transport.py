"""The standard-library Vault transport against loopback HTTP servers: kept-alive connections (and idle ones the
server closed), proxies, redirects, streamed answers, single attempts and threads sharing one client."""

from __future__ import annotations

import io
import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._errors import BackendUnavailable, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _retry
from ansible_collections.citadel.secrets.plugins.module_utils._vault._client import VaultClient
from ansible_collections.citadel.secrets.plugins.module_utils._vault._connection import ConnectionSettings
from ansible_collections.citadel.secrets.plugins.module_utils._vault._transport import _proxy_for


class Recorder:
    """What a loopback server saw, and how it answers (``answer(handler)`` -> (status, body, headers))."""

    def __init__(self, answer=None):
        self.requests = []
        self.peers = set()
        self.answer = answer or (lambda handler: (200, {"data": {"path": handler.path}}, {}))


def serve(recorder, close_after_each=False):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep connections alive, as Vault does

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            recorder.requests.append((self.command, self.path, dict(self.headers), body))
            recorder.peers.add(self.client_address)
            status, payload, headers = recorder.answer(self)
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            if close_after_each:
                # answer without "Connection: close", then drop the connection while the client thinks it is idle
                self.wfile.flush()
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_LIST = _answer

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, "http://127.0.0.1:%d" % httpd.server_address[1]


@pytest.fixture
def quick_backoff(monkeypatch):
    monkeypatch.setattr(_retry, "BACKOFF_FACTOR", 0.001)
    monkeypatch.setattr(_retry, "BACKOFF_JITTER", 0.001)


@pytest.fixture
def servers():
    started = []

    def start(recorder, **kwargs):
        httpd, url = serve(recorder, **kwargs)
        started.append(httpd)
        return url
    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def client(url, **options):
    options.setdefault("retries", 3)
    return VaultClient(ConnectionSettings.from_options(dict(options, url=url)))


def test_requests_reuse_one_connection_and_carry_the_vault_headers(servers):
    recorder = Recorder()
    vault = client(servers(recorder), namespace="team-a")
    vault.token = "s.token"
    for index in range(5):
        assert vault.read("secret/data/x%d" % index) == {"data": {"path": "/v1/secret/data/x%d" % index}}
    assert len(recorder.peers) == 1
    method, path, headers, body = recorder.requests[0]
    assert (method, path, body) == ("GET", "/v1/secret/data/x0", b"")
    assert headers["X-Vault-Token"] == "s.token"
    assert headers["X-Vault-Namespace"] == "team-a"
    assert headers["X-Vault-Request"] == "true"


def test_writes_send_json_lists_use_the_list_verb_and_params_the_query(servers):
    recorder = Recorder(lambda handler: (200, {"data": {"keys": ["a", "b/"]}}, {}))
    vault = client(servers(recorder))
    vault.write("sys/policies/acl/p", {"policy": "x"})
    assert vault.list("secret/metadata") == ["a", "b/"]
    vault.read("secret/data/x", params={"version": 2})
    assert [(m, p) for m, p, h, b in recorder.requests] == [
        ("POST", "/v1/sys/policies/acl/p"), ("LIST", "/v1/secret/metadata"), ("GET", "/v1/secret/data/x?version=2")]
    assert json.loads(recorder.requests[0][3]) == {"policy": "x"}
    assert recorder.requests[0][2]["Content-Type"] == "application/json"


def test_an_idle_connection_the_server_closed_is_replaced_without_using_a_retry(servers):
    recorder = Recorder()
    vault = client(servers(recorder, close_after_each=True), retries=0)
    for index in range(4):
        assert vault.read("secret/data/x%d" % index)["data"]["path"] == "/v1/secret/data/x%d" % index
    assert len(recorder.requests) == 4


def test_single_attempt_sends_once_even_for_a_retryable_status(servers, quick_backoff):
    recorder = Recorder(lambda handler: (503, {"errors": ["Vault is sealed"]}, {}))
    vault = client(servers(recorder), retries=3)
    with vault.single_attempt():
        with pytest.raises(BackendUnavailable, match="HTTP 503"):
            vault.write("sys/init", {"secret_shares": 1})
    assert len(recorder.requests) == 1
    with pytest.raises(BackendUnavailable):
        vault.read("sys/seal-status")
    assert len(recorder.requests) == 1 + 4


def test_a_redirect_to_the_active_node_is_followed_with_the_token(servers):
    active = Recorder()
    active_url = servers(active)
    standby = Recorder(lambda handler: (307, b"", {"Location": active_url + handler.path}))
    vault = client(servers(standby))
    vault.token = "s.token"
    assert vault.write("secret/data/x", {"data": {}}) == {"data": {"path": "/v1/secret/data/x"}}
    assert active.requests[0][0] == "POST" and active.requests[0][2]["X-Vault-Token"] == "s.token"
    assert json.loads(active.requests[0][3]) == {"data": {}}


def test_a_streamed_answer_goes_to_the_file_not_to_memory(servers):
    payload = bytes(range(256)) * 5000
    recorder = Recorder(lambda handler: (200, payload, {"Content-Type": "application/gzip"}))
    vault = client(servers(recorder))
    sink = io.BytesIO()
    response = vault.send("GET", "sys/storage/raft/snapshot", stream_to=sink)
    assert response.status_code == 200 and response.content == b""
    assert sink.getvalue() == payload


def test_a_file_body_is_sent_once_with_its_length(servers, tmp_path):
    recorder = Recorder(lambda handler: (500, {"errors": ["boom"]}, {}))
    src = tmp_path / "snap"
    src.write_bytes(b"x" * 1000)
    vault = client(servers(recorder))
    with open(src, "rb") as handle:
        headers = dict(vault.headers(), **{"Content-Length": "1000"})
        response = vault.send("POST", "sys/storage/raft/snapshot", body=handle, headers=headers)
    assert response.status_code == 500
    assert len(recorder.requests) == 1 and recorder.requests[0][3] == b"x" * 1000


def test_threads_share_one_client(servers):
    recorder = Recorder()
    vault = client(servers(recorder))
    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(lambda i: vault.read("secret/data/%d" % i)["data"]["path"], range(200)))
    assert paths == ["/v1/secret/data/%d" % i for i in range(200)]
    assert len(recorder.peers) <= 8


def test_an_unreachable_server_names_the_address_and_the_retries(quick_backoff):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(BackendUnavailable, match=r"cannot reach Vault at http://127.0.0.1:%d \(GET sys/health, 2 "
                                                 r"retries\): ConnectionRefusedError" % port):
        client("http://127.0.0.1:%d" % port, retries=2).read("sys/health")


def test_plain_http_goes_through_the_proxy_with_an_absolute_url(servers):
    proxy = Recorder(lambda handler: (200, {"data": {"via": "proxy"}}, {}))
    proxy_url = servers(proxy)
    vault = client("http://vault.internal:8200", proxies={"http": proxy_url.replace("://", "://user:p%40ss@")})
    assert vault.read("sys/health") == {"data": {"via": "proxy"}}
    method, path, headers, body = proxy.requests[0]
    assert path == "http://vault.internal:8200/v1/sys/health"
    assert headers["Host"] == "vault.internal:8200"
    assert headers["Proxy-Authorization"] == "Basic dXNlcjpwQHNz"  # user:p@ss


def test_proxy_choice_option_environment_and_no_proxy(monkeypatch):
    monkeypatch.setenv("https_proxy", "http://envproxy:3128")
    monkeypatch.setenv("no_proxy", "internal.example,localhost")
    assert _proxy_for("https://vault.example.com", None)["host"] == "envproxy"
    assert _proxy_for("https://vault.internal.example", None) is None
    assert _proxy_for("https://vault.example.com", {"https": "http://opt:8080"})["port"] == 8080
    assert _proxy_for("http://vault.example.com", {"https": "http://opt:8080"}) is None
    with pytest.raises(OptionError, match="only http:// proxies"):
        _proxy_for("https://vault.example.com", {"https": "socks5://opt:1080"})
