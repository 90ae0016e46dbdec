# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Userpass login: username in the path, password in the body."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError

NAME = "userpass"
DEFAULT_MOUNT = "userpass"


def validate(options):
    if not options.get("username") or not options.get("password"):
        raise OptionError("auth_method userpass needs username and password")


def login_path(mount, options):
    return "auth/%s/login/%s" % (mount, options["username"])


def login_payload(options):
    return {"password": options["password"]}
