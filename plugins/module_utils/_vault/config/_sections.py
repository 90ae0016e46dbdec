# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sections of a ``vault_config`` document and the resource class each one reconciles.

A section is a list of entries; an entry holds exactly the options of the single-object module for that
resource (``policies`` entries are ``citadel.secrets.vault_policy`` options, and so on). Each entry is checked
against the resource class's own ``argspec`` (defaults, types, choices, aliases, mutually exclusive options),
becomes the ``params`` the module would have received, and is planned and written by that same class: there is
no second implementation of any resource here, only the table below.

For each section the table says:

- ``wave``: the order of writes (lower first: audit devices, policies, mounts, engine and method
  configurations, then the objects inside mounts); deletions run in the reverse order;
- ``identity``: the object's name in plans, unique within the section (``<mount>/<name>`` inside a mount);
- ``parent``: for objects inside a mount, whether it is a secrets engine or an auth method mount and which
  types it may be;
- ``actions``: options of the module that are one-off actions (rotate a key, rotate a root credential), which
  have no place in a desired state and are refused;
- ``lister`` / ``absent``: how to list the objects that exist (for ``prune``) and the entry that deletes one;
  sections without a lister cannot be pruned (a configuration that always exists, KV secrets).
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import (
    AuthMethodResource, SecretsEngineResource, normalise_path, read_mounts)


# Resource modules are imported when a document uses their section (some pull in heavy libraries). The imports
# are plain statements so that Ansible packs every one of them with the module.
def _approle_role():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._approle_role import (
        ApproleRoleResource)

    class ConfigApproleRole(ApproleRoleResource):
        READS_ROLE_ID = False  # the plan does not report role IDs: one request less per role

    return ConfigApproleRole


def _audit_device():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._audit_device import (
        AuditDeviceResource)
    return AuditDeviceResource


def _database_connection():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._database import (
        ConnectionResource)
    return ConnectionResource


def _database_role():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._database import RoleResource
    return RoleResource


def _database_static_role():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._database import (
        StaticRoleResource)
    return StaticRoleResource


def _jwt_auth_config():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._jwt_auth import (
        JwtAuthConfigResource)
    return JwtAuthConfigResource


def _jwt_auth_role():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._jwt_auth import (
        JwtAuthRoleResource)
    return JwtAuthRoleResource


def _kubernetes_auth_config():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kubernetes_auth import (
        KubernetesAuthConfigResource)
    return KubernetesAuthConfigResource


def _kubernetes_auth_role():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kubernetes_auth import (
        KubernetesAuthRoleResource)
    return KubernetesAuthRoleResource


def _kv_engine_config():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kv_engine_config import (
        KvEngineConfigResource)
    return KvEngineConfigResource


def _kv_config_state(params):
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kv_engine_config import normalise
    return normalise(normalise_path(params["mount"]), {})


def _kv_secret():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kv_secret import KvSecretResource
    return KvSecretResource


def _pki_role():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._pki_role import PkiRoleResource
    return PkiRoleResource


def _policy():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._policy import PolicyResource
    return PolicyResource


def _token_role():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._token_role import (
        TokenRoleResource)
    return TokenRoleResource


def _transit_key():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._transit_key import (
        TransitKeyResource)
    return TransitKeyResource


def _userpass_user():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._userpass_user import (
        UserpassUserResource)
    return UserpassUserResource


def _secrets_engine():
    return SecretsEngineResource


def _auth_method():
    return AuthMethodResource


SECRET, AUTH = "secret", "auth"

#: mounts the server owns, by path and by type: never pruned
BUILTIN_MOUNTS = {SECRET: ("sys", "cubbyhole", "identity"), AUTH: ("token",)}
BUILTIN_MOUNT_TYPES = ("system", "cubbyhole", "identity", "token", "ns_system", "ns_cubbyhole", "ns_identity",
                       "ns_token")
#: policies the server owns: never pruned
BUILTIN_POLICIES = ("root", "default")


def mount_kind(state):
    """``kv-v2`` for a KV version 2 mount, else the mount's type (from a normalised mount state)."""
    if state.get("type") in ("kv", "generic") and (state.get("options") or {}).get("version") == "2":
        return "kv-v2"
    return state.get("type")


def _listed(client, path):
    return sorted(key.rstrip("/") for key in client.list(path) if not key.endswith("/"))


def _list_audit(client, mount):
    body = client.read("sys/audit") or {}
    devices = body.get("data") if isinstance(body.get("data"), dict) else body
    return sorted(key.strip("/") for key, value in devices.items() if isinstance(value, dict))


def _under(collection, auth=False):
    prefix = "auth/%s/" if auth else "%s/"

    def lister(client, mount):
        return _listed(client, (prefix % mount) + collection)
    return lister


class Section:
    def __init__(self, name, loader, module, wave, identity, parent=None, actions=(), lister=None, absent=None,
                 fresh=None):
        self.name = name
        self._loader = loader
        self._resource = None
        self.module = module
        self.wave = wave
        self._identity = identity
        #: (SECRET or AUTH, allowed mount kinds) for objects inside a mount
        self.parent = parent
        self.actions = tuple(actions)
        self.lister = lister
        self._absent = absent
        #: the state of an object inside a mount this run creates, before that mount exists (default: absent)
        self.fresh = fresh or (lambda params: None)

    def _load(self):
        """Import the resource class on first use and build the entry validator from its argspec."""
        if self._resource is None:
            resource = self._loader()
            self._spec = {key: value for key, value in resource.argspec.items() if key not in self.actions}
            self._validator = ArgumentSpecValidator(self._spec, **resource.argspec_kwargs)
            self._accepted = set(self._spec)
            for value in self._spec.values():
                self._accepted.update(value.get("aliases") or ())
            self._resource = resource
        return self._resource

    @property
    def resource(self):
        """The resource class the single-object module uses."""
        return self._load()

    @property
    def spec(self):
        """The module's argspec without the one-off actions."""
        self._load()
        return self._spec

    def option(self, key):
        """The argspec entry of option ``key`` (or of the option it is an alias of), ``None`` if unknown."""
        spec = self.spec
        if key in spec:
            return spec[key]
        for value in spec.values():
            if key in (value.get("aliases") or ()):
                return value
        return None

    @property
    def prunable(self):
        return self.lister is not None

    def identity(self, params):
        return self._identity(params)

    def mount(self, params):
        """The mount an object lives in (normalised), or ``None`` for top-level objects."""
        if self.parent is None:
            return None
        return normalise_path(params.get("mount"))

    def params(self, entry):
        """The module parameters for one document entry, validated like the module's own; raises OptionError."""
        self._load()
        if not isinstance(entry, dict):
            raise OptionError("an entry must be a dictionary of %s options, got %s" % (self.module, type(entry).__name__))
        actions = sorted(key for key in entry if key in self.actions)
        if actions:
            raise OptionError("%s: one-off action(s) of %s, not part of a desired state; run that module for them"
                              % (", ".join(actions), self.module))
        unknown = sorted(str(key) for key in entry if key not in self._accepted)
        if unknown:
            raise OptionError("unknown option(s) %s (an entry takes the options of %s)"
                              % (", ".join(unknown), self.module))
        result = self._validator.validate(entry)
        if result.error_messages:
            raise OptionError("; ".join(result.error_messages))
        return result.validated_parameters

    def absent(self, name, mount):
        """The entry that deletes object ``name`` (its identity without the mount) from ``mount``."""
        return self.params(self._absent(name, mount))


def _leaves(value):
    """Every scalar of ``value`` as text (``None``, booleans and empty strings left out), as Ansible masks them."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    if value is None or isinstance(value, bool) or value == "":
        return []
    return [str(value)]


def document_values(document):
    """Every scalar value of a document (what Ansible masks for an option marked ``no_log``)."""
    return set(_leaves(document))


def document_secrets(document):
    """The values in a document that must stay masked, found without validating it: those of secret options,
    of options no section knows (a misspelt ``pasword``) and of sections that do not exist."""
    secrets = set()
    if not isinstance(document, dict):
        return set(_leaves(document))
    for name, entries in document.items():
        section = SECTIONS.get(name)
        if section is None or not isinstance(entries, list):
            secrets.update(_leaves(entries))
            continue
        for entry in entries:
            if not isinstance(entry, dict):
                secrets.update(_leaves(entry))
                continue
            for key, value in entry.items():
                spec = section.option(key)
                if spec is None or spec.get("no_log"):
                    secrets.update(_leaves(value))
    return secrets


def _in_mount(params, name):
    return "%s/%s" % (normalise_path(params.get("mount")), (name or "").strip())


def _child_absent(name, mount):
    return {"mount": mount, "name": name, "state": "absent"}


_SECTIONS = (
    Section("audit_devices", _audit_device, "citadel.secrets.vault_audit_device", 0,
            lambda p: normalise_path(p["path"]), lister=_list_audit,
            absent=lambda name, mount: {"path": name, "state": "absent"}),
    Section("policies", _policy, "citadel.secrets.vault_policy", 1, lambda p: p["name"],
            lister=lambda client, mount: sorted(client.list("sys/policies/acl")),
            absent=lambda name, mount: {"name": name, "state": "absent"}),
    Section("secrets_engines", _secrets_engine, "citadel.secrets.vault_secrets_engine", 2,
            lambda p: normalise_path(p["path"]), lister=lambda client, mount: sorted(read_mounts(client, SECRET)),
            absent=lambda name, mount: {"path": name, "state": "absent"}),
    Section("auth_methods", _auth_method, "citadel.secrets.vault_auth_method", 2,
            lambda p: normalise_path(p["path"]), lister=lambda client, mount: sorted(read_mounts(client, AUTH)),
            absent=lambda name, mount: {"path": name, "state": "absent"}),
    Section("kv_engine_configs", _kv_engine_config, "citadel.secrets.vault_kv_engine_config", 3,
            lambda p: normalise_path(p["mount"]), parent=(SECRET, ("kv-v2",)),
            fresh=_kv_config_state),
    Section("kubernetes_auth_configs", _kubernetes_auth_config, "citadel.secrets.vault_kubernetes_auth", 3,
            lambda p: normalise_path(p["mount"]), parent=(AUTH, ("kubernetes",))),
    Section("jwt_auth_configs", _jwt_auth_config, "citadel.secrets.vault_jwt_auth", 3,
            lambda p: normalise_path(p["mount"]), parent=(AUTH, ("jwt", "oidc"))),
    Section("database_connections", _database_connection, "citadel.secrets.vault_database_connection", 3,
            lambda p: _in_mount(p, p["name"]), parent=(SECRET, ("database",)), actions=("rotate_root",),
            lister=_under("config"), absent=_child_absent),
    Section("transit_keys", _transit_key, "citadel.secrets.vault_transit_key", 4,
            lambda p: _in_mount(p, p["name"]), parent=(SECRET, ("transit",)), actions=("rotate",),
            lister=_under("keys"), absent=_child_absent),
    Section("pki_roles", _pki_role, "citadel.secrets.vault_pki_role", 4,
            lambda p: _in_mount(p, p["name"]), parent=(SECRET, ("pki",)), lister=_under("roles"),
            absent=_child_absent),
    Section("database_roles", _database_role, "citadel.secrets.vault_database_role", 4,
            lambda p: _in_mount(p, p["name"]), parent=(SECRET, ("database",)), lister=_under("roles"),
            absent=_child_absent),
    Section("database_static_roles", _database_static_role, "citadel.secrets.vault_database_static_role", 4,
            lambda p: _in_mount(p, p["name"]), parent=(SECRET, ("database",)), actions=("rotate",),
            lister=_under("static-roles"), absent=_child_absent),
    Section("approle_roles", _approle_role, "citadel.secrets.vault_approle_role", 4,
            lambda p: _in_mount(p, p["name"]), parent=(AUTH, ("approle",)), lister=_under("role", auth=True),
            absent=_child_absent),
    Section("kubernetes_auth_roles", _kubernetes_auth_role, "citadel.secrets.vault_kubernetes_auth_role", 4,
            lambda p: _in_mount(p, p["name"]), parent=(AUTH, ("kubernetes",)), lister=_under("role", auth=True),
            absent=_child_absent),
    Section("jwt_auth_roles", _jwt_auth_role, "citadel.secrets.vault_jwt_auth_role", 4,
            lambda p: _in_mount(p, p["name"]), parent=(AUTH, ("jwt", "oidc")), lister=_under("role", auth=True),
            absent=_child_absent),
    Section("userpass_users", _userpass_user, "citadel.secrets.vault_userpass_user", 4,
            lambda p: _in_mount(p, (p["name"] or "").lower()), parent=(AUTH, ("userpass",)),
            lister=_under("users", auth=True), absent=_child_absent),
    Section("token_roles", _token_role, "citadel.secrets.vault_token_role", 4, lambda p: p["name"].strip(),
            lister=lambda client, mount: _listed(client, "auth/token/roles"),
            absent=lambda name, mount: {"name": name, "state": "absent"}),
    Section("kv_secrets", _kv_secret, "citadel.secrets.vault_kv_secret", 4,
            lambda p: "%s/%s" % (normalise_path(p["mount"]), normalise_path(p["path"])), parent=(SECRET, ("kv-v2",)),
            actions=("cas", "versions", "destroy", "purge", "undelete_versions")),
)

#: every section, in document order
SECTIONS = {section.name: section for section in _SECTIONS}
#: sections whose objects ``prune`` may delete
PRUNABLE = tuple(section.name for section in _SECTIONS if section.prunable)
#: the sections that are mounts, by kind
MOUNT_SECTIONS = {"secrets_engines": SECRET, "auth_methods": AUTH}
