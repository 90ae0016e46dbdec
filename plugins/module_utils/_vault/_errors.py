# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Translate a failed Vault/OpenBao response into a message that names the request and the server's words."""

from __future__ import annotations

import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import BackendUnavailable, CitadelError

_HINTS = (
    ("sealed", "the node is sealed: unseal it or point url at an unsealed node"),
    ("active cluster node not found", "this standby cannot reach an active node: check the cluster's leader"),
    ("not initialized", "the server is not initialised: run citadel.secrets.vault_init first"),
)


class VaultApiError(CitadelError):
    """The server answered with an error status."""

    #: the ``data`` of an error response that carries one (HashiCorp Vault answers a transit batch in which
    #: an item failed with HTTP 400 and the per-item ``batch_results``); ``None`` otherwise
    data = None

    def __init__(self, method, path, status, errors):
        self.method, self.path, self.status, self.errors = method, path, status, errors
        text = "; ".join(errors) if errors else "no error text"
        msg = "%s %s failed with HTTP %d: %s" % (method, path, status, text)
        if status == 403:
            msg += " (the token in use lacks a policy for this path, has expired, or is wrong)"
        lowered = text.lower()
        for needle, hint in _HINTS:
            if needle in lowered:
                msg += " (%s)" % hint
        super().__init__(msg, status=status, path=path)

    @staticmethod
    def clean(text):
        """Unwrap Go's multierror layout ("1 error occurred:\n\t* permission denied\n\n")."""
        text = re.sub(r"^\d+ errors? occurred:\s*", "", text.strip())
        return "; ".join(part.strip() for part in re.split(r"\n\t\* ", "\n" + text.lstrip("* ")) if part.strip())

    @classmethod
    def from_response(cls, method, path, response):
        errors, body = [], None
        try:
            body = response.json()
            errors = [cls.clean(str(e)) for e in body.get("errors") or []]
        except ValueError:
            if response.text.strip():
                errors = [response.text.strip()[:500]]
        error = cls(method, path, response.status_code, errors)
        if isinstance(body, dict) and isinstance(body.get("data"), dict):
            error.data = body["data"]
        if response.status_code == 503:
            return BackendUnavailable(error.msg, status=503, path=path)
        return error
