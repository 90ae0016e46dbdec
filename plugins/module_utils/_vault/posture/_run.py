# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The posture audit as one read: options validated offline, then each selected check family in turn.

``BACKEND`` plugs into the shared module runner: its ``validate`` checks the audit's own options, the Vault
connection (only when a Vault check is selected) and each configured cloud part before any request; its
``connect`` hands ``read`` a factory, so a cloud-only audit never contacts Vault.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils import _module
from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _connect
from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import common_argspec
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import normalise_path
from ansible_collections.citadel.secrets.plugins.module_utils._vault.posture import (
    _cloud, _findings, _lifetimes, _policies, _rotation, _server, _ttl)

VAULT_CHECKS = ("audit", "tokens", "listeners", "mounts", "roles", "approle", "policies", "transit", "kv")
CLOUD_CHECKS = ("aws", "azure", "gcp")
CHECKS = VAULT_CHECKS + CLOUD_CHECKS
MAX_CONCURRENCY = 32


def options(params):
    """The audit's options, validated and normalised (durations in seconds); raises ``OptionError``."""
    checks = params.get("checks")
    if checks is None:
        checks = list(VAULT_CHECKS) + [name for name in CLOUD_CHECKS if params.get(name) is not None]
    else:
        unknown = sorted(set(checks) - set(CHECKS))
        if unknown:
            raise OptionError("checks: unknown check %s (known: %s)" % (", ".join(unknown), ", ".join(CHECKS)))
        missing = [name for name in CLOUD_CHECKS if name in checks and params.get(name) is None]
        if missing:
            raise OptionError("checks includes %s, which needs the %s option (its connection settings; {} to use "
                              "the environment)" % (", ".join(missing), " and ".join(missing)))
        checks = [name for name in CHECKS if name in checks]
    opts = {"checks": checks, "ttl_targets": _ttl.targets(params.get("ttl_targets"))}
    for name in ("transit_rotation_max_age", "kv_rotation_max_age"):
        seconds = to_seconds(params.get(name), name)
        if not seconds:
            raise OptionError("%s must be a positive duration, got %r" % (name, params.get(name)))
        opts[name] = seconds
    opts["kv_rotation_metadata_key"] = (params.get("kv_rotation_metadata_key") or "").strip()
    opts["kv_mounts"] = [normalise_path(path) for path in params.get("kv_mounts") or []]
    if any(not path for path in opts["kv_mounts"]):
        raise OptionError("kv_mounts: a mount path cannot be empty")
    max_items, concurrency = params.get("max_items"), params.get("concurrency")
    if max_items is None or max_items < 1:
        raise OptionError("max_items must be 1 or more, got %r" % max_items)
    if concurrency is None or not 1 <= concurrency <= MAX_CONCURRENCY:
        raise OptionError("concurrency must be between 1 and %d, got %r" % (MAX_CONCURRENCY, concurrency))
    opts["max_items"], opts["concurrency"] = max_items, concurrency
    rules = []
    for index, rule in enumerate(params.get("ignore") or []):
        if not isinstance(rule, dict) or not (rule.get("id") or rule.get("object")):
            raise OptionError("ignore[%d] needs an id or an object pattern" % index)
        rules.append({"id": rule.get("id") or "*", "object": rule.get("object") or "*"})
    opts["ignore"] = rules
    for name in CLOUD_CHECKS:
        opts[name] = params.get(name)
    return opts


def vault_selected(opts):
    return any(name in VAULT_CHECKS for name in opts["checks"])


def validate(params):
    opts = options(params)
    if vault_selected(opts):
        _connect.validate(params)
    _cloud.validate({name: opts[name] for name in CLOUD_CHECKS if name in opts["checks"]})


def connect(params):
    """A factory for the authenticated Vault client: called only when a Vault check runs."""
    return lambda: _connect.connect(params)


BACKEND = _module.Backend(common_argspec(), validate, connect)


def check_token(audit):
    """Fail early on a token the server refuses: every check would otherwise report "permission denied"."""
    try:
        body = audit.client.read("auth/token/lookup-self") or {}
    except CitadelError as exc:
        if exc.details.get("status") != 403:
            raise
        raise CitadelError("the server refused the token (auth/token/lookup-self answered 403): it is invalid or "
                           "expired, or lacks the default policy; the audit needs a valid token", status=403,
                           path="auth/token/lookup-self")
    audit.cache["self_accessor"] = (body.get("data") or {}).get("accessor")


def run(audit, checks):
    client = audit.client
    if client is not None:
        check_token(audit)
    if "audit" in checks:
        _server.check_audit(audit)
    if "tokens" in checks:
        _server.check_root_tokens(audit)
    if "listeners" in checks:
        _server.check_listeners(audit)
    if "mounts" in checks:
        _lifetimes.check_mounts(audit)
    if "roles" in checks or "approle" in checks:
        _lifetimes.check_roles(audit, lifetimes="roles" in checks, approle="approle" in checks)
    if "policies" in checks:
        _policies.check(audit)
    if "transit" in checks:
        _rotation.check_transit(audit)
    if "kv" in checks:
        _rotation.check_kv(audit)
    if client is not None and audit.flavour is None:
        try:
            status = client.read("sys/seal-status") or {}
            audit.flavour = "openbao" if str(status.get("version") or "").startswith("2.") else None
        except CitadelError:
            pass
    for name, check in (("aws", _cloud.check_aws), ("azure", _cloud.check_azure), ("gcp", _cloud.check_gcp)):
        if name in checks:
            check(audit)


def read(client_factory, params):
    """For vault_posture_info: ``findings``, ``summary``, ``checked``, ``ignored``, ``server``, ``checks``."""
    opts = options(params)
    client = client_factory() if vault_selected(opts) else None
    audit = _findings.Audit(client, opts)
    run(audit, opts["checks"])
    kept = [item for item in audit.findings if not _findings.ignored(item, opts["ignore"])]
    kept.sort(key=_findings.sort_key)
    server = None
    if client is not None:
        server = {"url": params.get("url"), "type": audit.flavour or "unknown"}
    return {
        "findings": kept,
        "summary": _findings.summary(kept),
        "ignored": len(audit.findings) - len(kept),
        "checked": dict(sorted(audit.checked.items())),
        "checks": list(opts["checks"]),
        "server": server,
        "generated": _findings.format_time(audit.now),
        "ttl_targets": {name: _ttl.human(value) for name, value in opts["ttl_targets"].items()},
    }
