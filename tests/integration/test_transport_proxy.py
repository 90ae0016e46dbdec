"""The Vault client reaches a TLS OpenBao through an HTTP proxy: a CONNECT tunnel, then TLS verified end to end
against the server's CA (the proxy sees only ciphertext), for the option and for the environment variables."""

from __future__ import annotations

import os
import select
import socket
import threading

import pytest

from conftest import import_collection


@pytest.fixture(scope="module")
def vault_code(collections_path):
    """The collection's client modules."""
    return {name: import_collection(collections_path, "plugins.module_utils." + name)
            for name in ("_errors", "_vault._client", "_vault._connection")}


class ConnectProxy:
    """A minimal forward proxy that only tunnels (CONNECT host:port) and records the tunnels it opened."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = "http://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.tunnels = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, dummy = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target = head.split(b"\r\n", 1)[0].split(b" ")[:2]
            if method != b"CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            host, port = target.decode().rsplit(":", 1)
            self.tunnels.append(target.decode())
            with socket.create_connection((host, int(port))) as upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                peers = {client: upstream, upstream: client}
                while True:
                    readable, dummy, dummy = select.select(list(peers), [], [], 10)
                    if not readable:
                        return
                    for sock in readable:
                        try:
                            data = sock.recv(65536)
                            if data:
                                peers[sock].sendall(data)
                        except OSError:  # a client that gave up on the TLS handshake resets the tunnel
                            data = b""
                        if not data:
                            return

    def close(self):
        self.listener.close()


@pytest.fixture
def proxy():
    running = ConnectProxy()
    yield running
    running.close()


def client(code, openbao_tls, ca="ca.pem", **options):
    settings = code["_vault._connection"].ConnectionSettings.from_options(dict(
        options, url=openbao_tls.tls_addr, ca_cert=os.path.join(openbao_tls.files, ca), retries=0))
    vault = code["_vault._client"].VaultClient(settings)
    vault.token = openbao_tls.server.token
    return vault


def test_https_goes_through_the_proxy_tunnel_with_tls_verified(vault_code, openbao_tls, proxy):
    vault = client(vault_code, openbao_tls, proxies={"https": proxy.url})
    assert "token/" in vault.read("sys/auth")["data"]
    assert vault.read("sys/auth")  # the kept-alive tunnel is reused
    assert proxy.tunnels == ["127.0.0.1:%d" % openbao_tls.tls_port]


def test_the_environment_proxy_is_used_unless_no_proxy_names_the_host(vault_code, openbao_tls, proxy, monkeypatch):
    monkeypatch.setenv("https_proxy", proxy.url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert client(vault_code, openbao_tls).read("sys/health") is not None
    assert len(proxy.tunnels) == 1
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    assert client(vault_code, openbao_tls).read("sys/health") is not None
    assert len(proxy.tunnels) == 1


def test_a_wrong_ca_is_refused_through_the_tunnel_too(vault_code, openbao_tls, proxy):
    with pytest.raises(vault_code["_errors"].BackendUnavailable, match="certificate verify failed.*Set ca_cert"):
        client(vault_code, openbao_tls, ca="other-ca.pem", proxies={"https": proxy.url}).read("sys/health")
