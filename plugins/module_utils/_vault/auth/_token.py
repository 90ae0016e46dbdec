# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Token auth: the token option, then VAULT_TOKEN / BAO_TOKEN, then ~/.vault-token. No login request."""

from __future__ import annotations

import os

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError

NAME = "token"
DEFAULT_MOUNT = None
TOKEN_ENV = ("VAULT_TOKEN", "BAO_TOKEN")


def resolve_token(options):
    token = options.get("token")
    if token:
        return token
    for name in TOKEN_ENV:
        if os.environ.get(name):
            return os.environ[name]
    token_file = os.path.expanduser("~/.vault-token")
    if os.path.isfile(token_file):
        with open(token_file) as handle:
            token = handle.read().strip()
        if token:
            return token
    return None


def validate(options):
    if not resolve_token(options):
        raise OptionError("auth_method token: no token found in the token option, VAULT_TOKEN, BAO_TOKEN "
                          "or ~/.vault-token")


def login_payload(options):
    return None
