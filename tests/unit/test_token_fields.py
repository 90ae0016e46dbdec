"""The shared token_* fields of login roles: normalisation makes a server read and the options compare equal."""

from __future__ import annotations

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _token_fields


def test_server_read_and_options_compare_equal():
    server = {"token_ttl": 900, "token_max_ttl": "1h0m0s", "token_policies": ["b", "a", "a"],
              "token_bound_cidrs": ["10.0.0.1", "10.1.2.3/16", "::1"], "token_type": "default",
              "token_num_uses": 0, "token_period": 0, "token_explicit_max_ttl": 0, "token_no_default_policy": False}
    options = {"token_ttl": "15m", "token_max_ttl": 3600, "token_policies": [" a", "b"],
               "token_bound_cidrs": ["10.0.0.1/32", "::1/128", "10.1.2.3/16"]}
    current = _token_fields.normalise(server)
    wanted = _token_fields.desired(options)
    assert {k: current[k] for k in wanted} == wanted
    assert current["token_policies"] == ["a", "b"]


def test_defaults_for_a_bare_role():
    assert _token_fields.normalise({}) == _token_fields.DEFAULTS


@pytest.mark.parametrize("options, message", [
    ({"token_ttl": "15 minutes"}, "token_ttl"),
    ({"token_bound_cidrs": ["10.0.0.300"]}, "not an IP address"),
    ({"token_ttl": "2h", "token_max_ttl": "1h"}, "cannot be greater"),
    ({"token_num_uses": -1}, "negative"),
])
def test_bad_options_are_refused(options, message):
    with pytest.raises(OptionError, match=message):
        _token_fields.desired(options)
