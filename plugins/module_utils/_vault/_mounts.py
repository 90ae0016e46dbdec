# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mounts: secrets engines at ``sys/mounts/<path>`` and auth methods at ``sys/auth/<path>``.

Both kinds share one API shape (enable with a POST, change with a POST to ``<path>/tune``, disable with a
DELETE), so one ``MountResource`` serves both; the two subclasses only set class attributes.

Normalised state (what is compared, shown in diffs and returned)::

    {"path": "kv", "type": "kv", "description": "", "accessor": "kv_1234", "local": False,
     "seal_wrap": False, "external_entropy_access": False, "options": {"version": "2"},
     "config": {"default_lease_ttl": 0, "max_lease_ttl": 0, "listing_visibility": "hidden",
                "audit_non_hmac_request_keys": [], "audit_non_hmac_response_keys": [],
                "passthrough_request_headers": [], "allowed_response_headers": [],
                "token_type": "default-service"}}          # token_type: auth methods only

TTLs are whole seconds, ``0`` meaning "the system default" as the server reports it; lists are sorted;
option values are strings (the server stores ``map[string]string``); a missing ``listing_visibility``
is ``hidden``, which is what the server does with it; a KV mount without a ``version`` option is version 1.
"""

from __future__ import annotations

import copy

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource, changes
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError

TTL_KEYS = ("default_lease_ttl", "max_lease_ttl")
LIST_KEYS = ("audit_non_hmac_request_keys", "audit_non_hmac_response_keys",
             "passthrough_request_headers", "allowed_response_headers")
#: fixed when the mount is enabled; tune cannot change them
ENABLE_ONLY = ("local", "seal_wrap", "external_entropy_access")
LISTING_VISIBILITY = ("unauth", "hidden")
TOKEN_TYPES = ("default-service", "default-batch", "service", "batch")
KV_TYPES = ("kv", "generic")

#: mountable built-in secrets engines: OpenBao 2.x, plus those only HashiCorp Vault ships (a server that
#: lacks one answers "plugin not found in the catalog" when it is enabled)
SECRET_BUILTINS = frozenset((
    "database", "generic", "kubernetes", "kv", "pki", "rabbitmq", "ssh", "totp", "transit",
    "ad", "alicloud", "aws", "azure", "consul", "gcp", "gcpkms", "kmip", "ldap", "mongodbatlas", "nomad",
    "openldap", "terraform", "transform", "keymgmt",
))
#: mountable built-in auth methods: OpenBao 2.x, plus those only HashiCorp Vault ships
AUTH_BUILTINS = frozenset((
    "approle", "cert", "jwt", "kubernetes", "oidc", "userpass",
    "alicloud", "aws", "azure", "cf", "gcp", "github", "kerberos", "ldap", "oci", "okta", "radius",
))


def normalise_path(path):
    """``"kv/"`` and ``"/kv"`` are the mount ``kv``."""
    return (path or "").strip().strip("/")


def option_string(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def normalise_options(mount_type, options, fill_defaults=True):
    opts = {str(key): option_string(value) for key, value in (options or {}).items()}
    if fill_defaults and mount_type in KV_TYPES:
        opts.setdefault("version", "1")
    return opts


def normalise_config(config, auth):
    """The server's ``config`` block as compared state (unknown keys such as force_no_cache dropped)."""
    config = config or {}
    out = {key: to_seconds(config.get(key) or 0, key) for key in TTL_KEYS}
    out["listing_visibility"] = config.get("listing_visibility") or "hidden"
    for key in LIST_KEYS:
        out[key] = sorted(set(config.get(key) or []))
    if auth:
        out["token_type"] = config.get("token_type") or "default-service"
    return out


def normalise_mount(path, data, auth=False):
    """One mount as the server reports it (``GET sys/mounts/<path>`` data or one entry of the listing)."""
    mount_type = data.get("type") or ""
    return {
        "path": normalise_path(path),
        "type": mount_type,
        "description": data.get("description") or "",
        "accessor": data.get("accessor") or "",
        "local": bool(data.get("local")),
        "seal_wrap": bool(data.get("seal_wrap")),
        "external_entropy_access": bool(data.get("external_entropy_access")),
        "options": normalise_options(mount_type, data.get("options")),
        "config": normalise_config(data.get("config"), auth),
    }


def _yaml_bool(value):
    return "true" if value else "false"


def _ttl_value(seconds):
    # A duration string is accepted by every version's string-typed TTL fields; 0 means the system default.
    return "%ds" % seconds


class MountResource(Resource):
    """A secrets engine or auth method mount. Subclasses set the class attributes below."""

    kind = "mount"
    result_key = "mount"
    #: API prefix: ``sys/mounts`` or ``sys/auth``
    base = "sys/mounts"
    #: module option holding the type
    type_option = "engine_type"
    #: plugin catalog section consulted for types that are not built in
    catalog = "secret"
    builtin_types = SECRET_BUILTINS
    #: mounts the server creates itself: path -> type. They cannot be disabled or retyped.
    protected = {}
    #: whether config carries token_type (auth methods)
    auth = False
    noun = "engine type"

    # -- identity ----------------------------------------------------------------------------------
    @property
    def path(self):
        return normalise_path(self.params.get("path"))

    @property
    def api_path(self):
        return "%s/%s" % (self.base, self.path)

    @property
    def name(self):
        return "%s %r" % (self.kind, self.path)

    # -- validation (no requests) ------------------------------------------------------------------
    def validate(self):
        params, path = self.params, self.path
        state = params.get("state") or "present"
        if not path:
            raise OptionError("path: a mount path is required (for example 'kv' or 'team/a/kv')")
        if state == "absent":
            if path in self.protected:
                raise OptionError("%s %r is built into the server and cannot be disabled" % (self.kind, path))
            return
        raw_type = params.get(self.type_option)
        if not raw_type:
            raise OptionError("%s is required when state=present" % self.type_option)
        self._type, self._options = self._resolve_type(raw_type.strip(), params.get("options"))
        if path in self.protected and self._type != self.protected[path]:
            raise OptionError("%s %r is built into the server as type %r and cannot be retyped"
                              % (self.kind, path, self.protected[path]))
        self._ttls = {key: to_seconds(params.get(key), key) for key in TTL_KEYS if params.get(key) is not None}
        default, maximum = self._ttls.get("default_lease_ttl"), self._ttls.get("max_lease_ttl")
        if default and maximum and default > maximum:
            raise OptionError("default_lease_ttl (%ds) cannot be greater than max_lease_ttl (%ds)" % (default, maximum))
        visibility = params.get("listing_visibility")
        if visibility is not None and visibility not in LISTING_VISIBILITY:
            raise OptionError("listing_visibility must be one of %s, got %r" % (", ".join(LISTING_VISIBILITY), visibility))
        token_type = params.get("token_type")
        if token_type is not None:
            if token_type not in TOKEN_TYPES:
                raise OptionError("token_type must be one of %s, got %r" % (", ".join(TOKEN_TYPES), token_type))
            if self._type == "token":
                raise OptionError("token_type cannot be set on the token auth method (the server refuses it)")

    def _resolve_type(self, mount_type, options):
        """Apply the ``kv-v2`` alias; return (type, normalised user options or None)."""
        if options is not None and not isinstance(options, dict):
            raise OptionError("options must be a dictionary of strings")
        opts = normalise_options(mount_type, options, fill_defaults=False) if options is not None else None
        if mount_type in ("kv-v2", "kv2"):
            if opts and opts.get("version", "2") != "2":
                raise OptionError("%s %r means KV version 2, but options.version is %r"
                                  % (self.type_option, mount_type, opts["version"]))
            opts = dict(opts or {}, version="2")
            mount_type = "kv"
        elif mount_type in ("kv-v1", "kv1"):
            if opts and opts.get("version", "1") != "1":
                raise OptionError("%s %r means KV version 1, but options.version is %r"
                                  % (self.type_option, mount_type, opts["version"]))
            opts = dict(opts or {}, version="1")
            mount_type = "kv"
        if mount_type in KV_TYPES and opts and opts.get("version", "1") not in ("1", "2"):
            raise OptionError("options.version of a KV engine must be 1 or 2, got %r" % opts["version"])
        return mount_type, opts

    # -- state ---------------------------------------------------------------------------------------
    def read(self):
        try:
            body = self.client.request("GET", self.api_path, missing_ok=True)
        except VaultApiError as exc:
            # OpenBao and Vault answer 400 "No secret engine mount at x/" / "No auth engine at x/"
            if exc.status == 400:
                return None
            raise
        if body is None:
            return None
        return normalise_mount(self.path, body.get("data") or body, self.auth)

    def desired(self):
        params = self.params
        state = {"path": self.path, "type": self._type}
        if params.get("description") is not None:
            state["description"] = params["description"]
        for key in ENABLE_ONLY:
            if params.get(key) is not None:
                state[key] = bool(params[key])
        if self._options is not None:
            state["options"] = self._options
        config = dict(self._ttls)
        if params.get("listing_visibility") is not None:
            config["listing_visibility"] = params["listing_visibility"]
        for key in LIST_KEYS:
            if params.get(key) is not None:
                config[key] = sorted(set(str(item) for item in params[key]))
        if self.auth and params.get("token_type") is not None:
            config["token_type"] = params["token_type"]
        state["config"] = config
        return state

    def defaults(self):
        """What a new mount looks like before the user's settings are applied (for diff and check mode)."""
        return normalise_mount(self.path, {"type": self._type}, self.auth)

    def target(self, current, state):
        if state == "absent":
            return None
        desired = self.desired()
        if current is None:
            self._check_type_available()
            base = self.defaults()
            base.pop("accessor")  # assigned by the server
        else:
            self._check_compatible(current, desired)
            base = copy.deepcopy(current)
        for key, value in desired.items():
            if key in ("config", "options"):
                base[key] = dict(base.get(key) or {}, **value)
            else:
                base[key] = value
        default, maximum = base["config"].get("default_lease_ttl"), base["config"].get("max_lease_ttl")
        if default and maximum and default > maximum:
            raise OptionError("%s: default_lease_ttl (%ds) would be greater than max_lease_ttl (%ds)"
                              % (self.name, default, maximum))
        return base

    def _check_type_available(self):
        """A type that is not built in must be registered in the plugin catalog (one read, nothing written)."""
        mount_type = self._type
        if mount_type in self.builtin_types or self.protected.get(self.path) == mount_type:
            return
        try:
            entry = self.client.read("sys/plugins/catalog/%s/%s" % (self.catalog, mount_type))
        except VaultApiError as exc:
            if exc.status == 403:
                return  # the token cannot read the catalog: the server has the last word when enabling
            if exc.status != 400:
                raise
            entry = None
        if entry is None:
            raise OptionError("unknown %s %r: it is neither built in nor registered in the plugin catalog "
                              "(sys/plugins/catalog/%s); built-in types are: %s"
                              % (self.noun, mount_type, self.catalog, ", ".join(sorted(self.builtin_types))))

    def _check_compatible(self, current, desired):
        """Refuse what tune cannot do, before anything is written."""
        if current["type"] != desired["type"]:
            raise OptionError(
                "%s is of type %r, not %r: the type of an existing mount cannot be changed. Disable it first "
                "(state=absent, which deletes everything stored under it) and enable it again"
                % (self.name, current["type"], desired["type"]))
        for key in ENABLE_ONLY:
            if key in desired and desired[key] != current[key]:
                raise OptionError(
                    "%s: %s can only be set when the mount is enabled (it is %s, wanted %s); disable and "
                    "re-enable the mount to change it" % (self.name, key, _yaml_bool(current[key]), _yaml_bool(desired[key])))
        wanted = (desired.get("options") or {}).get("version")
        have = current["options"].get("version")
        if current["type"] in KV_TYPES and wanted and have and int(wanted) < int(have):
            raise OptionError("%s is KV version %s and cannot be downgraded to version %s"
                              % (self.name, have, wanted))

    def present(self, state):
        return super().present(state) or {}  # documented as empty when absent

    # -- writes --------------------------------------------------------------------------------------
    def create(self, target):
        body = {"type": target["type"]}
        for key in ("description",) + ENABLE_ONLY:
            if key in target:
                body[key] = target[key]
        if target.get("options"):
            body["options"] = target["options"]
        config = {}
        for key, value in target["config"].items():
            config[key] = _ttl_value(value) if key in TTL_KEYS else value
        # Only send what differs from a fresh mount, so the server fills in its own defaults.
        fresh = self.defaults()["config"]
        body["config"] = {key: config[key] for key, value in target["config"].items() if fresh.get(key) != value}
        self.client.write(self.api_path, body)
        return self.read()

    def update(self, current, target, delta):
        body = {}
        if "description" in delta:
            body["description"] = target["description"]
        for key, value in changes(current["config"], target["config"]).items():
            body[key] = _ttl_value(value) if key in TTL_KEYS else value
        options = changes(current["options"], target["options"])
        if options:
            body["options"] = options
        if body:
            self.client.write(self.api_path + "/tune", body)
        return self.read()

    def delete(self, current):
        self.client.delete(self.api_path)


class SecretsEngineResource(MountResource):
    kind = "secrets engine"
    base = "sys/mounts"
    type_option = "engine_type"
    catalog = "secret"
    builtin_types = SECRET_BUILTINS
    protected = {"sys": "system", "cubbyhole": "cubbyhole", "identity": "identity"}
    auth = False
    noun = "engine type"
    #: options of citadel.secrets.vault_secrets_engine (and of a ``secrets_engines`` entry of citadel.secrets.vault_config)
    argspec = dict(
        path=dict(type="str", required=True),
        engine_type=dict(type="str", aliases=["type"]),
        description=dict(type="str"),
        default_lease_ttl=dict(type="raw"),
        max_lease_ttl=dict(type="raw"),
        options=dict(type="dict"),
        audit_non_hmac_request_keys=dict(type="list", elements="str", no_log=False),
        audit_non_hmac_response_keys=dict(type="list", elements="str", no_log=False),
        listing_visibility=dict(type="str", choices=["unauth", "hidden"]),
        passthrough_request_headers=dict(type="list", elements="str", no_log=False),
        allowed_response_headers=dict(type="list", elements="str"),
        local=dict(type="bool"),
        seal_wrap=dict(type="bool"),
        external_entropy_access=dict(type="bool"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = dict(required_if=[("state", "present", ("engine_type",))])


class AuthMethodResource(MountResource):
    kind = "auth method"
    base = "sys/auth"
    type_option = "method_type"
    catalog = "auth"
    builtin_types = AUTH_BUILTINS
    protected = {"token": "token"}
    auth = True
    noun = "auth method type"
    #: options of citadel.secrets.vault_auth_method (and of a ``auth_methods`` entry of citadel.secrets.vault_config)
    argspec = dict(
        path=dict(type="str", required=True),
        method_type=dict(type="str", aliases=["type"]),
        description=dict(type="str"),
        default_lease_ttl=dict(type="raw"),
        max_lease_ttl=dict(type="raw"),
        options=dict(type="dict"),
        audit_non_hmac_request_keys=dict(type="list", elements="str", no_log=False),
        audit_non_hmac_response_keys=dict(type="list", elements="str", no_log=False),
        listing_visibility=dict(type="str", choices=["unauth", "hidden"]),
        passthrough_request_headers=dict(type="list", elements="str", no_log=False),
        allowed_response_headers=dict(type="list", elements="str"),
        token_type=dict(type="str", choices=["default-service", "default-batch", "service", "batch"], no_log=False),
        local=dict(type="bool"),
        seal_wrap=dict(type="bool"),
        external_entropy_access=dict(type="bool"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = dict(required_if=[("state", "present", ("method_type",))])


KINDS = {"secret": SecretsEngineResource, "auth": AuthMethodResource}


def read_mounts(client, kind="secret"):
    """Every mount of one kind (``secret`` or ``auth``), normalised, keyed by path without the slash."""
    resource = KINDS[kind]
    body = client.read(resource.base) or {}
    data = body.get("data") or {key: value for key, value in body.items() if isinstance(value, dict)
                                and "type" in value}
    return {normalise_path(path): normalise_mount(path, entry, resource.auth)
            for path, entry in sorted(data.items()) if isinstance(entry, dict)}
