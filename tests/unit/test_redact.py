from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._redact import (
    SECRET, SECRET_CHANGED, mask, mask_pair, scrub_text)


def test_mask_keeps_key_names_and_hides_values():
    state = {"data": {"user": "app", "pass": "s3cret"}, "version": 3}
    masked = mask(state, ("data.*",))
    assert masked == {"data": {"user": SECRET, "pass": SECRET}, "version": 3}
    assert state["data"]["pass"] == "s3cret", "the input must not be modified"


def test_mask_pair_marks_changed_values_only():
    before = {"data": {"user": "app", "pass": "old"}}
    after = {"data": {"user": "app", "pass": "new", "added": "x"}}
    masked_before, masked_after = mask_pair(before, after, ("data.*",))
    assert masked_before == {"data": {"user": SECRET, "pass": SECRET}}
    assert masked_after == {"data": {"user": SECRET, "pass": SECRET_CHANGED, "added": SECRET_CHANGED}}


def test_mask_pair_handles_absent_sides():
    assert mask_pair(None, {"password": "x"}, ("password",)) == (None, {"password": SECRET})
    assert mask_pair({"password": "x"}, None, ("password",)) == ({"password": SECRET}, None)


def test_scrub_text_removes_every_secret_value():
    assert scrub_text("login as bob with hunter2 failed", ["hunter2", None, ""]) == "login as bob with %s failed" % SECRET
