"""Every directory under targets/ with a main.yml is a playbook a user could have written; each runs
against the session's OpenBao at -vvv --diff, must succeed, and must not print any planted secret.

The targets' connection is local, so the Vault modules routed to the in-process action plugin run inside
Ansible's worker. ``AS_MODULE`` targets run a second time, against a fresh OpenBao, with the variable
``citadel_in_process: false``: every module in its own process, the path a task on a remote host takes."""

from __future__ import annotations

import os
import re

import pytest

TARGETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "targets")


#: in-process and module paths both: plain resources, check mode and diff, secret return values, wrapping
AS_MODULE = ["vault_approle_secret_id", "vault_kv_secret", "vault_policy", "vault_token"]
MODULE_FILE = re.compile(r"Using module file \S*/citadel/secrets/plugins/modules/(\w+)\.py")


def all_targets():
    return sorted(name for name in os.listdir(TARGETS) if os.path.isfile(os.path.join(TARGETS, name, "main.yml")))


@pytest.mark.parametrize("target", all_targets())
def test_target(run_target, target):
    run = run_target(target)
    assert run.rc == 0, "target %s failed (log: %s):\n%s" % (target, run.log_path, run.output[-6000:])
    recap = run.recap()
    assert recap.get("failed", 0) == 0 and recap.get("unreachable", 0) == 0, recap
    if target in AS_MODULE:
        assert not MODULE_FILE.findall(run.output), "routed modules ran as module processes"


@pytest.mark.parametrize("target", AS_MODULE)
def test_target_as_module(run_target, openbao_for_modules, target):
    run = run_target(target, extra_vars={"citadel_in_process": False}, label="-as-module",
                     extra_env={"VAULT_ADDR": openbao_for_modules.addr, "VAULT_TOKEN": openbao_for_modules.token})
    assert run.rc == 0, "target %s failed as modules (log: %s):\n%s" % (target, run.log_path, run.output[-6000:])
    recap = run.recap()
    assert recap.get("failed", 0) == 0 and recap.get("unreachable", 0) == 0, recap
    assert MODULE_FILE.findall(run.output), "no module of the collection ran as a module process"
