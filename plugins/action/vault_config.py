# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``citadel.secrets.vault_config``: run in the controller's worker when the task targets the controller
(see ``plugin_utils/_in_process.py``), otherwise as the module it is."""

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import BACKEND
from ansible_collections.citadel.secrets.plugins.module_utils._vault.config._task import ARGSPEC, run
from ansible_collections.citadel.secrets.plugins.plugin_utils._in_process import run_module_code


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        in_process = boolean(task_vars.get("citadel_in_process", True), strict=False)
        # only where the module would run on this machine as this user: local connection, no become, not async
        if (not in_process or self._connection.transport != "local" or self._play_context.become
                or self._task.async_val):
            result.update(self._execute_module(module_name="citadel.secrets.vault_config", task_vars=task_vars,
                                               wrap_async=self._task.async_val))
            return result
        environment = {}
        self._compute_environment_string(raw_environment_out=environment)
        result.update(run_module_code("citadel.secrets.vault_config", BACKEND, ARGSPEC, run, self._task.args,
                                      self._task.check_mode, self._task.diff, environment))
        return result
