# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""JWT login (the jwt auth method, also used for OIDC-issued tokens such as CI job tokens)."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError

NAME = "jwt"
DEFAULT_MOUNT = "jwt"


def validate(options):
    if not options.get("jwt"):
        raise OptionError("auth_method jwt needs jwt (the signed token to present)")


def login_payload(options):
    payload = {"jwt": options["jwt"]}
    if options.get("role"):
        payload["role"] = options["role"]
    return payload
