# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes login: a service-account JWT (option, or the file the kubelet mounts) and a role."""

from __future__ import annotations

import os

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError

NAME = "kubernetes"
DEFAULT_MOUNT = "kubernetes"
DEFAULT_TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/token"


def _jwt(options):
    if options.get("jwt"):
        return options["jwt"]
    path = options.get("kubernetes_token_path") or DEFAULT_TOKEN_PATH
    if not os.path.isfile(path):
        raise OptionError("auth_method kubernetes needs jwt, or a service-account token at %s "
                          "(kubernetes_token_path)" % path)
    with open(path) as handle:
        return handle.read().strip()


def validate(options):
    if not options.get("role"):
        raise OptionError("auth_method kubernetes needs role")
    _jwt(options)


def login_payload(options):
    return {"role": options["role"], "jwt": _jwt(options)}
