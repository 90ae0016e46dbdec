# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential lifetimes: which class of credential a mount or role issues, how long one can live, and the
target it is held to.

The seed's credential-lifetime table (upper bound of each range is the default target, configurable)::

    class      issued by                                          target range
    cicd       jwt / oidc auth roles                              15 min - 60 min
    service    approle, kubernetes, userpass, cert roles; token   1 h - 4 h
               roles and the token store
    database   database secrets engine roles and static roles     1 h - 24 h
    tls        pki secrets engine roles                           24 h - 72 h
    other      any other mount (kv, transit, ...)                 the server's own default, 768 h

How long a credential can live, from the role and its mount's effective (tuned or inherited) TTLs:

- a service token: until its max TTL, ``token_max_ttl`` of the role or else the mount's max TTL, capped by
  ``token_explicit_max_ttl``; a periodic token (``token_period``) renews without limit unless it has an
  explicit max TTL; a batch token cannot be renewed, so its TTL is its lifetime;
- a lease (database credentials, certificates): the role's ``max_ttl`` or else the mount's max TTL;
- a static database role's password: its ``rotation_period``.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError

CLASSES = ("cicd", "service", "database", "tls", "other")
LABELS = {"cicd": "CI/CD tokens", "service": "service tokens", "database": "database credentials",
          "tls": "TLS certificates", "other": "leases of other mounts"}
#: the seed's ranges in seconds; the upper bound is the default target
SEED_RANGES = {"cicd": (900, 3600), "service": (3600, 14400), "database": (3600, 86400),
               "tls": (86400, 259200)}
DEFAULT_TARGETS = {"cicd": "60m", "service": "4h", "database": "24h", "tls": "72h", "other": "768h"}

AUTH_CLASSES = {"jwt": "cicd", "oidc": "cicd", "approle": "service", "kubernetes": "service",
                "userpass": "service", "cert": "service", "token": "service"}
SECRET_CLASSES = {"database": "database", "pki": "tls"}
#: mounts that hold no credentials of their own
SYSTEM_TYPES = frozenset(("system", "cubbyhole", "identity", "ns_system", "ns_cubbyhole", "ns_identity", "ns_token"))

#: a lifetime this many times above its target (or without limit) is high severity, else medium
HIGH_FACTOR = 10


def targets(option):
    """``{class: seconds}`` from the ``ttl_targets`` option (missing keys take the defaults)."""
    option = option or {}
    unknown = sorted(set(option) - set(CLASSES))
    if unknown:
        raise OptionError("ttl_targets: unknown class %s (known: %s)" % (", ".join(unknown), ", ".join(CLASSES)))
    result = {}
    for name in CLASSES:
        value = option.get(name)
        seconds = to_seconds(DEFAULT_TARGETS[name] if value is None else value, "ttl_targets.%s" % name)
        if seconds <= 0:
            raise OptionError("ttl_targets.%s must be a positive duration, got %r" % (name, value))
        result[name] = seconds
    return result


def mount_class(kind, mount_type):
    """The credential class of a mount (``kind`` is ``auth`` or ``secret``); ``None`` for system mounts."""
    if mount_type in SYSTEM_TYPES:
        return None
    table = AUTH_CLASSES if kind == "auth" else SECRET_CLASSES
    return table.get(mount_type, "other")


def human(seconds):
    """``28800`` is ``8h``, ``5400`` is ``1h30m``, ``259200`` is ``72h``, ``315360000`` is ``3650d`` (days from a
    week up); ``None`` is ``unlimited``."""
    if seconds is None:
        return "unlimited"
    seconds = int(seconds)
    if seconds == 0:
        return "0s"
    parts = []
    units = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)) if seconds >= 7 * 86400 else \
        (("h", 3600), ("m", 60), ("s", 1))
    for unit, size in units:
        if seconds >= size:
            parts.append("%d%s" % (seconds // size, unit))
            seconds %= size
    return "".join(parts[:2])


def above(lifetime, target):
    """Whether a lifetime (``None`` = unlimited) exceeds the target."""
    return lifetime is None or lifetime > target


def severity(lifetime, target):
    return "high" if lifetime is None or lifetime > HIGH_FACTOR * target else "medium"


def token_lifetime(fields, mount_default, mount_max, token_type_default="default-service"):
    """``(seconds or None, why)``: how long a token issued with these (normalised) token fields can live.

    ``fields`` are ``_token_fields.normalise`` output (``token_ttl`` may be absent for token roles);
    ``mount_default``/``mount_max`` are the mount's effective TTLs (inherited values resolved).
    """
    explicit = fields.get("token_explicit_max_ttl") or 0
    period = fields.get("token_period") or 0
    kind = fields.get("token_type") or "default"
    if kind in ("default", "default-service", "default-batch"):
        kind = "batch" if (kind == "default-batch" or token_type_default == "default-batch") else "service"
    max_ttl, max_from = _capped(fields.get("token_max_ttl") or 0, "token_max_ttl", mount_max)
    if kind == "batch":
        ttl, why = (fields.get("token_ttl"), "token_ttl") if fields.get("token_ttl") else \
            (mount_default, "the mount's default TTL")
        if explicit and explicit < ttl:
            ttl, why = explicit, "token_explicit_max_ttl"
        if max_ttl and max_ttl < ttl:
            ttl, why = max_ttl, max_from
        return ttl, "batch tokens live for their TTL (%s)" % why
    if period:
        if explicit:
            return explicit, "periodic tokens renew until token_explicit_max_ttl"
        return None, "periodic tokens (token_period %s) renew without limit and have no token_explicit_max_ttl" \
            % human(period)
    if explicit and (not max_ttl or explicit < max_ttl):
        return explicit, "tokens renew until token_explicit_max_ttl"
    return max_ttl, "tokens renew until %s" % max_from


def lease_lifetime(role_max, mount_max):
    """``(seconds, why)``: how long a lease from a role (database credentials, a certificate) can live."""
    return _capped(role_max, "the role's max_ttl", mount_max)


def _capped(role_max, role_name, mount_max):
    """The role's max TTL where it sets one, capped by the mount's (as the server caps it)."""
    if not role_max:
        return mount_max, "the mount's max TTL, as the role sets none"
    if mount_max and mount_max < role_max:
        return mount_max, "the mount's max TTL, which caps %s" % role_name
    return role_max, role_name


def target_text(klass, target):
    seed = SEED_RANGES.get(klass)
    if seed and seed[1] == target:
        return "%s-%s for %s" % (human(seed[0]), human(seed[1]), LABELS[klass])
    return "at most %s for %s" % (human(target), LABELS[klass])
