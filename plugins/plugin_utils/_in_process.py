# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's code inside the controller's worker process when the task targets the controller anyway.

A module task costs Ansible a new Python process, the import of ``AnsibleModule``, and parsing every
``module_utils`` file the module imports to build the AnsiballZ payload, on every task and every loop item
(measured in bench/README.md). For a task whose connection is ``local`` the module would run on this machine
with this user anyway, so the action plugin (``plugins/action/vault_config.py``, which ``meta/runtime.yml``
routes the API-only Vault modules to) calls the module's own ``main()`` here instead.

The contract stays the module's: options are validated by ``ArgumentSpecValidator`` against the same argument
spec and the same ``mutually_exclusive``/``required_*`` rules (aliases, defaults, environment fallbacks - with
the task's ``environment`` applied -, choices, types), check mode and diff come from the task, ``no_log``
values are removed from everything returned, and the result carries ``invocation`` and ``warnings`` like a
module's. Any other connection, ``become``, and async tasks run the module as usual; so does a task with the
variable ``citadel_in_process: false``.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Mapping

from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.citadel.secrets.plugins.module_utils._module import ModuleHelpers, full_argspec, module_factory

#: the ``AnsibleModule`` keyword arguments with a meaning here (the rest concern files or processes: such
#: modules are not routed in-process, and reaching here with one is a bug that must not pass silently)
_VALIDATOR_KWARGS = ("mutually_exclusive", "required_together", "required_one_of", "required_if", "required_by")


class _Exit(BaseException):
    # BaseException, like the SystemExit that a module's exit_json raises: a broad ``except Exception`` in
    # module code must not swallow the end of the module
    def __init__(self, result):
        super().__init__("module exit")
        self.result = result


class InProcessModule(ModuleHelpers):
    """The part of ``AnsibleModule``'s interface that the collection's module code uses."""

    def __init__(self, name, backend, argument_spec, args, check_mode=False, diff=False, **module_kwargs):
        module_kwargs.pop("supports_check_mode", None)  # every module routed here supports it
        unknown = sorted(set(module_kwargs) - set(_VALIDATOR_KWARGS))
        if unknown:
            raise TypeError("%s cannot run in-process with %s" % (name, ", ".join(unknown)))
        self._name = name
        self.backend = backend
        self._client = None
        self.check_mode = bool(check_mode)
        self._diff = bool(diff)
        self._warnings = []
        self.params = {}
        self.no_log_values = set()
        # module_utils code may also warn through ansible.module_utils.common.warnings, a process-wide store
        # that AnsibleModule reads at exit; this worker runs many loop items, so each starts from an empty one
        getattr(module_warnings, "_global_warnings", {}).clear()
        validator = ArgumentSpecValidator(full_argspec(backend, argument_spec), **module_kwargs)
        validation = validator.validate(dict(args))
        self.no_log_values.update(validation._no_log_values)  # pylint: disable=protected-access
        self.params = validation.validated_parameters
        for alias in validation._warnings:  # pylint: disable=protected-access
            self.warn("Both option %s and its alias %s are set." % (alias["option"], alias["alias"]))
        if validation.error_messages:
            msg = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                msg = "Unsupported parameters for (%s) module: %s" % (name, msg)
            self.fail_json(msg=msg)

    def warn(self, msg):
        self._warnings.append(msg)

    def exit_json(self, **result):
        raise _Exit(self._finish(result))

    def fail_json(self, msg, **result):
        result.update(failed=True, msg=msg)
        raise _Exit(self._finish(result))

    def _finish(self, result):
        result.setdefault("changed", False)
        result["invocation"] = {"module_args": self.params}
        warnings = self._warnings + list(module_warnings.get_warning_messages())
        if warnings:
            result["warnings"] = warnings
        return remove_values(result, self.no_log_values)


def plain(value):
    """The task arguments as a module receives them: plain dicts, lists, text and numbers. (A module gets them
    through JSON; here they would keep Ansible's tagged types, which every ``deepcopy`` of the argument checks
    then rebuilds object by object. Vaulted text is decrypted, as the module's JSON would carry it.)"""
    if isinstance(value, Mapping):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return format(value)  # text-like objects such as vaulted strings format as their plaintext


def runs_in_process(task_vars, transport, become, async_val):
    """Whether the task's module code runs here: only where the module would run on this machine as this user
    (a ``local`` connection, no ``become``), not for async tasks, and not when ``citadel_in_process`` is false."""
    wanted = boolean((task_vars or {}).get("citadel_in_process", True), strict=False)
    return bool(wanted and transport == "local" and not become and not async_val)


def run_module_main(name, main, args, check_mode, diff, environment):
    """Call a module's ``main()`` with ``new_module`` building an ``InProcessModule`` from the task's arguments;
    return the module's result. ``environment`` (the task's ``environment``) is in ``os.environ`` while it runs,
    for the options' fallbacks."""
    args = plain(args)

    def build(backend, argument_spec, **module_kwargs):
        return InProcessModule(name, backend, argument_spec, args, check_mode, diff, **module_kwargs)

    with _environment(plain(environment or {})), module_factory(build):
        try:
            main()
        except _Exit as done:
            return done.result
    raise RuntimeError("%s ended without a result" % name)


@contextlib.contextmanager
def _environment(extra):
    saved = {key: os.environ.get(key) for key in extra}
    os.environ.update({key: str(value) for key, value in extra.items()})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
