"""The in-process runner of action plugins keeps the module contract: validation, fallbacks from the task's
environment, check mode and diff flags, no_log values removed from results, failures shaped like a module's."""

from __future__ import annotations

import os

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._module import Backend, CitadelModule, new_module
from ansible_collections.citadel.secrets.plugins.plugin_utils._in_process import plain, run_module_main, runs_in_process
from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.common.warnings import warn

BACKEND = Backend(dict(url=dict(type="str", fallback=(env_fallback, ["IP_TEST_ADDR"])),
                       token=dict(type="str", no_log=True)), lambda params: None, lambda params: "client")
SPEC = dict(name=dict(type="str", required=True), level=dict(type="int", default=1, choices=[1, 2]))


def echo(module):
    module.warn("careful")
    module.exit_json(changed=not module.check_mode, params=dict(module.params), diff_wanted=module._diff,
                     client=module.client(), note="token is %s" % module.params["token"])


def run(args, check_mode=False, diff=False, environment=None, code=echo, **module_kwargs):
    def main():  # what a module file's main() does: build the module through the shared runner, run the code
        code(new_module(BACKEND, SPEC, supports_check_mode=True, **module_kwargs))
    return run_module_main("citadel.secrets.test", main, args, check_mode, diff, environment)


def test_defaults_fallbacks_from_the_task_environment_and_flags():
    result = run({"name": "a", "token": "s.secret"}, check_mode=True, diff=True,
                 environment={"IP_TEST_ADDR": "http://127.0.0.1:1"})
    assert result["params"]["level"] == 1
    assert result["params"]["url"] == "http://127.0.0.1:1"
    assert result["changed"] is False and result["diff_wanted"] is True and result["client"] == "client"
    assert result["warnings"] == ["careful"]
    assert "IP_TEST_ADDR" not in os.environ  # restored afterwards


def test_no_log_values_are_removed_everywhere():
    result = run({"name": "a", "token": "s.secret"})
    assert "s.secret" not in repr(result)
    assert result["invocation"]["module_args"]["token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert result["note"] == "token is ********"


def test_bad_options_fail_like_a_module_before_any_code_runs():
    def never(module):
        raise AssertionError("ran")
    result = run({"name": "a", "bogus": 1}, code=never)
    assert result["failed"] is True
    assert result["msg"].startswith("Unsupported parameters for (citadel.secrets.test) module: bogus.")
    result = run({"name": "a", "level": 3}, code=never)
    assert result["failed"] is True and "level must be one of: 1, 2" in result["msg"]
    result = run({}, code=never)
    assert result["msg"] == "missing required arguments: name"


def test_fail_json_keeps_the_extra_keys():
    def fails(module):
        module.fail_json(msg="no", applied=["x"])
    result = run({"name": "a"}, code=fails)
    assert result["failed"] is True and result["msg"] == "no" and result["applied"] == ["x"]


def test_arguments_become_plain_types_as_a_module_would_receive_them():
    class Tagged(str):
        pass

    class Secretish:
        def __format__(self, spec):
            return "plain-text"
    value = plain({Tagged("k"): (Tagged("v"), 1, 2.5, True, None, Secretish())})
    assert value == {"k": ["v", 1, 2.5, True, None, "plain-text"]}
    assert not isinstance(next(iter(value)), Tagged) and not isinstance(value["k"][0], Tagged)


def test_the_module_rules_of_the_module_file_apply():
    result = run({"name": "a", "token": "s.tok", "url": "u"}, mutually_exclusive=[("token", "url")])
    assert result["failed"] is True and result["msg"] == "parameters are mutually exclusive: token|url"
    result = run({"name": "a"}, required_one_of=[("token", "url")])
    assert result["failed"] is True and result["msg"] == "one of the following is required: token, url"


def test_module_arguments_about_files_are_refused_loudly():
    with pytest.raises(TypeError, match="cannot run in-process with add_file_common_args"):
        run({"name": "a"}, add_file_common_args=True)


def test_outside_the_runner_module_code_builds_a_real_ansible_module(monkeypatch):
    built = []
    monkeypatch.setattr(CitadelModule, "__init__", lambda self, *args, **kwargs: built.append(kwargs))
    new_module(BACKEND, SPEC, supports_check_mode=True)
    assert built == [{"supports_check_mode": True}]


def test_each_run_reports_only_its_own_global_warnings(monkeypatch):
    # ansible-core 2.19+ sends a controller-side warn() straight to Display; before 2.19 (and in module
    # processes) it lands in the process-wide store that the result reports, which is what is tested here
    internal = getattr(module_warnings, "_internal", None)
    if hasattr(internal, "is_controller"):
        monkeypatch.setattr(internal, "is_controller", False)

    def warns(module):
        warn("from module_utils")
        module.exit_json()
    assert run({"name": "a"}, code=warns)["warnings"] == ["from module_utils"]
    assert run({"name": "a"}, code=warns)["warnings"] == ["from module_utils"]
    assert "warnings" not in run({"name": "a"}, code=lambda module: module.exit_json())


def test_a_broad_except_in_module_code_does_not_swallow_the_exit():
    def guarded(module):
        try:
            module.exit_json(changed=True)
        except Exception:  # pylint: disable=broad-exception-caught
            module.fail_json(msg="swallowed")
    assert run({"name": "a"}, code=guarded)["changed"] is True


def test_only_local_tasks_without_become_or_async_run_in_process():
    assert runs_in_process({}, "local", False, 0)
    assert runs_in_process({"citadel_in_process": "yes"}, "local", None, None)
    assert not runs_in_process({"citadel_in_process": False}, "local", False, 0)
    assert not runs_in_process({"citadel_in_process": "false"}, "local", False, 0)
    assert not runs_in_process({}, "ssh", False, 0)
    assert not runs_in_process({}, "community.docker.docker", False, 0)
    assert not runs_in_process({}, "local", True, 0)
    assert not runs_in_process({}, "local", False, 30)
