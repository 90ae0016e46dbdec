# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark helper (not part of the collection): each task's wall time, from the moment the play starts it to
the moment its result is in, written as JSON ``{task name: seconds}`` to the file named by $BENCH_TASK_TIMES.
bench/lookups.py enables it to compare two loops of the same play, one process and seconds apart."""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_task_times
type: aggregate
short_description: write task wall times for bench/lookups.py
description: "Writes the task wall times as JSON to the file named by the environment variable E(BENCH_TASK_TIMES)."
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_task_times"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._started = {}
        self._times = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started[task.get_name()] = time.perf_counter()

    def v2_runner_on_ok(self, result):
        name = result.task_name
        self._times[name] = time.perf_counter() - self._started[name]

    def v2_playbook_on_stats(self, stats):
        with open(os.environ["BENCH_TASK_TIMES"], "w") as handle:
            json.dump(self._times, handle)
