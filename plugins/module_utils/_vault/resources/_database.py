# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The database secrets engine: connections (``<mount>/config/<name>``), dynamic roles (``<mount>/roles/<name>``)
and static roles (``<mount>/static-roles/<name>``).

The server stores a connection's plugin-specific settings under ``connection_details`` exactly as they were
sent (``"5"`` or ``5``, ``"1h"`` or ``3600``) and never returns the root password; the state here flattens
those details next to the common settings, with numbers as ints and durations in seconds. The password is
write-only: it is sent when the connection is created, or on every run with ``update_password=always``;
its presence in a target (a placeholder, never the value) marks a planned password write or root rotation.

Writes always carry the whole target (the server merges updates with what it has), so a write never depends
on which keys happened to differ.
"""

from __future__ import annotations

import re

from ansible_collections.citadel.secrets.plugins.module_utils import _redact
from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    CitadelError, OptionError)
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource, run_steps
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError

#: stands for a password the task will write (or the server will generate); never a real value
PLANNED = "(write-only)"
MIN_ROTATION_PERIOD = 5  # seconds; both servers refuse less

INT_DETAILS = ("max_open_connections", "max_idle_connections")
STR_DETAILS = ("connection_url", "username", "username_template", "password_authentication")
BOOL_DETAILS = ("disable_escaping",)
DURATION_DETAILS = ("max_connection_lifetime",)
DETAILS = STR_DETAILS + INT_DETAILS + BOOL_DETAILS + DURATION_DETAILS

_NAME = re.compile(r"^[^/\s]+$")
_URL_PASSWORD = re.compile(r"://[^/@?#]*?:(?P<pw>[^/@?#]*)@")
_DSN_PASSWORD = re.compile(r"(?:^|[\s?&])password=(?P<pw>[^\s&]*)", re.IGNORECASE)


# -- helpers ---------------------------------------------------------------------------------------
def mount_of(params):
    mount = (params.get("mount") or "").strip("/")
    if not mount:
        raise OptionError("mount cannot be empty (the database secrets engine's path, for example 'database')")
    return mount


def check_name(value, option="name"):
    if not value or not _NAME.match(value):
        raise OptionError("%s: %r is not a valid name (it must be non-empty, without '/' or spaces)" % (option, value))
    return value


def statements(value, option):
    """A statement option as the list of strings the server stores; ``None`` stays ``None``.

    A single string is one entry (the server passes it to the database as one batch; SQL commas are safe).
    """
    if value is None:
        return None
    if isinstance(value, str):
        return [value] if value.strip() else []
    if not isinstance(value, (list, tuple)):
        raise OptionError("%s must be a string or a list of strings, got %s" % (option, type(value).__name__))
    bad = [item for item in value if not isinstance(item, str)]
    if bad:
        raise OptionError("%s: every statement must be a string, got %s" % (option, type(bad[0]).__name__))
    return [item for item in value if item.strip()]


def _go_bool(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "t", "true", "yes")


def ttl_pair_check(default_ttl, max_ttl, what):
    if default_ttl and max_ttl and default_ttl > max_ttl:
        raise OptionError("%s: default_ttl (%ds) cannot be longer than max_ttl (%ds)" % (what, default_ttl, max_ttl))


def scrubbed(exc, values):
    """``exc`` with every given secret value removed from its message (server errors may quote input)."""
    msg = _redact.scrub_text(exc.msg, values)
    if msg != exc.msg:
        exc.msg = msg
        exc.args = (msg,)
    return exc


class _DatabaseObject(Resource):
    """Shared identity of objects under a database mount."""

    collection = ""

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._raw = None

    @property
    def mount(self):
        return mount_of(self.params)

    @property
    def path(self):
        return "%s/%s/%s" % (self.mount, self.collection, self.params["name"])

    @property
    def name(self):
        return "%s %r (mount %r)" % (self.kind, self.params.get("name"), (self.params.get("mount") or "").strip("/"))

    def _read_raw(self):
        body = self.client.read(self.path)
        self._raw = None if body is None else (body.get("data") or {})
        return self._raw

    def delete(self, current):
        self.client.delete(self.path)


# -- connections -----------------------------------------------------------------------------------
def connection_state(name, data):
    details = data.get("connection_details") or {}
    state = {
        "name": name,
        "plugin_name": data.get("plugin_name") or "",
        "plugin_version": data.get("plugin_version") or "",
        "allowed_roles": sorted(data.get("allowed_roles") or []),
        "password_policy": data.get("password_policy") or "",
        "root_rotation_statements": list(data.get("root_credentials_rotate_statements") or []),
    }
    for key in STR_DETAILS:
        if key in details:
            state[key] = str(details[key])
    for key in INT_DETAILS:
        if key in details:
            try:
                state[key] = int(details[key])
            except (TypeError, ValueError):
                state[key] = details[key]
    for key in BOOL_DETAILS:
        if key in details:
            state[key] = _go_bool(details[key])
    for key in DURATION_DETAILS:
        if key in details:
            try:
                state[key] = to_seconds(details[key], key)
            except OptionError:
                state[key] = details[key]
    return state


class ConnectionResource(_DatabaseObject):
    kind = "database connection"
    collection = "config"
    result_key = "connection"
    secret_paths = ("password",)
    #: options of citadel.secrets.vault_database_connection (and of a ``database_connections`` entry of citadel.secrets.vault_config)
    argspec = dict(
        mount=dict(type="str", default="database"),
        name=dict(type="str", required=True),
        plugin_name=dict(type="str"),
        plugin_version=dict(type="str"),
        connection_url=dict(type="str"),
        username=dict(type="str"),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
        allowed_roles=dict(type="list", elements="str"),
        verify_connection=dict(type="bool", default=True),
        password_policy=dict(type="str", no_log=False),
        root_rotation_statements=dict(type="raw"),
        max_open_connections=dict(type="int"),
        max_idle_connections=dict(type="int"),
        max_connection_lifetime=dict(type="raw"),
        username_template=dict(type="str"),
        disable_escaping=dict(type="bool"),
        password_authentication=dict(type="str", choices=["password", "scram-sha-256"], no_log=False),
        rotate_root=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    def validate(self):
        p = self.params
        mount_of(p)
        check_name(p["name"])
        self._password_sent = False
        self._rotate = bool(p.get("rotate_root"))
        if (p.get("state") or "present") == "absent":
            given = [k for k in ("plugin_name", "connection_url", "password", "allowed_roles") if p.get(k) is not None]
            if self._rotate:
                given.append("rotate_root")
            if given:
                raise OptionError("%s cannot be used with state=absent" % ", ".join(given))
            return
        desired = {"name": p["name"]}
        for key in ("plugin_name", "plugin_version", "password_policy") + STR_DETAILS:
            if p.get(key) is not None:
                desired[key] = p[key]
        if p.get("plugin_name") is not None and not re.match(r"^[A-Za-z0-9._-]+$", p["plugin_name"]):
            raise OptionError("plugin_name: %r is not a plugin name (for example postgresql-database-plugin)"
                              % p["plugin_name"])
        if p.get("allowed_roles") is not None:
            roles = [r.strip() for r in p["allowed_roles"]]
            if any(not r for r in roles):
                raise OptionError("allowed_roles cannot contain empty names")
            desired["allowed_roles"] = sorted(set(roles))
        rotation = statements(p.get("root_rotation_statements"), "root_rotation_statements")
        if rotation is not None:
            desired["root_rotation_statements"] = rotation
        for key in INT_DETAILS:
            if p.get(key) is not None:
                if key == "max_open_connections" and p[key] < 1:
                    raise OptionError("max_open_connections must be at least 1")
                desired[key] = p[key]
        for key in BOOL_DETAILS:
            if p.get(key) is not None:
                desired[key] = bool(p[key])
        for key in DURATION_DETAILS:
            if p.get(key) is not None:
                desired[key] = to_seconds(p[key], key)
        url = p.get("connection_url")
        if url is not None:
            self._check_url(url)
        if p.get("password") is not None and not p["password"]:
            raise OptionError("password cannot be empty")
        self._desired = desired

    def _check_url(self, url):
        p = self.params
        if not url.strip():
            raise OptionError("connection_url cannot be empty")
        for pattern in (_URL_PASSWORD, _DSN_PASSWORD):
            match = pattern.search(url)
            if match and match.group("pw") not in ("{{password}}", "{{ password }}", ""):
                raise OptionError("connection_url contains a literal password: write {{password}} in its place and "
                                  "pass the password in the password option (mark the URL !unsafe so Ansible "
                                  "leaves the braces alone); the server would otherwise keep it in readable "
                                  "configuration and root rotation could not work")
        if p.get("password") is not None and "{{password}}" not in url.replace(" ", ""):
            raise OptionError("connection_url has no {{password}} placeholder, so the password option would not be "
                              "used; write the URL as for example postgresql://{{username}}:{{password}}@host:5432/db "
                              "and mark it !unsafe (or wrap it in {% raw %}) so Ansible does not template it")
        if self._rotate and "{{password}}" not in url.replace(" ", ""):
            raise OptionError("rotate_root needs a connection_url templated with {{username}} and {{password}}")

    def read(self):
        data = self._read_raw()
        return None if data is None else connection_state(self.params["name"], data)

    def desired(self):
        return dict(self._desired)

    def target(self, current, state):
        if state == "absent":
            return None
        desired = self.desired()
        p = self.params
        if current is None:
            if not desired.get("plugin_name"):
                raise OptionError("%s does not exist: plugin_name is required to create it "
                                  "(for example postgresql-database-plugin)" % self.name)
            target = desired
        else:
            target = dict(current)
            target.update(desired)
        self._password_sent = p.get("password") is not None and (
            current is None or p.get("update_password") == "always")
        if self._password_sent or self._rotate:
            target["password"] = PLANNED
        return target

    def apply(self, current, target):
        if target is None:
            self.delete(current)
            return None
        steps = []
        settings = {k: v for k, v in target.items() if k != "password"}
        if current is None or self._password_sent or settings != current:
            steps.append(("configuration", lambda: self._write(settings)))
        if self._rotate:
            steps.append(("root credential rotation",
                          lambda: self.client.write("%s/rotate-root/%s" % (self.mount, self.params["name"]))))
        try:
            run_steps(self.name, steps)
        except CitadelError as exc:
            raise scrubbed(exc, [self.params.get("password")])
        return self.read()

    def _write(self, settings):
        body = {k: v for k, v in settings.items() if k != "name"}
        for key in DURATION_DETAILS:
            if key in body:
                body[key] = "%ds" % body[key]
        body["verify_connection"] = bool(self.params.get("verify_connection", True))
        if self._password_sent:
            body["password"] = self.params["password"]
        try:
            self.client.write(self.path, body)
        except VaultApiError as exc:
            text = "; ".join(exc.errors)
            if "plugin not found in the catalog" in text:
                raise CitadelError("%s: plugin_name %r is not in the server's plugin catalog, nothing was stored "
                                   "(built-in plugins are named like postgresql-database-plugin)"
                                   % (self.name, settings.get("plugin_name")), status=exc.status, path=exc.path)
            if "error verifying connection" in text:
                raise CitadelError("%s: the server could not connect to the database with these settings, so nothing "
                                   "was stored (verify_connection=false stores them unchecked): %s"
                                   % (self.name, text.split("error verifying connection: ", 1)[-1]),
                                   status=exc.status, path=exc.path)
            raise

    def present(self, state):
        if state is None:
            return {}
        return {k: v for k, v in state.items() if k != "password"}

    def extra_result(self, current, target, changed):
        return {"root_rotated": bool(changed and self._rotate)}


# -- dynamic roles ---------------------------------------------------------------------------------
ROLE_STATEMENTS = ("creation_statements", "revocation_statements", "rollback_statements", "renew_statements")


def role_state(name, data):
    state = {"name": name, "db_name": data.get("db_name") or ""}
    for key in ROLE_STATEMENTS:
        state[key] = list(data.get(key) or [])
    state["default_ttl"] = to_seconds(data.get("default_ttl") or 0, "default_ttl")
    state["max_ttl"] = to_seconds(data.get("max_ttl") or 0, "max_ttl")
    return state


class RoleResource(_DatabaseObject):
    kind = "database role"
    collection = "roles"
    result_key = "role"
    #: options of citadel.secrets.vault_database_role (and of a ``database_roles`` entry of citadel.secrets.vault_config)
    argspec = dict(
        mount=dict(type="str", default="database"),
        name=dict(type="str", required=True),
        db_name=dict(type="str"),
        creation_statements=dict(type="raw"),
        revocation_statements=dict(type="raw"),
        rollback_statements=dict(type="raw"),
        renew_statements=dict(type="raw"),
        default_ttl=dict(type="raw"),
        max_ttl=dict(type="raw"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    def validate(self):
        p = self.params
        mount_of(p)
        check_name(p["name"])
        if (p.get("state") or "present") == "absent":
            return
        desired = {"name": p["name"]}
        if p.get("db_name") is not None:
            desired["db_name"] = check_name(p["db_name"], "db_name")
        for key in ROLE_STATEMENTS:
            value = statements(p.get(key), key)
            if value is not None:
                desired[key] = value
        if desired.get("creation_statements") == []:
            raise OptionError("creation_statements cannot be empty: they create the database user")
        for key in ("default_ttl", "max_ttl"):
            value = to_seconds(p.get(key), key)
            if value is not None:
                desired[key] = value
        ttl_pair_check(desired.get("default_ttl"), desired.get("max_ttl"), "role %r" % p["name"])
        self._desired = desired

    def read(self):
        data = self._read_raw()
        return None if data is None else role_state(self.params["name"], data)

    def desired(self):
        return dict(self._desired)

    def target(self, current, state):
        if state == "absent":
            return None
        desired = self.desired()
        if current is None:
            missing = [k for k in ("db_name", "creation_statements") if not desired.get(k)]
            if missing:
                raise OptionError("%s does not exist: %s required to create it"
                                  % (self.name, " and ".join(missing) + (" are" if len(missing) > 1 else " is")))
            target = {"name": desired["name"], "db_name": "", "default_ttl": 0, "max_ttl": 0}
            target.update({k: [] for k in ROLE_STATEMENTS})
        else:
            target = dict(current)
        target.update(desired)
        ttl_pair_check(target["default_ttl"], target["max_ttl"], "role %r" % desired["name"])
        return target

    def create(self, target):
        body = {k: v for k, v in target.items() if k != "name"}
        self.client.write(self.path, body)
        return self.read()

    def update(self, current, target, delta):
        return self.create(target)


# -- static roles ----------------------------------------------------------------------------------
def static_role_state(name, data):
    return {
        "name": name,
        "db_name": data.get("db_name") or "",
        "username": data.get("username") or "",
        "rotation_period": to_seconds(data.get("rotation_period") or 0, "rotation_period"),
        "rotation_statements": list(data.get("rotation_statements") or []),
    }


class StaticRoleResource(_DatabaseObject):
    kind = "database static role"
    collection = "static-roles"
    result_key = "static_role"
    secret_paths = ("password",)
    #: options of citadel.secrets.vault_database_static_role (and of a ``database_static_roles`` entry of citadel.secrets.vault_config)
    argspec = dict(
        mount=dict(type="str", default="database"),
        name=dict(type="str", required=True),
        db_name=dict(type="str"),
        username=dict(type="str"),
        rotation_period=dict(type="raw"),
        rotation_statements=dict(type="raw"),
        rotate=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    def validate(self):
        p = self.params
        mount_of(p)
        check_name(p["name"])
        self._rotate = bool(p.get("rotate"))
        if (p.get("state") or "present") == "absent":
            if self._rotate:
                raise OptionError("rotate cannot be used with state=absent")
            return
        desired = {"name": p["name"]}
        if p.get("db_name") is not None:
            desired["db_name"] = check_name(p["db_name"], "db_name")
        if p.get("username") is not None:
            if not p["username"].strip():
                raise OptionError("username cannot be empty")
            desired["username"] = p["username"]
        period = to_seconds(p.get("rotation_period"), "rotation_period")
        if period is not None:
            if period < MIN_ROTATION_PERIOD:
                raise OptionError("rotation_period must be %d seconds or more, got %ds" % (MIN_ROTATION_PERIOD, period))
            desired["rotation_period"] = period
        rotation = statements(p.get("rotation_statements"), "rotation_statements")
        if rotation is not None:
            desired["rotation_statements"] = rotation
        self._desired = desired

    def read(self):
        data = self._read_raw()
        return None if data is None else static_role_state(self.params["name"], data)

    def desired(self):
        return dict(self._desired)

    def target(self, current, state):
        if state == "absent":
            return None
        desired = self.desired()
        if current is None:
            missing = [k for k in ("db_name", "username", "rotation_period") if not desired.get(k)]
            if missing:
                raise OptionError("%s does not exist: %s needed to create it" % (self.name, ", ".join(missing)))
            target = {"rotation_statements": []}
            target.update(desired)
        else:
            if desired.get("username", current["username"]) != current["username"]:
                raise OptionError("%s manages the database user %r; the user of a static role cannot be changed: "
                                  "remove the role (state=absent) and create it again"
                                  % (self.name, current["username"]))
            target = dict(current)
            target.update(desired)
        if self._rotate:
            target["password"] = PLANNED
        return target

    def apply(self, current, target):
        if target is None:
            self.delete(current)
            return None
        settings = {k: v for k, v in target.items() if k != "password"}
        steps = []
        if current is None or settings != current:
            # username is always sent: the server reads a missing one as an attempt to change it
            body = {k: v for k, v in settings.items() if k != "name"}
            steps.append(("configuration", lambda: self.client.write(self.path, body)))
        if self._rotate:
            steps.append(("password rotation",
                          lambda: self.client.write("%s/rotate-role/%s" % (self.mount, self.params["name"]))))
        run_steps(self.name, steps)
        return self.read()

    def present(self, state):
        if state is None:
            return {}
        result = {k: v for k, v in state.items() if k != "password"}
        if (self._raw or {}).get("last_vault_rotation"):
            result["last_vault_rotation"] = self._raw["last_vault_rotation"]
        return result

    def extra_result(self, current, target, changed):
        return {"rotated": bool(changed and self._rotate)}
