# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP to one Vault/OpenBao address on the standard library: kept-alive connections, TLS, proxies, retries.

Why not hvac on requests (what the collection used first): every module process and every lookup worker
imported both (~0.1-0.2 s), and requests spends more CPU per request than the server needs to answer a KV
read. ``http.client`` with a small pool of kept-alive connections does the same job at a fraction of both
(measured in bench/README.md), and the collection's Vault side needs no third-party library at all.

* Connections are pooled per transport and handed to one request at a time, so threads (vault_config's
  concurrent plan) can share one client.
* TLS: the system trust store, or ``ca_cert``; ``validate_certs: false`` disables verification; a client
  certificate is presented when configured.
* Proxies: the ``proxies`` option (``{'https': 'http://proxy:3128'}``), else the usual ``https_proxy`` /
  ``http_proxy`` / ``no_proxy`` environment variables. HTTPS goes through a CONNECT tunnel.
* Retries: see ``_retry``. A kept-alive connection the server closed while idle is replaced and the request
  sent again at once (nothing reached the server), without using up a retry.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import ssl
import threading
import time
import urllib.parse

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _retry

#: idle connections kept per transport (vault_config reads with up to 32 threads)
POOL_SIZE = 32
CHUNK = 1024 * 1024
#: errors that mean "this idle connection was closed by the other side before our request got through"
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError,
          ssl.SSLEOFError, ssl.SSLZeroReturnError)
#: TLS errors that are a dropped connection rather than a certificate or protocol problem
_TLS_TRANSIENT = (ssl.SSLEOFError, ssl.SSLZeroReturnError)


class Response:
    """Status, headers and body of one answer (the body is read in full unless it was streamed)."""

    def __init__(self, status, headers, content):
        self.status_code = status
        self.headers = headers
        self.content = content

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


class TransportError(Exception):
    """The request got no HTTP answer (after retries); ``tls`` tells certificate problems apart."""

    def __init__(self, reason, tls=False):
        super().__init__(reason)
        self.tls = tls


class HttpTransport:
    def __init__(self, settings, url=None):
        parsed = urllib.parse.urlsplit(url or settings.url)
        self.https = parsed.scheme == "https"
        self.host = parsed.hostname
        self.port = parsed.port or (443 if self.https else 80)
        self.base_path = parsed.path.rstrip("/")
        self.timeout = settings.timeout
        self.retries = settings.retries
        self.context = _tls_context(settings) if self.https else None
        self.proxy = _proxy_for(url or settings.url, settings.proxies)
        self._idle = []
        self._lock = threading.Lock()
        self._single = threading.local()

    # -- public ------------------------------------------------------------------------------------
    def send(self, method, path, body=None, headers=None, stream_to=None):
        """Send ``method`` ``path`` (with query string) and return the ``Response``, retrying transient faults.

        ``body`` is bytes or a binary file (sent once: file bodies are not retried). With ``stream_to``
        (a binary file), a successful answer's body is written there instead of kept in memory.
        """
        single = getattr(self._single, "on", False) or hasattr(body, "read")
        retries = 0 if single else self.retries
        attempt = 0
        while True:
            try:
                response = self._send_once(method, path, body, headers or {}, stream_to, fresh=single)
            except (OSError, http.client.HTTPException) as exc:
                if isinstance(exc, ssl.SSLError) and not isinstance(exc, _TLS_TRANSIENT):
                    raise TransportError(_tls_reason(exc), tls=True)
                if attempt >= retries:
                    raise TransportError("%s: %s" % (type(exc).__name__, exc) if str(exc) else type(exc).__name__)
                if stream_to is not None:  # start the download over
                    stream_to.seek(0)
                    stream_to.truncate()
                time.sleep(_retry.backoff(attempt))
                attempt += 1
                continue
            delay = None if attempt >= retries else _retry.delay_after_status(
                response.status_code, response.headers, attempt)
            if delay is None:
                return response
            time.sleep(delay)
            attempt += 1

    def origin(self):
        return "%s://%s:%d%s" % ("https" if self.https else "http", self.host, self.port, self.base_path)

    def single_attempt(self):
        """Context manager: requests of this thread inside it are sent once, on a new connection."""
        return _SingleAttempt(self._single)

    # -- one attempt -------------------------------------------------------------------------------
    def _send_once(self, method, path, body, headers, stream_to, fresh):
        target = self.base_path + path
        headers = dict(headers)
        if self.proxy and not self.https:  # plain HTTP through a proxy: absolute URL, Host of the origin
            target = "http://%s:%d%s" % (self.host, self.port, target)
            headers.setdefault("Host", "%s:%d" % (self.host, self.port))
            if self.proxy["auth"]:
                headers["Proxy-Authorization"] = self.proxy["auth"]
        conn, reused = (self._new(), False) if fresh else self._take()
        try:
            try:
                conn.request(method, target, body=body, headers=headers)
                answer = conn.getresponse()
            except _STALE:
                if not reused:
                    raise
                conn.close()  # the server closed the idle connection: nothing was processed, send again
                conn = self._new()
                conn.request(method, target, body=body, headers=headers)
                answer = conn.getresponse()
            if stream_to is not None and answer.status < 400:
                while True:
                    block = answer.read(CHUNK)
                    if not block:
                        break
                    stream_to.write(block)
                content = b""
            else:
                content = answer.read()
        except BaseException:
            conn.close()
            raise
        if answer.will_close or fresh:
            conn.close()
        else:
            self._give_back(conn)
        return Response(answer.status, answer.headers, content)

    def _take(self):
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._new(), False

    def _give_back(self, conn):
        with self._lock:
            if len(self._idle) < POOL_SIZE:
                self._idle.append(conn)
                return
        conn.close()

    def _new(self):
        if self.proxy:
            host, port = self.proxy["host"], self.proxy["port"]
        else:
            host, port = self.host, self.port
        if self.https:
            conn = http.client.HTTPSConnection(host, port, timeout=self.timeout, context=self.context)
            if self.proxy:
                tunnel_headers = {"Proxy-Authorization": self.proxy["auth"]} if self.proxy["auth"] else None
                conn.set_tunnel(self.host, self.port, headers=tunnel_headers)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
        conn.connect()
        # small request/answer exchanges: do not wait for Nagle to coalesce them
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn


class _SingleAttempt:
    def __init__(self, state):
        self.state = state
        self.saved = False

    def __enter__(self):
        self.saved = getattr(self.state, "on", False)
        self.state.on = True
        return self

    def __exit__(self, *exc):
        self.state.on = self.saved


def _tls_reason(exc):
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return "certificate verify failed: %s" % exc.verify_message
    return str(exc)


def _tls_context(settings):
    try:
        context = ssl.create_default_context(cafile=settings.ca_cert or None)
        if not settings.validate_certs:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if settings.client_cert:
            context.load_cert_chain(settings.client_cert, settings.client_key)
    except (ssl.SSLError, OSError) as exc:
        raise OptionError("cannot use the TLS files given (ca_cert, client_cert, client_key): %s" % exc)
    return context


def _proxy_for(url, proxies):
    """The proxy for ``url``: from the ``proxies`` option, else the environment (honouring ``no_proxy``)."""
    parsed = urllib.parse.urlsplit(url)
    if proxies:
        proxy = proxies.get(parsed.scheme) or proxies.get("all")
    elif not any(name.lower().endswith("_proxy") for name in os.environ):
        return None  # the usual case; urllib.request (what reads the proxy variables) costs a worker 4 ms to import
    else:
        from urllib import request  # pylint: disable=import-outside-toplevel
        env = request.getproxies_environment()
        if request.proxy_bypass_environment(parsed.hostname or "", env):
            return None
        proxy = env.get(parsed.scheme) or env.get("all")
    if not proxy:
        return None
    found = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
    if found.scheme != "http":
        raise OptionError("proxy %s: only http:// proxies are supported (HTTPS is tunnelled through them)"
                          % found._replace(netloc=found.hostname or "").geturl())
    auth = None
    if found.username:
        pair = "%s:%s" % (urllib.parse.unquote(found.username), urllib.parse.unquote(found.password or ""))
        auth = "Basic " + base64.b64encode(pair.encode()).decode()
    return {"host": found.hostname, "port": found.port or 80, "auth": auth}
