# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential lifetimes of mounts and roles against the targets of ``_ttl``, and AppRole hygiene.

- ``mounts``: each mount's effective default and max lease TTL against its class's target
  (``mount.ttl_above_target``: medium when tuned above it, low when inherited from the server default).
- ``roles``: every role of the classified mounts (jwt/oidc, approle, kubernetes, userpass and cert auth roles,
  token roles, database roles and static roles, pki roles): how long one issued credential can live
  (``role.ttl_above_target``: high without limit or ten times above the target, else medium).
- ``approle``: AppRole roles whose secret IDs never expire (``approle.secret_id_ttl``, high), can be used
  without limit (``approle.secret_id_num_uses``, low) or are bound to no CIDR (``approle.cidr_binding``,
  medium; ``token_bound_cidrs`` counts too).

Roles are listed per mount (at most ``max_items`` per mount) and read ``concurrency`` at a time.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _token_fields
from ansible_collections.citadel.secrets.plugins.module_utils._vault.posture import _inventory, _ttl
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources import _token_role
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._approle_role import (
    ApproleRoleResource)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._database import (
    role_state, static_role_state)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._pki_role import normalise_role

#: auth method type -> the collection its roles live in (``auth/<mount>/<collection>/<name>``)
AUTH_ROLES = {"jwt": "role", "oidc": "role", "approle": "role", "kubernetes": "role", "userpass": "users",
              "cert": "certs", "token": "roles"}
#: secrets engine type -> the collections of roles it has
SECRET_ROLES = {"database": ("roles", "static-roles"), "pki": ("roles",)}
TOKEN_FIX = ("set token_max_ttl (and token_ttl) on the role to at most %s, or tune the mount's max_lease_ttl "
             "down to it")


def check_mounts(audit):
    targets = audit.options["ttl_targets"]
    for mount in _inventory.load(audit):
        if not mount.klass:
            continue
        audit.count("mounts")
        target = targets[mount.klass]
        over = [(name, value, configured) for name, value, configured in (
            ("default TTL", mount.default_ttl, mount.configured_default),
            ("max TTL", mount.max_ttl, mount.configured_max)) if value > target]
        if not over:
            continue
        tuned = any(configured for dummy, dummy2, configured in over)
        text = " and ".join("%s %s (%s)" % (name, _ttl.human(value), "tuned" if configured else
                                            "inherited from the server")
                            for name, value, configured in over)
        audit.add("mount.ttl_above_target", "medium" if tuned else "low", "mounts", mount.object,
                  "%s mount %s/ (%s) has %s, above the target of %s" % (
                      "auth" if mount.kind == "auth" else "secrets", mount.path, mount.type, text,
                      _ttl.target_text(mount.klass, target)),
                  "tune the mount: max_lease_ttl (and default_lease_ttl) %s or less, with %s" % (
                      _ttl.human(target), "citadel.secrets.vault_auth_method" if mount.kind == "auth"
                      else "citadel.secrets.vault_secrets_engine"),
                  **{"class": mount.klass, "default_ttl": mount.default_ttl, "max_ttl": mount.max_ttl,
                     "target": target})


def _role_paths(audit, mount):
    """``[(collection, role name)]`` of one mount, bounded by max_items."""
    collections = AUTH_ROLES.get(mount.type, ()) if mount.kind == "auth" else SECRET_ROLES.get(mount.type, ())
    if isinstance(collections, str):
        collections = (collections,)
    found = []
    for collection in collections:
        base = "%s/%s" % (mount.api_path, collection)
        try:
            names = audit.client.list(base)
        except CitadelError as exc:
            audit.denied("roles", exc, "the roles of %s (%s)" % (mount.object, base))
            continue
        limit = audit.options["max_items"]
        if len(names) > limit:
            audit.incomplete("roles", base, "only %d of %d roles were checked (max_items)" % (limit, len(names)),
                             "raise max_items to check every role")
            names = names[:limit]
        found.extend((collection, name) for name in names if not name.endswith("/"))
    return found


def check_roles(audit, lifetimes=True, approle=True):
    jobs = []
    for mount in _inventory.load(audit):
        if mount.kind == "auth" and mount.type in AUTH_ROLES or mount.kind == "secret" and mount.type in SECRET_ROLES:
            if not lifetimes and mount.type != "approle":
                continue
            jobs.extend((mount, collection, name) for collection, name in _role_paths(audit, mount))

    def read(job):
        mount, collection, name = job
        return audit.client.read("%s/%s/%s" % (mount.api_path, collection, name))

    for (mount, collection, name), body, error in audit.map(read, jobs):
        path = "%s/%s/%s" % (mount.api_path, collection, name)
        if error is not None:
            audit.denied("roles", error, "role %s" % path)
            continue
        if body is None:
            continue  # deleted meanwhile
        data = body.get("data") or {}
        audit.count("roles")
        if lifetimes:
            role_lifetime(audit, mount, collection, path, data)
        if approle and mount.type == "approle":
            audit.count("approle roles")
            approle_findings(audit, mount, name, path, data)


def role_lifetime(audit, mount, collection, path, data):
    klass = mount.klass
    target = audit.options["ttl_targets"][klass]
    if mount.kind == "auth":
        fields = _token_role.normalise(data) if mount.type == "token" else _token_fields.normalise(data)
        lifetime, why = _ttl.token_lifetime(fields, mount.default_ttl, mount.max_ttl, mount.token_type)
        label = _ttl.LABELS[klass]
        what = "%s%s issued through this role" % (label[0].upper(), label[1:])
        fix = TOKEN_FIX % _ttl.human(target)
        if mount.type == "token":
            fix = "set token_explicit_max_ttl on the token role to at most %s (and no token_period without it), or " \
                  "tune auth/token's max_lease_ttl" % _ttl.human(target)
    elif collection == "static-roles":
        state = static_role_state(path.rsplit("/", 1)[-1], data)
        if not state["rotation_period"]:
            return  # rotated on a schedule (rotation_schedule, HashiCorp Vault) or by hand
        lifetime, why = state["rotation_period"], "rotation_period"
        what = "The password of this static role"
        fix = "set rotation_period to at most %s" % _ttl.human(target)
    else:
        state = normalise_role(data) if mount.type == "pki" else role_state(path.rsplit("/", 1)[-1], data)
        lifetime, why = _ttl.lease_lifetime(state["max_ttl"], mount.max_ttl)
        what = "Certificates issued by this role" if mount.type == "pki" else "Credentials issued by this role"
        fix = "set max_ttl (and ttl/default_ttl) on the role to at most %s, or tune the mount's max_lease_ttl " \
              "down to it" % _ttl.human(target)
    if not _ttl.above(lifetime, target):
        return
    audit.add("role.ttl_above_target", _ttl.severity(lifetime, target), "roles", path,
              "%s can live %s (%s); the target is %s" % (
                  what, "without limit" if lifetime is None else "up to %s" % _ttl.human(lifetime), why,
                  _ttl.target_text(klass, target)),
              fix, **{"class": klass, "lifetime": lifetime, "target": target})


def approle_findings(audit, mount, name, path, data):
    state = ApproleRoleResource({"name": name, "mount": mount.path}).own_normalise(data)
    tokens = _token_fields.normalise(data)
    if state["bind_secret_id"]:
        if not state["secret_id_ttl"]:
            audit.add("approle.secret_id_ttl", "high", "approle", path,
                      "secret IDs of AppRole role %r never expire (secret_id_ttl is 0)" % name,
                      "set secret_id_ttl (for example 24h, or minutes for a secret ID delivered at deploy time) "
                      "with citadel.secrets.vault_approle_role", secret_id_ttl=0)
        if not state["secret_id_num_uses"]:
            audit.add("approle.secret_id_num_uses", "low", "approle", path,
                      "secret IDs of AppRole role %r can be used any number of times (secret_id_num_uses is 0)"
                      % name,
                      "set secret_id_num_uses (1 for a secret ID used once at start-up)", secret_id_num_uses=0)
    if not state["secret_id_bound_cidrs"] and not tokens["token_bound_cidrs"]:
        audit.add("approle.cidr_binding", "medium", "approle", path,
                  "AppRole role %r is not bound to any network: a leaked role ID and secret ID log in from anywhere"
                  % name,
                  "set secret_id_bound_cidrs and token_bound_cidrs to the networks the application runs in")
