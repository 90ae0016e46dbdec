"""Every directory under targets/ with a main.yml is a playbook a user could have written; each runs
against the session's OpenBao at -vvv --diff, must succeed, and must not print any planted secret."""

from __future__ import annotations

import os

import pytest

TARGETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "targets")


def all_targets():
    return sorted(name for name in os.listdir(TARGETS) if os.path.isfile(os.path.join(TARGETS, name, "main.yml")))


@pytest.mark.parametrize("target", all_targets())
def test_target(run_target, target):
    run = run_target(target)
    assert run.rc == 0, "target %s failed (log: %s):\n%s" % (target, run.log_path, run.output[-6000:])
    recap = run.recap()
    assert recap.get("failed", 0) == 0 and recap.get("unreachable", 0) == 0, recap
