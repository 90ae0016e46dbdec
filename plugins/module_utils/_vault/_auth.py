# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How to log in: the auth options and the dispatcher to one small file per method under ``auth/``.

Every method except ``token`` and ``none`` logs in the same way (POST to ``auth/<mount>/login`` with a
method-specific body), so a method file only declares its default mount, what it requires and its body.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._redact import scrub_text
from ansible_collections.citadel.secrets.plugins.module_utils._vault.auth import (
    _approle, _cert, _jwt, _kubernetes, _none, _token, _userpass)

METHODS = {m.NAME: m for m in (_token, _approle, _userpass, _jwt, _kubernetes, _cert, _none)}

ARGSPEC = dict(
    auth_method=dict(type="str", default="token", choices=sorted(METHODS),
                     fallback=(env_fallback, ["VAULT_AUTH_METHOD"])),
    mount_point=dict(type="str", aliases=["auth_mount_point"]),
    token=dict(type="str", no_log=True),
    role_id=dict(type="str", fallback=(env_fallback, ["VAULT_ROLE_ID"])),
    secret_id=dict(type="str", no_log=True, fallback=(env_fallback, ["VAULT_SECRET_ID"])),
    secret_id_wrapping_token=dict(type="str", no_log=True),
    username=dict(type="str"),
    password=dict(type="str", no_log=True),
    jwt=dict(type="str", no_log=True),
    role=dict(type="str", aliases=["role_name"]),
    kubernetes_token_path=dict(type="path"),
)

#: option names whose values are credentials; scrubbed from any login error text
CREDENTIAL_OPTIONS = ("token", "secret_id", "secret_id_wrapping_token", "password", "jwt")


def method_for(options):
    name = options.get("auth_method") or "token"
    if name not in METHODS:
        raise OptionError("auth_method must be one of %s, got %r" % (", ".join(sorted(METHODS)), name))
    return METHODS[name]


def validate(options):
    """Check the chosen method has what it needs, before any request."""
    method_for(options).validate(options)


def login(client, options):
    """Authenticate ``client`` in place; return the login's ``auth`` block (``{}`` for token/none)."""
    method = method_for(options)
    method.validate(options)
    if method is _token:
        client.token = _token.resolve_token(options)
        return {}
    if method is _none:
        client.token = ""
        return {}
    mount = (options.get("mount_point") or method.DEFAULT_MOUNT).strip("/")
    path = method.login_path(mount, options) if hasattr(method, "login_path") else "auth/%s/login" % mount
    try:
        if hasattr(method, "resolve"):  # credentials fetched first, e.g. a response-wrapped AppRole secret_id
            options = method.resolve(client, mount, options)
        body = client.write(path, method.login_payload(options))
    except CitadelError as exc:
        secrets = [options.get(name) for name in CREDENTIAL_OPTIONS]
        raise CitadelError("login with auth method %s at mount auth/%s/ failed: %s"
                           % (method.NAME, mount, scrub_text(exc.msg, secrets)))
    auth = (body or {}).get("auth") or {}
    if not auth.get("client_token"):
        raise CitadelError("login with auth method %s at mount auth/%s/ returned no token" % (method.NAME, mount))
    client.token = auth["client_token"]
    return auth
