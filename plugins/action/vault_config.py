# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action of ``citadel.secrets.vault_config`` and of every Vault module that only talks to the Vault API
(``meta/runtime.yml`` routes them here with ``action_plugin``): run the module's code in the controller's worker
when the task targets the controller (see ``plugin_utils/_in_process.py``), otherwise as the module it is."""

from __future__ import annotations

import importlib

from ansible.plugins.action import ActionBase

from ansible_collections.citadel.secrets.plugins.plugin_utils._in_process import run_module_main, runs_in_process

COLLECTION = "citadel.secrets"


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        name = self._module_name()
        if not runs_in_process(task_vars, self._connection.transport, self._play_context.become,
                               self._task.async_val):
            result.update(self._execute_module(module_name=name, task_vars=task_vars,
                                               wrap_async=self._task.async_val))
            return result
        main = importlib.import_module("ansible_collections.%s.plugins.modules.%s" % (
            COLLECTION, name.rpartition(".")[2])).main
        environment = {}
        self._compute_environment_string(raw_environment_out=environment)
        result.update(run_module_main(name, main, self._task.args, self._task.check_mode, self._task.diff,
                                      environment))
        return result

    def _module_name(self):
        """The task's module as ``citadel.secrets.<name>``, whatever name the task used for it (short name
        under ``collections:``, the FQCN, a redirect)."""
        found = self._shared_loader_obj.module_loader.find_plugin_with_context(
            self._task.action, collection_list=self._task.collections)
        name = found.resolved_fqcn if found.resolved else self._task.action
        if not name.startswith(COLLECTION + "."):
            raise RuntimeError("%s is not a %s module" % (name, COLLECTION))
        return name
