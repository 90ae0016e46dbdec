# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AppRole login: role_id plus secret_id (secret_id may be omitted for roles with bind_secret_id=false)."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError

NAME = "approle"
DEFAULT_MOUNT = "approle"


def validate(options):
    if not options.get("role_id"):
        raise OptionError("auth_method approle needs role_id (env VAULT_ROLE_ID)")


def login_payload(options):
    payload = {"role_id": options["role_id"]}
    if options.get("secret_id"):
        payload["secret_id"] = options["secret_id"]
    return payload
