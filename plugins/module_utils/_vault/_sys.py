# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unauthenticated system endpoints and the runner for the modules that use them.

``sys/init``, ``sys/seal-status``, ``sys/unseal`` and ``sys/storage/raft/join`` answer before a server has a
token store, so ``vault_init``, ``vault_unseal`` and ``vault_raft_join`` send no token whatever the auth options
say (they accept them, so ``module_defaults`` for the ``citadel.secrets.vault`` group still apply).
"""

from __future__ import annotations

import time

from ansible_collections.citadel.secrets.plugins.module_utils import _module
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _connect
from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import common_argspec


def _without_auth(options):
    return dict(options, auth_method="none")


UNAUTHENTICATED = _module.Backend(common_argspec(),
                                  lambda options: _connect.validate(_without_auth(options)),
                                  lambda options: _connect.connect(_without_auth(options)))


def run_unauthenticated_module(resource_class, argument_spec, **module_kwargs):
    _module.run_resource_module(UNAUTHENTICATED, resource_class, argument_spec, **module_kwargs)


def seal_status(client):
    """``sys/seal-status`` reduced to what the modules compare and return."""
    body = client.read("sys/seal-status") or {}
    return {
        "initialized": bool(body.get("initialized")),
        "sealed": bool(body.get("sealed", True)),
        "seal_type": body.get("type") or "shamir",
        "recovery_seal": bool(body.get("recovery_seal")),
        "shares": int(body.get("n") or 0),
        "threshold": int(body.get("t") or 0),
        "progress": int(body.get("progress") or 0),
        "version": body.get("version"),
        "storage_type": body.get("storage_type"),
        "cluster_name": body.get("cluster_name"),
    }


def leader(client):
    """``sys/leader``: ``{"is_self", "leader_address", "ha_enabled"}``."""
    body = client.read("sys/leader") or {}
    return {"is_self": bool(body.get("is_self")), "leader_address": body.get("leader_address") or "",
            "ha_enabled": bool(body.get("ha_enabled"))}


def wait_for(probe, timeout, interval=0.5):
    """Call ``probe()`` until it returns a truthy value or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def require_initialized(status, what):
    if not status["initialized"]:
        raise CitadelError("the server is not initialised, so %s is not possible yet: run "
                           "citadel.secrets.vault_init first" % what)
