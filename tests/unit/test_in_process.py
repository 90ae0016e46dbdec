"""The in-process runner of action plugins keeps the module contract: validation, fallbacks from the task's
environment, check mode and diff flags, no_log values removed from results, failures shaped like a module's."""

from __future__ import annotations

import os

from ansible_collections.citadel.secrets.plugins.module_utils._module import Backend
from ansible_collections.citadel.secrets.plugins.plugin_utils._in_process import plain, run_module_code
from ansible.module_utils.basic import env_fallback

BACKEND = Backend(dict(url=dict(type="str", fallback=(env_fallback, ["IP_TEST_ADDR"])),
                       token=dict(type="str", no_log=True)), lambda params: None, lambda params: "client")
SPEC = dict(name=dict(type="str", required=True), level=dict(type="int", default=1, choices=[1, 2]))


def echo(module):
    module.warn("careful")
    module.exit_json(changed=not module.check_mode, params=dict(module.params), diff_wanted=module._diff,
                     client=module.client(), note="token is %s" % module.params["token"])


def run(args, check_mode=False, diff=False, environment=None, code=echo):
    return run_module_code("citadel.secrets.test", BACKEND, SPEC, code, args, check_mode, diff, environment)


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
