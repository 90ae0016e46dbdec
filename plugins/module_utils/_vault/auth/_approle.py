# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AppRole login: role_id plus secret_id (secret_id may be omitted for roles with bind_secret_id=false).

The secret_id may also arrive response-wrapped (``secret_id_wrapping_token``): the wrapping token is looked up
first, and unwrapped only when it wraps the answer of ``auth/<mount>/role/<name>/secret-id`` (so a token
wrapping anything else, or forged for another path, is refused), then the secret_id it holds logs in.
A wrapping token can be unwrapped once; a second use fails with the server's "not valid or does not exist".
"""

from __future__ import annotations

import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError

NAME = "approle"
DEFAULT_MOUNT = "approle"

USED_HINT = ("a wrapping token can be unwrapped only once: if this run did not use it before, someone else "
             "may have unwrapped it, so treat the secret_id as compromised and destroy it")


def validate(options):
    if not options.get("role_id"):
        raise OptionError("auth_method approle needs role_id (env VAULT_ROLE_ID)")
    if options.get("secret_id") and options.get("secret_id_wrapping_token"):
        raise OptionError("auth_method approle takes secret_id or secret_id_wrapping_token, not both")


def resolve(client, mount, options):
    """Options with ``secret_id`` taken from ``secret_id_wrapping_token`` (unchanged without one)."""
    wrapping_token = options.get("secret_id_wrapping_token")
    if not wrapping_token:
        return options
    try:
        info = client.write("sys/wrapping/lookup", {"token": wrapping_token})
    except CitadelError as exc:
        raise CitadelError("looking up secret_id_wrapping_token failed: %s (%s)" % (exc.msg, USED_HINT))
    creation_path = str(((info or {}).get("data") or {}).get("creation_path") or "")
    if not re.fullmatch(r"(?:.+/)?auth/%s/role/[^/]+/(?:custom-)?secret-id" % re.escape(mount), creation_path):
        raise CitadelError("secret_id_wrapping_token does not wrap a secret_id of auth/%s/ (it wraps the answer of "
                           "%r); refusing to unwrap it" % (mount, creation_path or "an unknown path"))
    saved = client.token
    client.token = wrapping_token
    try:
        body = client.write("sys/wrapping/unwrap")
    except CitadelError as exc:
        raise CitadelError("unwrapping secret_id_wrapping_token failed: %s (%s)" % (exc.msg, USED_HINT))
    finally:
        client.token = saved
    secret_id = ((body or {}).get("data") or {}).get("secret_id")
    if not secret_id:
        raise CitadelError("secret_id_wrapping_token was unwrapped but held no secret_id")
    resolved = dict(options)
    resolved["secret_id"] = secret_id
    return resolved


def login_payload(options):
    payload = {"role_id": options["role_id"]}
    if options.get("secret_id"):
        payload["secret_id"] = options["secret_id"]
    return payload
