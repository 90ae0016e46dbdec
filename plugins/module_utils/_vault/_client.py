# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Vault client factory: hvac on a pooled ``requests`` session with the retry policy mounted.

``VaultClient`` exposes the four verbs resources need (read / write / delete / list) on API paths
relative to ``/v1/``; it turns HTTP outcomes into Python values (404 on a read means "absent") and every
other failure into a ``VaultApiError`` that names the method and path and carries the server's message.
"""

from __future__ import annotations

import traceback

HVAC_IMPORT_ERROR = None
try:
    import hvac
    import hvac.adapters
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:
    HVAC_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.citadel.secrets.plugins.module_utils._errors import BackendUnavailable, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._retry import retry_policy


def _session(settings):
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry_policy(settings.retries), pool_connections=4, pool_maxsize=16)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.verify = settings.verify
    session.cert = settings.cert
    if settings.proxies:
        session.proxies = settings.proxies
    return session


class VaultClient:
    """A thin, typed face over ``hvac.Client`` for resource classes."""

    def __init__(self, settings):
        if HVAC_IMPORT_ERROR:
            raise OptionError("the Python library hvac (and requests) is required on the host running this "
                              "plugin: pip install hvac", traceback=HVAC_IMPORT_ERROR)
        self.settings = settings
        # token="" stops hvac from picking up VAULT_TOKEN/~/.vault-token by itself: _auth decides.
        self.hvac = hvac.Client(url=settings.url, token="", namespace=settings.namespace, timeout=settings.timeout,
                                verify=settings.verify, cert=settings.cert, proxies=settings.proxies,
                                session=_session(settings), adapter=hvac.adapters.RawAdapter)

    # -- token ---------------------------------------------------------------------------------
    @property
    def token(self):
        return self.hvac.token

    @token.setter
    def token(self, value):
        self.hvac.token = value

    # -- verbs ---------------------------------------------------------------------------------
    def request(self, method, path, data=None, params=None, missing_ok=False, wrap_ttl=None):
        """Send one request; return the decoded JSON body (``{}`` when empty), ``None`` for an allowed 404.

        ``wrap_ttl`` (seconds) asks the server to response-wrap the answer: the body then carries ``wrap_info``.
        """
        path = path.strip("/")
        try:
            response = self.hvac.adapter.request(method, "/v1/" + path, json=data, params=params,
                                                 raise_exception=False, wrap_ttl=wrap_ttl)
        except requests.exceptions.SSLError as exc:
            raise BackendUnavailable("TLS error talking to %s: %s. Set ca_cert to the CA that signed the server "
                                     "certificate (or validate_certs: false for a throw-away test server)"
                                     % (self.settings.url, _root_cause(exc)))
        except requests.exceptions.RequestException as exc:
            raise BackendUnavailable("cannot reach Vault at %s (%s %s, %d retries): %s"
                                     % (self.settings.url, method, path, self.settings.retries, _root_cause(exc)))
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


def _root_cause(exc):
    """The innermost reason of a requests/urllib3 error, which is the readable one."""
    seen = exc
    while True:
        inner = getattr(seen, "reason", None) or (seen.args[0] if getattr(seen, "args", None) else None)
        if isinstance(inner, BaseException) and inner is not seen:
            seen = inner
            continue
        return str(seen)
