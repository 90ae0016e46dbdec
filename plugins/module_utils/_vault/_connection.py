# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the server is and how to talk to it: url, namespace, TLS, timeout, retries, proxies.

``ARGSPEC`` is merged into every Vault module's argument spec (environment fallbacks included); lookups
declare the same options through the ``vault_connection`` doc fragment and hand the resolved values to
``ConnectionSettings.from_options``, so both read one definition of what the options mean.
"""

from __future__ import annotations

import os

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError

ARGSPEC = dict(
    url=dict(type="str", fallback=(env_fallback, ["VAULT_ADDR", "BAO_ADDR"])),
    namespace=dict(type="str", fallback=(env_fallback, ["VAULT_NAMESPACE", "BAO_NAMESPACE"])),
    ca_cert=dict(type="path", aliases=["cacert"], fallback=(env_fallback, ["VAULT_CACERT", "BAO_CACERT"])),
    client_cert=dict(type="path", fallback=(env_fallback, ["VAULT_CLIENT_CERT", "BAO_CLIENT_CERT"])),
    client_key=dict(type="path", no_log=False, fallback=(env_fallback, ["VAULT_CLIENT_KEY", "BAO_CLIENT_KEY"])),
    validate_certs=dict(type="bool"),
    timeout=dict(type="int", default=30),
    retries=dict(type="int", default=3),
    proxies=dict(type="dict"),
)

_SKIP_VERIFY_ENV = ("VAULT_SKIP_VERIFY", "BAO_SKIP_VERIFY")


class ConnectionSettings:
    """Validated connection options; built from a plain mapping of option values."""

    def __init__(self, url, namespace=None, ca_cert=None, client_cert=None, client_key=None,
                 validate_certs=True, timeout=30, retries=3, proxies=None):
        self.url = url.rstrip("/")
        self.namespace = namespace or None
        self.ca_cert = ca_cert
        self.client_cert = client_cert
        self.client_key = client_key
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.retries = retries
        self.proxies = proxies or None

    @classmethod
    def from_options(cls, options):
        url = options.get("url")
        if not url:
            raise OptionError("url is required: set the url option or the VAULT_ADDR (or BAO_ADDR) environment variable")
        if not url.startswith(("http://", "https://")):
            raise OptionError("url must start with http:// or https://, got %r" % url)
        validate_certs = options.get("validate_certs")
        if validate_certs is None:
            skip = next((os.environ[name] for name in _SKIP_VERIFY_ENV if os.environ.get(name)), None)
            validate_certs = not boolean(skip, strict=False) if skip is not None else True
        timeout = options.get("timeout") or 30
        retries = options.get("retries")
        if retries is None:
            retries = 3
        if timeout <= 0 or retries < 0:
            raise OptionError("timeout must be positive and retries zero or more (got timeout=%r, retries=%r)"
                              % (timeout, retries))
        client_cert, client_key = options.get("client_cert"), options.get("client_key")
        if bool(client_cert) != bool(client_key):
            raise OptionError("client_cert and client_key must be given together")
        for option in ("ca_cert", "client_cert", "client_key"):
            path = options.get(option)
            if path and not os.path.isfile(path):
                raise OptionError("%s: file %s does not exist" % (option, path))
        return cls(url=url, namespace=options.get("namespace"), ca_cert=options.get("ca_cert"),
                   client_cert=client_cert, client_key=client_key, validate_certs=validate_certs,
                   timeout=timeout, retries=retries, proxies=options.get("proxies"))

    @property
    def verify(self):
        """The value ``requests`` expects for ``verify``."""
        if not self.validate_certs:
            return False
        return self.ca_cert or True

    @property
    def cert(self):
        return (self.client_cert, self.client_key) if self.client_cert else None

    def cache_key(self):
        return (self.url, self.namespace, self.ca_cert, self.client_cert, self.client_key,
                self.validate_certs, self.timeout, self.retries, repr(sorted((self.proxies or {}).items())))
