# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Vault client: API verbs on the pooled, retrying ``_transport``.

``VaultClient`` exposes the four verbs resources need (read / write / delete / list) on API paths
relative to ``/v1/``; it turns HTTP outcomes into Python values (404 on a read means "absent") and every
other failure into a ``VaultApiError`` that names the method and path and carries the server's message.
"""

from __future__ import annotations

import json
import urllib.parse

from ansible_collections.citadel.secrets.plugins.module_utils._errors import BackendUnavailable
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._transport import HttpTransport, TransportError

#: redirects a standby node may answer with (Vault's HA mode without request forwarding)
_REDIRECTS = (301, 302, 307, 308)
MAX_REDIRECTS = 3


class VaultClient:
    """A token, a namespace and a transport; resource classes call ``read``/``write``/``delete``/``list``."""

    def __init__(self, settings):
        self.settings = settings
        self.token = ""
        self.transport = HttpTransport(settings)

    # -- verbs ---------------------------------------------------------------------------------
    def request(self, method, path, data=None, params=None, missing_ok=False, wrap_ttl=None):
        """Send one request; return the decoded JSON body (``{}`` when empty), ``None`` for an allowed 404.

        ``wrap_ttl`` (seconds) asks the server to response-wrap the answer: the body then carries ``wrap_info``.
        """
        path = path.strip("/")
        headers = self.headers()
        body = None
        if data is not None:
            body = json.dumps(data).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if wrap_ttl:
            headers["X-Vault-Wrap-TTL"] = str(wrap_ttl)
        response = self.send(method, path, params=params, body=body, headers=headers)
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise VaultApiError.from_response(method, path, response)
        if response.status_code == 204 or not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            return {"raw": response.text}

    def send(self, method, path, params=None, body=None, headers=None, stream_to=None):
        """The raw HTTP exchange for ``/v1/<path>`` (binary bodies, streamed answers); failures to connect
        become ``BackendUnavailable`` naming the server and what to do about TLS problems."""
        query = "?" + urllib.parse.urlencode(params, doseq=True) if params else ""
        headers = headers if headers is not None else self.headers()
        transport, target = self.transport, "/v1/" + path.strip("/") + query
        try:
            for dummy in range(MAX_REDIRECTS + 1):
                response = transport.send(method, target, body=body, headers=headers, stream_to=stream_to)
                location = response.headers.get("Location") if response.status_code in _REDIRECTS else None
                if not location or hasattr(body, "read"):
                    return response
                # a standby that does not forward names the active node: ask it (same TLS and proxy settings)
                if stream_to is not None:
                    stream_to.seek(0)
                    stream_to.truncate()
                found = urllib.parse.urlsplit(urllib.parse.urljoin(transport.origin() + target, location))
                transport = HttpTransport(self.settings, url="%s://%s" % (found.scheme, found.netloc))
                target = found.path + ("?" + found.query if found.query else "")
            return response
        except TransportError as exc:
            if exc.tls:
                raise BackendUnavailable("TLS error talking to %s: %s. Set ca_cert to the CA that signed the server "
                                         "certificate (or validate_certs: false for a throw-away test server)"
                                         % (self.settings.url, exc))
            raise BackendUnavailable("cannot reach Vault at %s (%s %s, %d retries): %s"
                                     % (self.settings.url, method, path, self.settings.retries, exc))

    def headers(self):
        headers = {"X-Vault-Request": "true"}
        if self.token:
            headers["X-Vault-Token"] = self.token
        if self.settings.namespace:
            headers["X-Vault-Namespace"] = self.settings.namespace
        return headers

    def single_attempt(self):
        """Requests of this thread inside ``with client.single_attempt():`` are sent once, on a new connection:
        for requests that must not be repeated after a lost answer (a second ``sys/init`` would only say "already
        initialized" while the keys of the first are gone; a snapshot restore is not re-sent blindly)."""
        return self.transport.single_attempt()

    def read(self, path, params=None):
        """GET ``path``; ``None`` when it does not exist."""
        return self.request("GET", path, params=params, missing_ok=True)

    def write(self, path, data=None, method="POST"):
        return self.request(method, path, data=data or {})

    def delete(self, path, missing_ok=True):
        return self.request("DELETE", path, missing_ok=missing_ok)

    def list(self, path):
        """LIST ``path``; the ``keys`` found, ``[]`` when there are none."""
        body = self.request("LIST", path, missing_ok=True)
        return list(((body or {}).get("data") or {}).get("keys") or [])
