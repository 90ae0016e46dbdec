from __future__ import annotations

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError


@pytest.mark.parametrize("value, seconds", [
    (None, None), (0, 0), (90, 90), ("90", 90), ("15m", 900), ("1h30m", 5400), ("1h0m0s", 3600),
    ("7d", 604800), ("0s", 0), ("1.5h", 5400),
])
def test_valid_durations(value, seconds):
    assert to_seconds(value) == seconds


@pytest.mark.parametrize("value", ["1 hour", "abc", "", "-5", -5, True, "10x"])
def test_invalid_durations_name_the_option(value):
    with pytest.raises(OptionError, match="max_lease_ttl"):
        to_seconds(value, "max_lease_ttl")
