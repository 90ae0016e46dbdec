# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Raft autopilot settings at ``sys/storage/raft/autopilot/configuration`` (one object per cluster).

The server reports durations as Go strings ("24h0m0s"); state keeps them as whole seconds so "1d", "24h" and
86400 compare equal. Only the settings given are written: the endpoint merges a partial update. The server
silently ignores some values (it keeps ``min_quorum`` when asked for 0), so every write is read back and a
setting that did not take is an error rather than a change reported forever.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource

PATH = "sys/storage/raft/autopilot/configuration"
DURATIONS = ("last_contact_threshold", "dead_server_last_contact_threshold", "server_stabilization_time")
COUNTS = ("max_trailing_logs", "min_quorum")
FLAGS = ("cleanup_dead_servers",)
FIELDS = FLAGS + DURATIONS + COUNTS


def normalise(data):
    state = {}
    for key in FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key in DURATIONS:
            value = to_seconds(value, key)
        elif key in COUNTS:
            value = int(value or 0)
        else:
            value = bool(value)
        state[key] = value
    return state


class RaftAutopilotResource(Resource):
    kind = "Raft autopilot configuration"
    result_key = "autopilot"

    @property
    def name(self):
        return "Raft autopilot configuration"

    def validate(self):
        p = self.params
        self._desired = {}
        for key in DURATIONS:
            if p.get(key) is not None:
                seconds = to_seconds(p[key], key)
                if seconds < 1:
                    raise OptionError("%s must be at least one second, got %r" % (key, p[key]))
                self._desired[key] = seconds
        for key in COUNTS:
            if p.get(key) is not None:
                if p[key] < 0:
                    raise OptionError("%s cannot be negative, got %d" % (key, p[key]))
                self._desired[key] = p[key]
        for key in FLAGS:
            if p.get(key) is not None:
                self._desired[key] = bool(p[key])

    def read(self):
        body = self.client.read(PATH)
        if body is None:
            raise CitadelError("%s does not exist: the server does not use integrated storage (storage \"raft\")" % PATH)
        return normalise((body.get("data") or {}))

    def desired(self):
        return dict(self._desired)

    def update(self, current, target, delta):
        body = {key: ("%ds" % value if key in DURATIONS else value) for key, value in delta.items()}
        self.client.write(PATH, body)
        after = self.read()
        ignored = sorted(key for key, value in delta.items() if after.get(key) != value)
        if ignored:
            raise CitadelError("the server accepted but did not apply %s (it still has %s): it keeps the current "
                               "value for some inputs, such as a min_quorum of 0"
                               % (", ".join("%s=%r" % (k, delta[k]) for k in ignored),
                                  ", ".join("%s=%r" % (k, after.get(k)) for k in ignored)))
        return after

    def create(self, target):  # the configuration always exists
        return self.update({}, target, target)
