# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named keys of a transit engine: ``<mount>/keys/<name>`` (create, read, delete), ``.../config`` and
``.../rotate``.

The compared state holds no key material, only the key's settings and version counters::

    {"name": "cards", "mount": "transit", "type": "aes256-gcm96", "derived": False,
     "convergent_encryption": False, "exportable": False, "allow_plaintext_backup": False,
     "deletion_allowed": False, "min_decryption_version": 1, "min_encryption_version": 0,
     "auto_rotate_period": 0, "latest_version": 1, "min_available_version": 0}      # + key_size for hmac

``type``, ``key_size``, ``derived`` and ``convergent_encryption`` are fixed when the key is created; the server
silently ignores a different value sent to an existing key, so a task asking for one fails instead.
``exportable`` and ``allow_plaintext_backup`` only ever go from false to true. A rotation adds one version,
which is how check mode predicts ``latest_version``. The minimum versions are checked against the latest
version the key will have (after a rotation asked for in the same task) before anything is written.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    CitadelError, OptionError)
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import normalise_path

ENCRYPTION_TYPES = ("aes128-gcm96", "aes256-gcm96", "chacha20-poly1305")
KEY_TYPES = ENCRYPTION_TYPES + ("ed25519", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521",
                                "rsa-2048", "rsa-3072", "rsa-4096", "hmac")
DERIVABLE_TYPES = ENCRYPTION_TYPES + ("ed25519",)
DEFAULT_TYPE = "aes256-gcm96"
HMAC_KEY_SIZES = (32, 512)
MIN_AUTO_ROTATE = 3600

#: settable only when the key is created
CREATE_ONLY = ("type", "key_size", "derived", "convergent_encryption")
#: may be turned on (at creation or later) but never off again
ONE_WAY = ("exportable", "allow_plaintext_backup")
#: written through <mount>/keys/<name>/config
CONFIG_KEYS = ("min_decryption_version", "min_encryption_version", "deletion_allowed",
               "exportable", "allow_plaintext_backup", "auto_rotate_period")
#: sent with the creation request when given
CREATE_KEYS = ("type", "key_size", "derived", "convergent_encryption", "exportable", "allow_plaintext_backup",
               "auto_rotate_period")
#: options that mean something only with state=present
PRESENT_ONLY = ("type", "key_size", "derived", "convergent_encryption", "exportable", "allow_plaintext_backup",
                "min_decryption_version", "min_encryption_version", "auto_rotate_period")


def normalise(mount, raw):
    """The compared state of a key from the server's ``data`` (Vault and OpenBao report the same fields)."""
    state = {
        "name": raw.get("name"),
        "mount": mount,
        "type": raw.get("type"),
        "derived": bool(raw.get("derived")),
        "convergent_encryption": bool(raw.get("convergent_encryption")),
        "exportable": bool(raw.get("exportable")),
        "allow_plaintext_backup": bool(raw.get("allow_plaintext_backup")),
        "deletion_allowed": bool(raw.get("deletion_allowed")),
        "min_decryption_version": int(raw.get("min_decryption_version") or 1),
        "min_encryption_version": int(raw.get("min_encryption_version") or 0),
        "auto_rotate_period": to_seconds(raw.get("auto_rotate_period") or 0, "auto_rotate_period"),
        "latest_version": int(raw.get("latest_version") or 0),
        "min_available_version": int(raw.get("min_available_version") or 0),
    }
    if state["type"] == "hmac":
        state["key_size"] = int(raw.get("key_size") or 0)
    return state


def check_transit_mount(client, mount):
    """Refuse a path that is not a transit engine, where ``keys/<name>`` would be something else entirely.

    Asked only when the key looks absent; a token that may not ask (403) is given the benefit of the doubt.
    """
    try:
        body = client.request("GET", "sys/internal/ui/mounts/%s" % mount)
    except VaultApiError as exc:
        if exc.status in (400, 403, 404):
            body = None
        else:
            raise
    info = (body or {}).get("data") or {}
    kind = info.get("type")
    if kind is None:
        if body is not None:
            raise OptionError("no secrets engine is mounted at %r (enable one with citadel.secrets.vault_secrets_engine "
                              "and engine_type: transit)" % mount)
        return
    found = normalise_path(info.get("path"))
    if found and found != mount:
        raise OptionError("%r is not a mount: it lies inside the %s mount %r" % (mount, kind, found))
    if kind != "transit":
        raise OptionError("mount %r is a %s engine, not transit" % (mount, kind))


class TransitKeyResource(Resource):
    kind = "transit key"
    result_key = "key"
    #: options of citadel.secrets.vault_transit_key (and of a ``transit_keys`` entry of citadel.secrets.vault_config)
    argspec = dict(
        mount=dict(type="str", default="transit"),
        name=dict(type="str", required=True),
        type=dict(type="str", choices=list(KEY_TYPES)),
        key_size=dict(type="int"),
        derived=dict(type="bool"),
        convergent_encryption=dict(type="bool"),
        exportable=dict(type="bool"),
        allow_plaintext_backup=dict(type="bool"),
        deletion_allowed=dict(type="bool"),
        min_decryption_version=dict(type="int"),
        min_encryption_version=dict(type="int"),
        auto_rotate_period=dict(type="raw"),
        rotate=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._auto_rotate = None

    @property
    def name(self):
        return "transit key %r on mount %r" % (self.params.get("name"), self.mount)

    @property
    def mount(self):
        return normalise_path(self.params.get("mount") or "transit")

    @property
    def path(self):
        return "%s/keys/%s" % (self.mount, self.params["name"])

    # -- validation -------------------------------------------------------------------------------
    def validate(self):
        p = self.params
        state = p.get("state") or "present"
        if not self.mount:
            raise OptionError("mount cannot be empty")
        key_name = (p.get("name") or "").strip()
        if not key_name or "/" in key_name:
            raise OptionError("name must be a non-empty key name without '/', got %r" % p.get("name"))
        if state == "absent":
            wrong = sorted(k for k in PRESENT_ONLY if p.get(k) is not None)
            if p.get("rotate"):
                wrong.append("rotate")
            if wrong:
                raise OptionError("%s cannot be used with state=absent" % ", ".join(wrong))
            if p.get("deletion_allowed") is False:
                raise OptionError("state=absent with deletion_allowed=false is contradictory: the server refuses to "
                                  "delete a key unless deletion_allowed is true")
            return
        key_type = p.get("type")
        if key_type is not None and key_type not in KEY_TYPES:
            raise OptionError("type %r is not a transit key type; use one of %s" % (key_type, ", ".join(KEY_TYPES)))
        effective = key_type or DEFAULT_TYPE
        key_size = p.get("key_size")
        if key_type == "hmac" and key_size is None:
            raise OptionError("type=hmac needs key_size, the key length in bytes (%d to %d)" % HMAC_KEY_SIZES)
        if key_size is not None:
            if key_type != "hmac":
                raise OptionError("key_size applies only to type=hmac (other key types have a fixed size)")
            if not HMAC_KEY_SIZES[0] <= key_size <= HMAC_KEY_SIZES[1]:
                raise OptionError("key_size must be between %d and %d bytes, got %d" % (HMAC_KEY_SIZES + (key_size,)))
        if p.get("derived") and effective not in DERIVABLE_TYPES:
            raise OptionError("derived keys exist only for types %s, not %s" % (", ".join(DERIVABLE_TYPES), effective))
        if p.get("convergent_encryption"):
            if not p.get("derived"):
                raise OptionError("convergent_encryption requires derived=true (each context derives its own key)")
            if effective not in ENCRYPTION_TYPES:
                raise OptionError("convergent_encryption exists only for the encryption types %s, not %s"
                                  % (", ".join(ENCRYPTION_TYPES), effective))
        for option in ("min_decryption_version", "min_encryption_version"):
            value = p.get(option)
            lowest = 1 if option == "min_decryption_version" else 0
            if value is not None and value < lowest:
                raise OptionError("%s must be at least %d, got %d" % (option, lowest, value))
        low_dec, low_enc = p.get("min_decryption_version"), p.get("min_encryption_version")
        if low_dec is not None and low_enc and low_enc < low_dec:
            raise OptionError("min_encryption_version (%d) cannot be lower than min_decryption_version (%d): new "
                              "ciphertexts could not be decrypted (0 means always the latest version)"
                              % (low_enc, low_dec))
        self._auto_rotate = to_seconds(p.get("auto_rotate_period"), "auto_rotate_period")
        if self._auto_rotate is not None and 0 < self._auto_rotate < MIN_AUTO_ROTATE:
            raise OptionError("auto_rotate_period must be 0 (never) or at least 1h, got %ds" % self._auto_rotate)

    # -- read -------------------------------------------------------------------------------------
    def read(self):
        try:
            body = self.client.request("GET", self.path)
        except VaultApiError as exc:
            if exc.status != 404:
                raise
            if any("no handler for route" in e for e in exc.errors):
                raise OptionError("no secrets engine is mounted at %r (%s)" % (self.mount, "; ".join(exc.errors)),
                                  status=404, path=exc.path)
            check_transit_mount(self.client, self.mount)
            return None
        raw = (body or {}).get("data") or {}
        if not raw:
            return None
        state = normalise(self.mount, raw)
        state["name"] = state["name"] or self.params["name"]
        return state

    # -- plan -------------------------------------------------------------------------------------
    def created_state(self):
        """What the key looks like right after the creation request this task would send."""
        p = self.params
        state = {
            "name": p["name"], "mount": self.mount, "type": p.get("type") or DEFAULT_TYPE,
            "derived": bool(p.get("derived")), "convergent_encryption": bool(p.get("convergent_encryption")),
            "exportable": bool(p.get("exportable")), "allow_plaintext_backup": bool(p.get("allow_plaintext_backup")),
            "deletion_allowed": False, "min_decryption_version": 1, "min_encryption_version": 0,
            "auto_rotate_period": self._auto_rotate or 0, "latest_version": 1, "min_available_version": 0,
        }
        if state["type"] == "hmac":
            state["key_size"] = p["key_size"]
        return state

    def desired(self):
        """The configuration options the user set."""
        p = self.params
        desired = {k: p[k] for k in ("min_decryption_version", "min_encryption_version", "deletion_allowed",
                                     "exportable", "allow_plaintext_backup") if p.get(k) is not None}
        if self._auto_rotate is not None:
            desired["auto_rotate_period"] = self._auto_rotate
        return desired

    def target(self, current, state):
        if state == "absent":
            if current is not None and not current["deletion_allowed"] and not self.params.get("deletion_allowed"):
                raise CitadelError(
                    "%s has deletion_allowed=false, so the server refuses to delete it; add deletion_allowed: true to "
                    "this task to allow and delete it in one go. Nothing was changed" % self.name, path=self.path)
            return None
        p = self.params
        if current is not None:
            for option in CREATE_ONLY:
                given = p.get(option)
                if given is not None and given != current.get(option, False if option != "key_size" else None):
                    raise OptionError(
                        "%s is fixed when a key is created: %s is %s, the task asks for %s. Create a new key (and "
                        "rewrap the data to it) instead; nothing was changed"
                        % (option, self.name, _show(current.get(option)), _show(given)))
            for option in ONE_WAY:
                if current[option] and p.get(option) is False:
                    raise OptionError("%s cannot be turned off once enabled (%s has %s=true); nothing was changed"
                                      % (option, self.name, option))
        target = dict(current if current is not None else self.created_state())
        if p.get("rotate"):
            target["latest_version"] += 1
        target.update(self.desired())
        self._check_versions(current, target)
        return target

    def _check_versions(self, current, target):
        latest = target["latest_version"]
        rotating = " after the rotation this task asks for" if self.params.get("rotate") else ""
        for option in ("min_decryption_version", "min_encryption_version"):
            if target[option] > latest:
                raise OptionError("%s=%d is above the latest version of %s, which is %d%s; rotate first (rotate: true) "
                                  "or lower it. Nothing was changed" % (option, target[option], self.name, latest, rotating))
        if target["min_encryption_version"] and target["min_encryption_version"] < target["min_decryption_version"]:
            raise OptionError("min_encryption_version (%d) would be lower than min_decryption_version (%d) on %s; raise "
                              "it too or set it to 0 (always the latest). Nothing was changed"
                              % (target["min_encryption_version"], target["min_decryption_version"], self.name))
        trimmed = target["min_available_version"]
        if current is not None and trimmed and target["min_decryption_version"] < trimmed:
            raise OptionError("versions below %d of %s were trimmed and cannot be restored: min_decryption_version must "
                              "be at least %d. Nothing was changed" % (trimmed, self.name, trimmed))

    # -- write ------------------------------------------------------------------------------------
    def apply(self, current, target):
        steps = []
        if target is None:
            if not current["deletion_allowed"]:
                steps.append(("config (deletion_allowed)",
                              lambda: self.client.write(self.path + "/config", {"deletion_allowed": True})))
            steps.append(("delete", lambda: self.client.delete(self.path)))
            self.run_steps(steps)
            return None
        before = current
        if current is None:
            before = self.created_state()
            steps.append(("create", lambda: self.client.write(self.path, self._create_body())))
        if self.params.get("rotate"):
            steps.append(("rotate (version %d)" % target["latest_version"],
                          lambda: self.client.write(self.path + "/rotate", {})))
        delta = {k: target[k] for k in CONFIG_KEYS if before[k] != target[k]}
        if delta:
            body = dict(delta)
            if "auto_rotate_period" in body:
                body["auto_rotate_period"] = "%ds" % body["auto_rotate_period"]
            steps.append(("config (%s)" % ", ".join(sorted(delta)),
                          lambda: self.client.write(self.path + "/config", body)))
        self.run_steps(steps)
        return self.read()

    def _create_body(self):
        state = self.created_state()
        body = {}
        for key in CREATE_KEYS:
            if key in state and (key == "type" or state[key]):
                body[key] = state[key]
        if "auto_rotate_period" in body:
            body["auto_rotate_period"] = "%ds" % body["auto_rotate_period"]
        return body

    # -- presentation -----------------------------------------------------------------------------

    def present(self, state):
        return dict(state) if state else {}

    def extra_result(self, current, target, changed):
        return {"latest_version": (target or {}).get("latest_version", 0)}


def _show(value):
    return "unset" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
