# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Joining a node to a Raft cluster (``sys/storage/raft/join``, an unauthenticated endpoint on the joining node).

A node that is initialised, or already joining, is a member: nothing to do. Otherwise the join request names
the leader's API address and the CA (and optionally a client certificate) the node uses to reach it. A node
with a Shamir seal still has to be unsealed afterwards (``vault_unseal``); an auto-unseal node unseals itself.

State: ``{"initialized", "sealed"}``.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _sys

FILES = (("leader_ca_cert_file", "leader_ca_cert"), ("leader_client_cert_file", "leader_client_cert"),
         ("leader_client_key_file", "leader_client_key"))


class RaftJoinResource(Resource):
    kind = "Raft membership"
    result_key = "status"

    @property
    def name(self):
        return "Raft membership"

    def validate(self):
        p = self.params
        addr = (p.get("leader_api_addr") or "").strip()
        if not addr.startswith(("http://", "https://")):
            raise OptionError("leader_api_addr must be the leader's API address, starting with https:// (or http://), "
                              "got %r" % addr)
        if bool(p.get("leader_client_cert_file")) != bool(p.get("leader_client_key_file")):
            raise OptionError("leader_client_cert_file and leader_client_key_file must be given together")
        self.body = {"leader_api_addr": addr.rstrip("/"), "non_voter": bool(p.get("non_voter")),
                     "retry": bool(p.get("retry"))}
        for option, field in FILES:
            path = p.get(option)
            if not path:
                continue
            try:
                with open(path) as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError) as exc:
                raise OptionError("%s %s cannot be read on the host running the module: %s"
                                  % (option, path, getattr(exc, "strerror", None) or exc))
            if "-----BEGIN " not in text:
                raise OptionError("%s %s is not a PEM file" % (option, path))
            self.body[field] = text

    def read(self):
        status = _sys.seal_status(self.client)
        if status["storage_type"] and status["storage_type"] != "raft":
            raise OptionError("the node uses %r storage; only integrated storage (raft) nodes can join a Raft cluster"
                              % status["storage_type"])
        return {"initialized": status["initialized"], "sealed": status["sealed"]}

    def target(self, current, state):
        if current["initialized"]:
            return current
        return dict(current, initialized=True)

    def apply(self, current, target):
        answer = self.client.write("sys/storage/raft/join", self.body) or {}
        if not answer.get("joined"):
            raise CitadelError("the node did not join %s (the server answered joined=false): check that the leader is "
                               "initialised and unsealed and that the CA matches its certificate"
                               % self.body["leader_api_addr"])
        status = _sys.seal_status(self.client)
        return {"initialized": status["initialized"] or True, "sealed": status["sealed"]}
