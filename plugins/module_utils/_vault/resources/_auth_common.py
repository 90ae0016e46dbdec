# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the configuration and the roles of login methods (JWT/OIDC, Kubernetes, ...) have in common.

``AuthConfigResource``: ``auth/<mount>/config``. The server replaces the whole configuration on every write
(a field left out is reset), cannot delete it, and never returns its write-only secret (an OIDC client
secret, a token-reviewer JWT). So:

- the target is the current configuration with the task's options on top, and every write sends all of it,
  including readable fields these modules do not manage, so nothing set elsewhere is lost;
- the secret is sent when the configuration is first written, whenever another field changes (the write
  would erase it otherwise) and, with ``update_secret: always``, on every run (reported as a change);
- when a write is needed, the server may hold a secret, and the task did not give it, the task fails before
  writing instead of silently erasing it (an empty string clears it on purpose).

``AuthRoleResource``: ``auth/<mount>/role/<name>``. Roles are created whole and updated field by field (the
server keeps fields a write leaves out), so an update sends only what differs; ``token_*`` fields come from
``_token_fields``. Both kinds check first, through ``sys/internal/ui/mounts/auth/<mount>``, that the mount
holds the expected method, so a role is never written into another method's mount of the same shape.
"""

from __future__ import annotations

import copy
import json

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _token_fields
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import normalise_path

UPDATE_SECRET = ("always", "on_create")


# -- small normalisers ---------------------------------------------------------------------------------
def sorted_strings(values):
    """A list compared as a set: strings trimmed, blanks and duplicates dropped, sorted."""
    return sorted({str(v).strip() for v in values or () if str(v).strip()})


def pem(text):
    """PEM text as compared: surrounding whitespace and line-ending differences ignored."""
    return "\n".join(line.strip() for line in str(text or "").replace("\r\n", "\n").strip().split("\n"))


def pem_list(values, option=None):
    """A list of PEM blocks compared as a set; with ``option``, each must look like PEM."""
    result = set()
    for value in values or ():
        text = pem(value)
        if option and "-----BEGIN " not in text:
            raise OptionError("%s: every entry must be a PEM block (-----BEGIN ...), got one that is not" % option)
        if text:
            result.add(text)
    return sorted(result)


def json_value(value, option):
    """A dict/list option as JSON would store it (ints stay ints, tuples become lists)."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        raise OptionError("%s: every value must be a JSON type (string, number, boolean, list or dict)" % option)


def leeway(value, option):
    """A claim leeway in seconds; ``-1`` means no leeway at all (the server's own convention)."""
    if value is None:
        return None
    if not isinstance(value, bool) and str(value).strip() == "-1":
        return -1
    return to_seconds(value, option)


def check_auth_mount(client, mount, types, method):
    """Raise unless ``auth/<mount>/`` holds one of ``types``; a token that may not ask gets the benefit of the doubt."""
    try:
        body = client.request("GET", "sys/internal/ui/mounts/auth/%s" % mount)
    except VaultApiError as exc:
        if exc.status == 403 and any("preflight capability check" in e for e in exc.errors):
            raise OptionError("no auth method is mounted at auth/%s/ (or the token may not use it): enable it with "
                              "citadel.secrets.vault_auth_method (method_type: %s)" % (mount, method), status=403)
        if exc.status in (400, 403, 404):
            return
        raise
    data = (body or {}).get("data") or {}
    kind = data.get("type")
    found = normalise_path(data.get("path"))
    if found and found != mount:
        raise OptionError("auth/%s/ is not a mount: it lies inside the %s mount auth/%s/" % (mount, kind, found))
    if kind and kind not in types:
        raise OptionError("auth/%s/ is a %s auth method, not %s" % (mount, kind, method))


# -- configuration -----------------------------------------------------------------------------------------
class AuthConfigResource(Resource):
    """Subclasses set ``method``, ``types``, ``default_mount``, ``secret`` (the write-only option), ``read_only``
    (keys of a read never written back) and implement ``normalise(data)``, ``desired()``, ``check_target(target)``
    and ``secret_may_be_set(current)``."""

    kind = "auth method configuration"
    result_key = "config"
    method = None
    types = ()
    default_mount = None
    secret = None
    read_only = ()

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self.secret_paths = (self.secret,)
        self._raw = {}

    @property
    def mount(self):
        return normalise_path(self.params.get("mount") or self.default_mount)

    @property
    def path(self):
        return "auth/%s/config" % self.mount

    @property
    def name(self):
        return "%s configuration at auth/%s/" % (self.method, self.mount)

    def validate(self):
        if not self.mount:
            raise OptionError("mount cannot be empty")
        if self.params.get("update_secret") not in UPDATE_SECRET:
            raise OptionError("update_secret must be always or on_create")
        self._desired = self.desired()

    def read(self):
        check_auth_mount(self.client, self.mount, self.types, self.method)
        body = self.client.read(self.path)
        if body is None:
            self._raw = {}
            return None
        self._raw = (body or {}).get("data") or {}
        return self.normalise(self._raw)

    def target(self, current, state):
        target = copy.deepcopy(current) if current is not None else self.defaults()
        target.update(self._desired)
        self.check_target(target, current)
        given = self.params.get(self.secret)
        must_write = current is None or target != current
        if given is not None and (must_write or self.params.get("update_secret") == "always"):
            target[self.secret] = given
            self.secret_written(target, given)
        elif must_write and given is None and current is not None and self.secret_may_be_set(current, target):
            raise OptionError(
                "%s: the server replaces the whole configuration on each write and never returns %s, so this change "
                "would erase the one it holds; give %s too (an empty string removes it on purpose)"
                % (self.path, self.secret, self.secret))
        return target

    def apply(self, current, target):
        body = {key: value for key, value in self._raw.items() if key not in self.read_only}
        body.update(self.body(target))
        self.client.write(self.path, body)
        return self.read()

    def present(self, state):
        if state is None:
            return {}
        return {key: value for key, value in state.items() if key != self.secret}

    # -- hooks ---------------------------------------------------------------------------------
    def defaults(self):
        return self.normalise({})

    def check_target(self, target, current):
        """Raise ``OptionError`` for a combination the server would refuse (after merging with the current state)."""

    def secret_may_be_set(self, current, target):
        return False

    def secret_written(self, target, value):
        """Adjust readable fields that reflect the secret (``token_reviewer_jwt_set``)."""

    def body(self, target):
        return dict(target)


# -- roles -----------------------------------------------------------------------------------------------
class AuthRoleResource(Resource):
    """Subclasses set ``method``, ``types``, ``default_mount``, ``DEFAULTS`` (method fields of a new role) and
    implement ``own_normalise(data)`` and ``own_desired()``."""

    kind = "role"
    result_key = "role"
    method = None
    types = ()
    default_mount = None
    DEFAULTS = {}

    @property
    def mount(self):
        return normalise_path(self.params.get("mount") or self.default_mount)

    @property
    def role_name(self):
        return (self.params.get("name") or "").strip()

    @property
    def path(self):
        return "auth/%s/role/%s" % (self.mount, self.role_name)

    @property
    def name(self):
        return "%s role %r at auth/%s/" % (self.method, self.role_name, self.mount)

    def validate(self):
        if not self.mount:
            raise OptionError("mount cannot be empty")
        if not self.role_name or "/" in self.role_name:
            raise OptionError("name must be a non-empty role name without '/', got %r" % self.params.get("name"))
        desired = _token_fields.desired(self.params)
        desired.update(self.own_desired())
        self._desired = desired

    def read(self):
        check_auth_mount(self.client, self.mount, self.types, self.method)
        body = self.client.read(self.path)
        if body is None:
            return None
        data = (body or {}).get("data") or {}
        state = self.own_normalise(data)
        state.update(_token_fields.normalise(data))
        return state

    def desired(self):
        return dict(self._desired)

    def target(self, current, state):
        if state == "absent":
            return None
        if current is None:
            target = dict(copy.deepcopy(self.DEFAULTS), **copy.deepcopy(_token_fields.DEFAULTS))
        else:
            target = copy.deepcopy(current)
        target.update(self.desired())
        _token_fields.check_against(target)
        return target

    def create(self, target):
        self.client.write(self.path, self.write_body(None, target, self.desired()))
        return self.read()

    def update(self, current, target, delta):
        self.client.write(self.path, self.write_body(current, target, delta))
        return self.read()

    def delete(self, current):
        self.client.delete(self.path)

    def write_body(self, current, target, delta):
        """The request body: on create the options given, on update what differs."""
        return dict(delta)

    def own_normalise(self, data):
        raise NotImplementedError

    def own_desired(self):
        raise NotImplementedError
