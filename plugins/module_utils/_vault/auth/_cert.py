# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS certificate login: the client_cert/client_key of the connection prove identity; role is optional."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError

NAME = "cert"
DEFAULT_MOUNT = "cert"


def validate(options):
    if not options.get("client_cert") or not options.get("client_key"):
        raise OptionError("auth_method cert needs client_cert and client_key")


def login_payload(options):
    return {"name": options["role"]} if options.get("role") else {}
