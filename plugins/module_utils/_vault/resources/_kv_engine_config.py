# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mount-wide settings of a KV version 2 engine at ``<mount>/config``.

The configuration always exists on a KV v2 mount, so there is no present/absent: the task only ever
updates the keys the user set. ``delete_version_after`` is reported as a Go duration ("0s", "1h0m0s") and
compared in seconds. Which engine sits at the mount is checked first through
``sys/internal/ui/mounts/<mount>``, which any token with access to the mount may read.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import (
    KV_TYPES, normalise_options, normalise_path)

#: settable keys; metadata_cas_required exists on OpenBao only
KEYS = ("max_versions", "cas_required", "delete_version_after", "metadata_cas_required")


def normalise(mount, data):
    state = {
        "mount": mount,
        "max_versions": int(data.get("max_versions") or 0),
        "cas_required": bool(data.get("cas_required")),
        "delete_version_after": to_seconds(data.get("delete_version_after") or 0, "delete_version_after"),
    }
    if "metadata_cas_required" in data:
        state["metadata_cas_required"] = bool(data["metadata_cas_required"])
    return state


class KvEngineConfigResource(Resource):
    kind = "KV engine configuration"
    result_key = "config"
    #: options of citadel.secrets.vault_kv_engine_config (and of a ``kv_engine_configs`` entry of citadel.secrets.vault_config)
    argspec = dict(
        mount=dict(type="str", required=True),
        max_versions=dict(type="int"),
        cas_required=dict(type="bool"),
        delete_version_after=dict(type="raw"),
        metadata_cas_required=dict(type="bool"),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    @property
    def mount(self):
        return normalise_path(self.params.get("mount"))

    @property
    def name(self):
        return "KV configuration of mount %r" % self.mount

    def validate(self):
        if not self.mount:
            raise OptionError("mount: the path of a KV version 2 engine is required (for example 'secret')")
        max_versions = self.params.get("max_versions")
        if max_versions is not None and max_versions < 0:
            raise OptionError("max_versions cannot be negative (0 means the server default of 10)")
        self._delete_after = to_seconds(self.params.get("delete_version_after"), "delete_version_after")

    def check_mount(self):
        """Raise unless ``mount`` is the root of a KV version 2 engine."""
        mount = self.mount
        try:
            body = self.client.read("sys/internal/ui/mounts/%s" % mount)
        except VaultApiError as exc:
            if exc.status not in (400, 403):
                raise
            body = None
        data = (body or {}).get("data") or {}
        if not data:
            raise CitadelError("no secrets engine is mounted at %r (or the token has no access to it)" % mount)
        found = normalise_path(data.get("path"))
        if found and found != mount:
            raise OptionError("%r is not a mount: it lies inside the %s mount %r; set mount to %r"
                              % (mount, data.get("type"), found, found))
        mount_type = data.get("type")
        version = normalise_options(mount_type, data.get("options")).get("version")
        if mount_type not in KV_TYPES:
            raise OptionError("mount %r is a %s engine, not KV version 2" % (mount, mount_type))
        if version != "2":
            raise OptionError("mount %r is KV version %s; this configuration exists only on KV version 2 "
                              "(upgrade with citadel.secrets.vault_secrets_engine and options.version: 2)"
                              % (mount, version))

    def read(self):
        self.check_mount()
        body = self.client.read("%s/config" % self.mount)
        if body is None:
            raise CitadelError("%s/config could not be read although %r is a KV version 2 mount"
                               % (self.mount, self.mount))
        return normalise(self.mount, body.get("data") or {})

    def desired(self):
        state = {"mount": self.mount}
        for key in ("max_versions", "cas_required", "metadata_cas_required"):
            if self.params.get(key) is not None:
                state[key] = self.params[key]
        if self._delete_after is not None:
            state["delete_version_after"] = self._delete_after
        return state

    def target(self, current, state):
        # The configuration always exists: whatever the state, the target is current plus the user's keys.
        desired = self.desired()
        if "metadata_cas_required" in desired and "metadata_cas_required" not in current:
            raise OptionError("metadata_cas_required is not supported by this server (it is an OpenBao setting)")
        merged = dict(current)
        merged.update(desired)
        return merged

    def update(self, current, target, delta):
        body = {key: value for key, value in delta.items() if key in KEYS}
        if "delete_version_after" in body:
            body["delete_version_after"] = "%ds" % body["delete_version_after"]
        self.client.write("%s/config" % self.mount, body)
        return self.read()

    def create(self, target):  # pragma: no cover - read() never reports the configuration absent
        raise CitadelError("%s does not exist" % self.name)

    def delete(self, current):  # pragma: no cover - there is no state=absent
        raise CitadelError("%s cannot be deleted" % self.name)
