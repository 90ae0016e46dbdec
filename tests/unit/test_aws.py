"""AWS option checks, error translation and secret planning, without a server (a fake session answers)."""

from __future__ import annotations

import os

import pytest
from botocore.exceptions import ClientError

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _aws
from ansible_collections.citadel.secrets.plugins.module_utils._cloud.resources import _aws_secret
from ansible_collections.citadel.secrets.plugins.module_utils._cloud.resources._aws_kms_key import alias_name
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import reconcile


# -- options ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("options, message", [
    ({"access_key": "AKIA"}, "together"),
    ({"access_key": "AKIA", "secret_key": "s", "profile": "p"}, "either profile"),
    ({"session_token": "t"}, "session_token needs"),
    ({"endpoint_url": "localhost:4566"}, "http"),
    ({"max_attempts": 0}, "between 1 and"),
    ({"region": "Mars"}, "does not look like an AWS region"),
    ({"ca_bundle": "/nonexistent/ca.pem"}, "does not exist"),
])
def test_settings_refuse_bad_options(options, message):
    with pytest.raises(OptionError, match=message):
        _aws.settings(options)


# -- error translation ------------------------------------------------------------------------------------
def _client_error(code, message, status=400):
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "GetSecretValue")


@pytest.mark.parametrize("code, status", [
    ("AccessDeniedException", 403), ("AccessDenied", 403), ("ResourceNotFoundException", 404),
    ("InvalidClientTokenId", 401), ("InvalidParameterException", 400),
])
def test_error_codes_map_to_statuses(code, status):
    error = _aws.translate_client_error(_client_error(code, "text"), "secretsmanager GetSecretValue on 'x'",
                                        "GetSecretValue", "x")
    assert error.status == status and error.details["status"] == status
    assert error.msg.startswith("secretsmanager GetSecretValue on 'x' failed: %s: text" % code)


def test_error_text_is_scrubbed_and_xml_unwrapped():
    xml = ('<?xml version="1.0"?><ErrorResponse><Errors><Error><Code>AccessDenied</Code>'
           '<Message>no access to hunter2-value</Message></Error></Errors></ErrorResponse>')
    error = _aws.translate_client_error(_client_error("403", xml, 403), "where", "Op", "x", ["hunter2-value"])
    assert error.code == "AccessDenied" and error.status == 403
    assert "hunter2-value" not in error.msg and "no access to" in error.msg


# -- normalisation ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    (30, 30), ("30", 30), ("rate(30 days)", 30), ("rate( 1 day )", 1), ("rate(6 hours)", "rate(6 hours)"),
    ("cron(0  4 ? * SUN *)", "cron(0 4 ? * SUN *)"), (None, None),
])
def test_rotation_schedules_normalise(value, expected):
    assert _aws_secret.parse_schedule(value) == expected


@pytest.mark.parametrize("value", ["every tuesday", 0, 1001, "rate(2 hours)", "cron(0 4 * *)", True])
def test_bad_rotation_schedules(value):
    with pytest.raises(OptionError, match="rotation_schedule"):
        _aws_secret.parse_schedule(value)


def test_policies_compare_ignoring_order_and_single_item_lists():
    one = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["b", "a"], "Principal": {"AWS": "arn:x"}, "Resource": "*"},
        {"Effect": "Deny", "Action": "c", "Resource": ["*"]}]}
    two = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": ["c"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["a", "b"], "Principal": {"AWS": ["arn:x"]}, "Resource": ["*"]}]}
    assert _aws.canonical_policy(one) == _aws.canonical_policy(two)
    two["Statement"][0]["Effect"] = "Allow"
    assert _aws.canonical_policy(one) != _aws.canonical_policy(two)


def test_replica_regions_parse_to_a_set():
    assert _aws_secret.parse_replicas(["eu-west-1", {"region": "us-west-2", "kms_key_id": "alias/k"}]) == \
        {"eu-west-1": None, "us-west-2": "alias/k"}
    with pytest.raises(OptionError, match="twice"):
        _aws_secret.parse_replicas(["eu-west-1", "eu-west-1"])
    with pytest.raises(OptionError, match="not an AWS region"):
        _aws_secret.parse_replicas(["Mars"])


def test_kms_aliases():
    assert alias_name("app") == "alias/app" and alias_name("alias/app") == "alias/app"
    with pytest.raises(OptionError, match="reserved"):
        alias_name("aws/s3")


# -- planning a secret against a fake session ---------------------------------------------------------------
class FakeSession:
    region = "us-east-1"

    def __init__(self, describe, policy=None, value=None):
        self.answers = {"describe_secret": describe, "get_resource_policy": {"ResourcePolicy": policy},
                        "get_secret_value": {"SecretString": value}}
        self.calls = []

    def call(self, service, method, resource=None, region=None, missing_ok=False, secrets=(), **kwargs):
        self.calls.append(method)
        if method in self.answers:
            return self.answers[method]
        return {}


def _params(**given):
    params = {"name": "app/db", "state": "present", "purge_tags": True, "purge_replica_regions": True,
              "rotate_immediately": False, "force_delete": False}
    params.update(given)
    return params


DESCRIBE = {"ARN": "arn:aws:secretsmanager:us-east-1:1:secret:app/db", "Name": "app/db", "Description": "d",
            "ReplicationStatus": [{"Region": r, "KmsKeyId": "alias/aws/secretsmanager"}
                                  for r in ("us-west-2", "eu-west-1", "ap-south-1")]}


def _run(params, session, check_mode=False):
    resource = _aws_secret.AwsSecretResource(params)
    resource.validate()
    resource.bind(session)
    return reconcile(resource, params["state"], check_mode)


def test_three_replica_regions_in_another_order_are_unchanged():
    session = FakeSession(DESCRIBE)
    outcome = _run(_params(replica_regions=["ap-south-1", "eu-west-1", "us-west-2"]), session)
    assert not outcome.changed
    assert session.calls == ["describe_secret"]


def test_an_omitted_resource_policy_is_neither_read_nor_deleted():
    session = FakeSession(DESCRIBE, policy='{"Version": "2012-10-17", "Statement": []}')
    outcome = _run(_params(description="new"), session)
    assert outcome.changed
    assert "get_resource_policy" not in session.calls and "delete_resource_policy" not in session.calls
    assert session.calls == ["describe_secret", "update_secret"]


def test_json_values_compare_parsed_and_diffs_mask_them():
    session = FakeSession(DESCRIBE, value='{"b": 2,\n "a": "x-secret-1"}')
    assert not _run(_params(json_secret={"a": "x-secret-1", "b": 2}), session).changed
    outcome = _run(_params(json_secret={"a": "x-secret-2", "b": 2}), FakeSession(DESCRIBE, value='{"a": "x-secret-1"}'),
                   check_mode=True)
    result = outcome.result(True)
    assert outcome.changed and "x-secret" not in repr(result)
    assert result["diff"]["after"]["secret"] == "**SECRET (changed)**"


# -- lookups resolve temporary credentials once per run -------------------------------------------------------
def test_lookup_credentials_obtained_by_a_call_are_shared_by_the_run(tmp_path, monkeypatch):
    """A profile whose credentials come from a process (as an assume-role or SSO profile's come from a service):
    the first worker resolves them, the next worker process of the same run reuses them from the cache."""
    from datetime import datetime, timedelta, timezone

    from ansible_collections.citadel.secrets.plugins.plugin_utils import _aws_lookup, _token_cache

    counter = tmp_path / "calls"
    expiry = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    helper = tmp_path / "creds.sh"
    helper.write_text("#!/bin/sh\necho x >> %s\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIATEMP\", "
                      "\"SecretAccessKey\": \"temp-secret\", \"SessionToken\": \"temp-token\", "
                      "\"Expiration\": \"%s\"}'\n" % (counter, expiry))
    helper.chmod(0o700)
    config = tmp_path / "config"
    config.write_text("[profile temp]\nregion = eu-west-1\ncredential_process = %s\n" % helper)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setattr(_token_cache, "_base_dir", lambda: str(tmp_path / "base"))
    monkeypatch.setattr(_token_cache.TokenCache, "_start_janitor", lambda self: None)
    monkeypatch.setattr(_aws_lookup, "_CACHE", [])
    monkeypatch.setattr(_aws_lookup, "_SESSIONS", {})
    options = dict.fromkeys(_aws.OPTIONS)
    options.update(profile="temp", validate_certs=True, max_attempts=5)

    first = _aws_lookup.session_for(options)
    assert first.region == "eu-west-1" and first.cache_entry["access_key"] == "AKIATEMP"
    assert _aws_lookup.session_for(options) is first          # same process: same session
    _aws_lookup._SESSIONS.clear()                              # another worker process of the run
    second = _aws_lookup.session_for(options)
    assert second is not first and second.region == "eu-west-1"
    assert second.credentials().get_frozen_credentials().token == "temp-token"
    assert counter.read_text().count("x") == 1                # the credential process ran once


def test_lookup_static_credentials_are_not_cached(tmp_path, monkeypatch):
    from ansible_collections.citadel.secrets.plugins.plugin_utils import _aws_lookup, _token_cache

    monkeypatch.setattr(_token_cache, "_base_dir", lambda: str(tmp_path / "base"))
    monkeypatch.setattr(_aws_lookup, "_CACHE", [])
    monkeypatch.setattr(_aws_lookup, "_SESSIONS", {})
    options = dict.fromkeys(_aws.OPTIONS)
    options.update(region="us-east-1", access_key="AKIASTATIC", secret_key="static-secret", max_attempts=5)
    session = _aws_lookup.session_for(options)
    assert getattr(session, "cache_entry", None) is None
    assert not [name for name in os.listdir(_aws_lookup._CACHE[0].path) if name.endswith(".json")]
