"""P2, one level down: the cost of one lookup call in one Python process, without Ansible's loop around it.

Loads citadel.secrets.vault_kv through Ansible's plugin loader (as a worker does for every loop item: loader.get,
then run) and calls it repeatedly against one OpenBao dev server with AppRole auth, next to the raw hvac read
of the P2 floor and this collection's own client. Shows how much of a lookup call is the server's answer and how
much is Python, and, compared with bench/lookups.py, how much an Ansible worker adds around the same call.
Numbers only.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))

import hvac  # noqa: E402

from lookups import collections_path, setup  # noqa: E402
from openbao import OpenBaoDevServer  # noqa: E402

CALLS = 500
ROUNDS = int(os.environ.get("BENCH_REPEATS", "7"))


def per_call(function):
    """Median over rounds of the mean ms per call."""
    times = []
    for dummy in range(ROUNDS):
        start = time.perf_counter()
        for index in range(CALLS):
            function(index)
        times.append((time.perf_counter() - start) * 1000.0 / CALLS)
    return statistics.median(times)


def main():
    tree = collections_path()
    os.environ["ANSIBLE_COLLECTIONS_PATH"] = tree
    # Ansible's loader must see the collection before these imports resolve it
    from ansible.parsing.dataloader import DataLoader
    from ansible.plugins.loader import init_plugin_loader, lookup_loader
    from ansible.template import Templar
    init_plugin_loader([tree])

    with OpenBaoDevServer() as server:
        os.environ["VAULT_ADDR"] = server.addr
        os.environ.pop("VAULT_TOKEN", None)
        role_id, secret_id = setup(server)
        variables = {"citadel_vault_auth_method": "approle", "citadel_vault_role_id": role_id,
                     "citadel_vault_secret_id": secret_id}
        loader = DataLoader()
        templar = Templar(loader=loader, variables=variables)

        def lookup(name, terms, **kwargs):
            return lookup_loader.get(name, loader=loader, templar=templar).run(terms, variables=variables, **kwargs)

        lookup("citadel.secrets.vault_kv", ["bench/s0"], field="value")  # log in once, as the first item does
        from ansible_collections.citadel.secrets.plugins.plugin_utils._vault_session import _CLIENTS
        ours = next(iter(_CLIENTS.values()))
        raw = hvac.Client(url=server.addr)
        raw.auth.approle.login(role_id=role_id, secret_id=secret_id)

        rows = [
            ("ansible.builtin.env lookup (no I/O)", lambda i: lookup("ansible.builtin.env", ["HOME"])),
            ("raw hvac read (the P2 floor's unit)", lambda i: raw.secrets.kv.v2.read_secret_version(
                path="s%d" % (i % 100), mount_point="bench", raise_on_deleted_version=True)),
            ("citadel client read (no Ansible)", lambda i: ours.read("bench/data/s%d" % (i % 100))),
            ("citadel.secrets.vault_kv lookup call", lambda i: lookup(
                "citadel.secrets.vault_kv", ["bench/s%d" % (i % 100)], field="value")),
        ]
        results = [(label, per_call(function)) for label, function in rows]

    print()
    print("P2 per call, one process, %d calls x %d rounds (median), OpenBao dev server" % (CALLS, ROUNDS))
    for label, ms in results:
        print("%-44s %8.3f ms" % (label, ms))


if __name__ == "__main__":
    main()
