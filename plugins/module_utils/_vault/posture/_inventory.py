# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mounts every mount-based check walks, read once per run: secrets engines and auth methods, each with
its effective TTLs (``GET sys/mounts/<path>/tune`` and ``sys/mounts/auth/<path>/tune`` resolve TTLs a mount
inherits from the server; the latter needs no sudo, unlike ``sys/auth/<path>/tune``) and its credential class.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import normalise_mount
from ansible_collections.citadel.secrets.plugins.module_utils._vault.posture import _ttl

#: what both servers use when neither the mount nor the server configuration sets a TTL
SERVER_DEFAULT_TTL = 768 * 3600
BASES = {"secret": "sys/mounts", "auth": "sys/auth"}


class Mount:
    def __init__(self, kind, path, state):
        self.kind, self.path, self.type = kind, path, state["type"]
        self.options = state["options"]
        config = state["config"]
        self.configured_default = config["default_lease_ttl"]
        self.configured_max = config["max_lease_ttl"]
        self.token_type = config.get("token_type") or "default-service"
        self.default_ttl = self.configured_default or SERVER_DEFAULT_TTL
        self.max_ttl = self.configured_max or SERVER_DEFAULT_TTL
        self.klass = _ttl.mount_class(kind, self.type)

    @property
    def api_path(self):
        """Where the mount's own API lives: ``auth/<path>`` for auth methods."""
        return "auth/%s" % self.path if self.kind == "auth" else self.path

    @property
    def object(self):
        return "%s/%s" % (BASES[self.kind], self.path)

    @property
    def kv_version(self):
        if self.type in ("kv", "generic"):
            return str(self.options.get("version") or "1")
        return None


def load(audit):
    """``[Mount]`` (cached on the audit); ``[]`` for a kind the token may not list (recorded as incomplete)."""
    if "mounts" in audit.cache:
        return audit.cache["mounts"]
    mounts = []
    for kind, base in sorted(BASES.items()):
        try:
            body = audit.client.read(base) or {}
        except CitadelError as exc:
            what = "auth method" if kind == "auth" else "secrets engine"
            audit.denied("mounts", exc, "the %s list (%s)" % (what, base))
            continue
        data = body.get("data") or {key: value for key, value in body.items()
                                    if isinstance(value, dict) and "type" in value}
        for path, entry in sorted(data.items()):
            if not isinstance(entry, dict):
                continue
            audit.flavour_hint(entry.get("running_plugin_version"))
            state = normalise_mount(path, entry, auth=(kind == "auth"))
            mounts.append(Mount(kind, state["path"], state))

    def tune(mount):
        # sys/mounts/auth/<path>/tune reads an auth method's tuning without the sudo sys/auth/<path>/tune needs
        prefix = "sys/mounts/auth" if mount.kind == "auth" else "sys/mounts"
        return audit.client.read("%s/%s/tune" % (prefix, mount.path))

    failed = []
    for mount, body, error in audit.map(tune, [m for m in mounts if m.klass]):
        if error is not None or body is None:
            failed.append(mount.object)
            continue
        data = body.get("data") or body
        mount.default_ttl = to_seconds(data.get("default_lease_ttl") or 0) or mount.default_ttl
        mount.max_ttl = to_seconds(data.get("max_lease_ttl") or 0) or mount.max_ttl
    if failed:
        audit.incomplete("mounts", ", ".join(failed[:5]) + (" ..." if len(failed) > 5 else ""),
                         "the effective TTLs of %d mount(s) could not be read (tune endpoint); the server default "
                         "of %s was assumed where the mount inherits it" % (len(failed), _ttl.human(SERVER_DEFAULT_TTL)),
                         "allow read on sys/mounts/+/tune and sys/mounts/auth/+/tune for the auditing token")
    audit.cache["mounts"] = mounts
    return mounts
