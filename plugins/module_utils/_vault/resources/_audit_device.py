# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Audit devices at ``sys/audit/<path>`` (file, socket, syslog).

The server stores ``options`` as a string map exactly as sent (a JSON ``true`` becomes ``"1"``), so both
sides are brought to one canonical string per option before comparing: booleans ``"true"``/``"false"``,
``mode`` four octal digits, ``write_timeout`` ``"<n>s"``/``"<n>ms"``, ``facility`` upper case. Only the
option keys the user set are compared.

An enabled device cannot be modified through the API: any difference is applied by disabling the device
and enabling it again. OpenBao (2.3.2 and later) refuses API creation unless the server configuration sets
``unsafe_allow_api_audit_creation = true``; that setting is read from ``sys/config/state/sanitized`` before
anything is disabled, so a device is not removed when it could not be re-created.
"""

from __future__ import annotations

import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    CitadelError, OptionError, PartialApplyError)
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError

TYPES = ("file", "socket", "syslog")
BOOLEAN_OPTIONS = ("elide_list_responses", "hmac_accessor", "log_raw", "fallback")
COMMON_OPTIONS = ("elide_list_responses", "format", "hmac_accessor", "log_raw", "prefix",
                  # HashiCorp Vault Enterprise only; OpenBao ignores them
                  "exclude", "fallback", "filter")
OPTIONS = {
    "file": ("file_path", "mode") + COMMON_OPTIONS,
    "socket": ("address", "socket_type", "write_timeout") + COMMON_OPTIONS,
    "syslog": ("facility", "tag") + COMMON_OPTIONS,
}
REQUIRED = {"file": "file_path", "socket": "address"}
FORMATS = ("json", "jsonx")
SOCKET_TYPES = ("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", "unixgram", "unixpacket")
FACILITIES = ("KERN", "USER", "MAIL", "DAEMON", "AUTH", "SYSLOG", "LPR", "NEWS", "UUCP", "CRON", "AUTHPRIV",
              "FTP") + tuple("LOCAL%d" % n for n in range(8))
_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_GO_FALSE = ("0", "f", "F", "FALSE", "false", "False")
_DURATION_UNITS = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "ms": 1, "s": 1000, "m": 60000, "h": 3600000}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")

API_CREATION_HINT = (
    "OpenBao 2.3.2 and later refuse to create audit devices through the API unless the server configuration "
    "sets unsafe_allow_api_audit_creation = true. Prefer declaring the device in the server configuration "
    "instead (OpenBao 2.4+), for example: audit \"file\" \"<path>\" { options { file_path = \"/var/log/openbao/"
    "audit.log\" } }. HashiCorp Vault allows API creation")
PREFIX_HINT = ("the prefix option needs allow_audit_log_prefixing = true in the server configuration "
               "(OpenBao 2.3.2+, HashiCorp Vault 1.20.1+)")
CONFIG_MANAGED_HINT = ("this device is declared in an audit stanza of the server configuration: change or remove "
                       "it there and reload the server (SIGHUP)")


# -- canonical option values ------------------------------------------------------------------------
def _go_bool(value):
    """``True``/``False`` for what Go's strconv.ParseBool accepts, else ``None``."""
    if isinstance(value, bool):
        return value
    text = str(value)
    if text in _GO_TRUE:
        return True
    if text in _GO_FALSE:
        return False
    return None


def _duration_ms(value):
    """Milliseconds for a number of seconds or a Go duration string, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if value < 0 else int(round(value * 1000))
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        return int(text) * 1000
    if not text or not re.fullmatch(r"(?:%s)+" % _DURATION_PART.pattern, text):
        return None
    return int(round(sum(float(num) * _DURATION_UNITS[unit] for num, unit in _DURATION_PART.findall(text))))


def canonical(key, value):
    """The one string form of an option value used in both states; unparseable values stay as they are."""
    if key in BOOLEAN_OPTIONS:
        parsed = _go_bool(value)
        return str(value) if parsed is None else ("true" if parsed else "false")
    text = str(value)
    if key == "mode" and re.fullmatch(r"[0-7]{1,4}", text):
        return "%04o" % int(text, 8)
    if key == "write_timeout":
        millis = _duration_ms(value)
        if millis is not None:
            return "%ds" % (millis // 1000) if millis % 1000 == 0 else "%dms" % millis
    if key == "facility":
        return text.upper()
    if key == "file_path" and text.lower() in ("stdout", "discard"):
        return text.lower()
    return text


def check_option(device_type, key, value):
    """Raise OptionError for a value the server would refuse or misread."""
    where = "options.%s" % key
    if value is None or isinstance(value, (list, dict)):
        raise OptionError("%s must be a string, number or boolean, got %s" % (where, type(value).__name__))
    if key in BOOLEAN_OPTIONS and _go_bool(value) is None:
        raise OptionError("%s must be a boolean (true/false), got %r" % (where, value))
    if key == "format" and str(value) not in FORMATS:
        raise OptionError("%s must be one of %s, got %r (OpenBao 2.x supports json only)"
                          % (where, ", ".join(FORMATS), value))
    if key == "file_path":
        text = str(value)
        if text.lower() not in ("stdout", "discard") and not text.startswith("/"):
            raise OptionError("%s must be an absolute path, 'stdout' or 'discard', got %r" % (where, value))
    if key == "mode":
        if not isinstance(value, str):
            raise OptionError("%s must be a quoted octal string such as '0600' (YAML reads an unquoted 0600 as "
                              "the number 384), got %r" % (where, value))
        if not re.fullmatch(r"[0-7]{1,4}", value):
            raise OptionError("%s must be octal digits such as '0600', got %r" % (where, value))
        if int(value, 8) & 0o111:
            raise OptionError("%s %r has executable bits, which audit files may not have (use e.g. '0600' or "
                              "'0640')" % (where, value))
    if key == "address" and not str(value).strip():
        raise OptionError("%s must not be empty" % where)
    if key == "socket_type" and str(value) not in SOCKET_TYPES:
        raise OptionError("%s must be one of %s, got %r" % (where, ", ".join(SOCKET_TYPES), value))
    if key == "write_timeout" and _duration_ms(value) is None:
        raise OptionError("%s must be seconds (2) or a duration such as '2s' or '500ms', got %r" % (where, value))
    if key == "facility" and str(value).upper() not in FACILITIES:
        raise OptionError("%s must be a syslog facility (%s), got %r" % (where, ", ".join(FACILITIES), value))


# -- the resource ------------------------------------------------------------------------------------
class AuditDeviceResource(Resource):
    kind = "audit device"
    result_key = "audit_device"
    #: options of citadel.secrets.vault_audit_device (and of a ``audit_devices`` entry of citadel.secrets.vault_config)
    argspec = dict(
        path=dict(type="str", required=True),
        device_type=dict(type="str", aliases=["type"], choices=["file", "socket", "syslog"]),
        description=dict(type="str"),
        options=dict(type="dict"),
        local=dict(type="bool"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = dict(required_if=[("state", "present", ["device_type"])])

    @property
    def path(self):
        return (self.params.get("path") or "").strip("/")

    @property
    def name(self):
        return "audit device %r" % self.path

    @property
    def api_path(self):
        return "sys/audit/%s" % self.path

    def validate(self):
        if not self.path:
            raise OptionError("path must name the audit device, e.g. 'file' or 'audit/primary'")
        if self.params.get("state", "present") != "present":
            return
        device_type = self.params.get("device_type")
        if device_type not in TYPES:
            raise OptionError("device_type must be one of %s for state=present, got %r"
                              % (", ".join(TYPES), device_type))
        options = self.params.get("options") or {}
        known = OPTIONS[device_type]
        unknown = sorted(key for key in options if key not in known)
        if unknown:
            hint = " (use file_path)" if device_type == "file" and "path" in unknown else ""
            raise OptionError("unknown option(s) %s for a %s audit device%s; known options: %s"
                              % (", ".join(unknown), device_type, hint, ", ".join(sorted(known))))
        required = REQUIRED.get(device_type)
        if required and required not in options:
            raise OptionError("a %s audit device needs options.%s" % (device_type, required))
        for key, value in options.items():
            check_option(device_type, key, value)
        self._options = {key: canonical(key, value) for key, value in options.items()}

    # -- I/O ------------------------------------------------------------------------------------------
    def read(self):
        body = self.client.read("sys/audit") or {}
        devices = body.get("data") if isinstance(body.get("data"), dict) else body
        entry = devices.get(self.path + "/")
        if not isinstance(entry, dict):
            return None
        options = dict(entry.get("options") or {})
        if "path" in options and "file_path" not in options:  # the legacy name the file device still accepts
            options["file_path"] = options.pop("path")
        return {
            "path": self.path,
            "type": entry.get("type"),
            "description": entry.get("description") or "",
            "local": bool(entry.get("local", False)),
            "options": {key: canonical(key, value) for key, value in options.items()},
        }

    def desired(self):
        state = {"path": self.path, "type": self.params["device_type"], "options": dict(self._options)}
        if self.params.get("description") is not None:
            state["description"] = self.params["description"]
        if self.params.get("local") is not None:
            state["local"] = self.params["local"]
        return state

    def target(self, current, state):
        if state == "absent":
            return None
        desired = self.desired()
        if current is None or current.get("type") != desired["type"]:
            # a new device, or one of another type whose options mean nothing to the new type
            target = {"description": "", "local": False}
            target.update(desired)
            return target
        target = dict(current)
        target.update({key: value for key, value in desired.items() if key != "options"})
        target["options"] = dict(current.get("options") or {})
        target["options"].update(desired["options"])
        return target

    def create(self, target):
        self._preflight(target)
        self._enable(target)

    def update(self, current, target, delta):
        """Disable and re-enable: the API has no way to modify an enabled device."""
        self._preflight(target)
        try:
            self.client.delete(self.api_path)
        except VaultApiError as exc:
            raise self._explain(exc, "disabling %s to re-create it with the new settings" % self.name)
        try:
            self._enable(target)
        except CitadelError as exc:
            raise PartialApplyError(
                "%s was disabled to apply the change but could not be enabled again; it is now removed and "
                "not re-created" % self.name,
                applied=["disable %s" % self.api_path], not_applied=["enable %s" % self.api_path], cause=exc.msg)

    def delete(self, current):
        try:
            self.client.delete(self.api_path)
        except VaultApiError as exc:
            raise self._explain(exc, "disabling %s" % self.name)

    def present(self, state):
        return super().present(state) or {}

    def extra_result(self, current, target, changed):
        return {"recreated": bool(changed and current is not None and target is not None)}

    # -- helpers --------------------------------------------------------------------------------------
    def _enable(self, target):
        data = {"type": target["type"], "description": target.get("description", ""),
                "local": bool(target.get("local", False)), "options": target["options"]}
        try:
            self.client.write(self.api_path, data, method="PUT")
        except VaultApiError as exc:
            raise self._explain(exc, "enabling %s" % self.name)

    def _preflight(self, target):
        """Refuse before writing anything when the server's configuration will refuse the device."""
        try:
            body = self.client.read("sys/config/state/sanitized")
        except VaultApiError:  # not allowed to read it, or a server without the endpoint: let the write tell
            return
        config = (body or {}).get("data") or {}
        if config.get("unsafe_allow_api_audit_creation") is False:
            raise CitadelError("cannot enable %s, nothing was changed: the server does not allow creating "
                               "audit devices through the API (%s)" % (self.name, API_CREATION_HINT))
        if "prefix" in target["options"] and config.get("allow_audit_log_prefixing") is False:
            raise CitadelError("cannot enable %s, nothing was changed: %s" % (self.name, PREFIX_HINT))

    def _explain(self, exc, doing):
        text = "; ".join(exc.errors).lower()
        msg = exc.msg
        if "cannot enable audit device via api" in text:
            msg += " (%s)" % API_CREATION_HINT
        elif "prefixing is not allowed" in text:
            msg += " (%s)" % PREFIX_HINT
        elif "configuration-managed" in text:
            msg += " (%s)" % CONFIG_MANAGED_HINT
        return CitadelError("%s failed: %s" % (doing, msg), status=exc.status, path=exc.path)
