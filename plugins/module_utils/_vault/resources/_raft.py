# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Raft peers: reading the cluster (``sys/storage/raft/configuration`` + ``sys/storage/raft/autopilot/state``)
for ``vault_raft_info``, and removing a dead peer (``sys/storage/raft/remove-peer``) for ``vault_raft_peer``.

The Raft configuration is the authority on who is a peer, a voter and the leader; autopilot adds health
(last contact, log index, whether it is stable) per server and the cluster's failure tolerance.
"""

from __future__ import annotations

import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource

_GO_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_GO_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)")


def go_duration(text):
    """A Go duration string ("1.5s", "420.8ms", "24h0m0s") as float seconds, rounded to the millisecond."""
    if text in (None, ""):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    return round(sum(float(num) * _GO_UNITS[unit] for num, unit in _GO_PART.findall(str(text))), 3)


def read_peers(client):
    """The Raft configuration: one dict per peer, in the server's order."""
    body = client.read("sys/storage/raft/configuration")
    if body is None:
        raise CitadelError("sys/storage/raft/configuration does not exist: the server does not use integrated "
                           "storage (storage \"raft\")")
    servers = (((body.get("data") or {}).get("config") or {}).get("servers")) or []
    return [{"node_id": s.get("node_id"), "address": s.get("address"), "leader": bool(s.get("leader")),
             "voter": bool(s.get("voter")), "protocol_version": str(s.get("protocol_version") or "")}
            for s in servers]


def read_autopilot_state(client):
    body = client.read("sys/storage/raft/autopilot/state")
    return (body or {}).get("data") or {}


def _merge_health(peer, server):
    peer.update(
        healthy=server.get("healthy"),
        status=server.get("status"),
        node_status=server.get("node_status"),
        last_contact=go_duration(server.get("last_contact")),
        last_index=server.get("last_index"),
        last_term=server.get("last_term"),
        stable_since=server.get("stable_since"),
        version=server.get("version"),
    )
    return peer


def read_raft_info(client, params):
    """For vault_raft_info: peers with their health, the leader, voters, and the cluster's health."""
    peers = read_peers(client)
    state = read_autopilot_state(client)
    servers = state.get("servers") or {}
    for peer in peers:
        _merge_health(peer, servers.get(peer["node_id"]) or {})
    leader = next((p["node_id"] for p in peers if p["leader"]), None) or state.get("leader")
    return {
        "peers": peers,
        "leader": leader,
        "voters": sorted(p["node_id"] for p in peers if p["voter"]),
        "non_voters": sorted(p["node_id"] for p in peers if not p["voter"]),
        "healthy": state.get("healthy"),
        "failure_tolerance": state.get("failure_tolerance"),
    }


class RaftPeerResource(Resource):
    kind = "Raft peer"
    result_key = "peer"

    @property
    def name(self):
        return "Raft peer %r" % self.params["node_id"]

    def validate(self):
        node_id = (self.params.get("node_id") or "").strip()
        if not node_id:
            raise OptionError("node_id cannot be empty")
        self.node_id = node_id

    def read(self):
        peer = next((p for p in read_peers(self.client) if p["node_id"] == self.node_id), None)
        if peer is None:
            return None
        server = (read_autopilot_state(self.client).get("servers") or {}).get(self.node_id) or {}
        return {"node_id": peer["node_id"], "address": peer["address"], "voter": peer["voter"],
                "leader": peer["leader"], "healthy": server.get("healthy"),
                "last_contact": go_duration(server.get("last_contact"))}

    def target(self, current, state):
        if current is None:
            return None
        if current["leader"]:
            raise OptionError("%s is the leader and cannot be removed: make another node the leader first "
                              "(sys/step-down on it), or stop it and let the cluster elect a new one" % self.name)
        if current["healthy"] and not self.params.get("force"):
            raise OptionError("%s is healthy (last contact %ss ago): removing a live node makes it leave the cluster "
                              "uncleanly. Stop it first and wait until autopilot reports it unhealthy "
                              "(last_contact_threshold), or set force: true" % (self.name, current["last_contact"]))
        return None

    def delete(self, current):
        self.client.write("sys/storage/raft/remove-peer", {"server_id": self.node_id})
        if any(p["node_id"] == self.node_id for p in read_peers(self.client)):
            raise CitadelError("the server accepted the removal of %s but it is still in the Raft configuration"
                               % self.name)

    def present(self, state):
        return dict(state or {})
