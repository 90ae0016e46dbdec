"""Mount normalisation and planning (secrets engines, auth methods, KV v2 config) with a fake client."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import reconcile
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _mounts
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import (
    AuthMethodResource, SecretsEngineResource, normalise_config, normalise_mount, normalise_options,
    normalise_path, read_mounts)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kv_engine_config import (
    KvEngineConfigResource)

KV2 = {
    "type": "kv", "description": "key/value", "accessor": "kv_1", "local": False, "seal_wrap": False,
    "external_entropy_access": False, "options": {"version": "2"},
    "config": {"default_lease_ttl": 3600, "max_lease_ttl": 0, "force_no_cache": False,
               "audit_non_hmac_request_keys": ["b", "a"]},
}


class FakeClient:
    """Answers GETs from ``responses`` (path -> body, or an int status that becomes a VaultApiError)."""

    def __init__(self, responses=None):
        self.responses = dict(responses or {})
        self.calls = []

    def _answer(self, method, path):
        self.calls.append((method, path))
        answer = self.responses.get(path)
        if isinstance(answer, int):
            raise VaultApiError(method, path, answer, ["canned error"])
        return copy.deepcopy(answer)

    def request(self, method, path, data=None, params=None, missing_ok=False):
        return self._answer(method, path)

    def read(self, path, params=None):
        return self._answer("GET", path)

    def write(self, path, data=None, method="POST"):
        self.calls.append((method, path, data))
        return {}

    def delete(self, path, missing_ok=True):
        self.calls.append(("DELETE", path))
        return {}

    @property
    def writes(self):
        return [call for call in self.calls if call[0] in ("POST", "PUT", "DELETE")]


def engine(client=None, **params):
    params.setdefault("path", "kv")
    params.setdefault("state", "present")
    resource = SecretsEngineResource(params)
    resource.validate()
    return resource.bind(client or FakeClient())


# -- normalisation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [("kv/", "kv"), ("/team/a/kv/", "team/a/kv"), (" kv ", "kv")])
def test_path(raw, expected):
    assert normalise_path(raw) == expected


def test_mount_normalised():
    state = normalise_mount("kv/", KV2)
    assert state["path"] == "kv"
    assert state["config"] == {
        "default_lease_ttl": 3600, "max_lease_ttl": 0, "listing_visibility": "hidden",
        "audit_non_hmac_request_keys": ["a", "b"], "audit_non_hmac_response_keys": [],
        "passthrough_request_headers": [], "allowed_response_headers": []}
    assert "token_type" not in state["config"]
    assert state["options"] == {"version": "2"}


def test_auth_config_has_token_type_and_ttl_strings_parse():
    config = normalise_config({"default_lease_ttl": "1h0m0s", "max_lease_ttl": None, "listing_visibility": ""},
                              auth=True)
    assert config["default_lease_ttl"] == 3600 and config["max_lease_ttl"] == 0
    assert config["listing_visibility"] == "hidden"
    assert config["token_type"] == "default-service"


def test_options_are_strings_and_kv_defaults_to_version_1():
    assert normalise_options("kv", None) == {"version": "1"}
    assert normalise_options("kv", {"version": 2, "flag": True}) == {"version": "2", "flag": "true"}
    assert normalise_options("transit", None) == {}


def test_kv_v2_alias_equals_kv_with_version():
    alias = engine(engine_type="kv-v2")
    explicit = engine(engine_type="kv", options={"version": 2})
    assert alias.desired() == explicit.desired()
    assert alias.desired()["type"] == "kv" and alias.desired()["options"] == {"version": "2"}


def test_kv_alias_conflicting_version_refused():
    with pytest.raises(OptionError, match="means KV version 2"):
        engine(engine_type="kv-v2", options={"version": "1"})


def test_ttls_parsed_and_checked():
    resource = engine(engine_type="kv", default_lease_ttl="1h", max_lease_ttl=7200)
    assert resource.desired()["config"] == {"default_lease_ttl": 3600, "max_lease_ttl": 7200}
    with pytest.raises(OptionError, match="not a duration"):
        engine(engine_type="kv", default_lease_ttl="1 hour")
    with pytest.raises(OptionError, match="cannot be greater"):
        engine(engine_type="kv", default_lease_ttl="2h", max_lease_ttl="1h")


def test_protected_paths():
    with pytest.raises(OptionError, match="cannot be disabled"):
        engine(path="cubbyhole/", state="absent")
    with pytest.raises(OptionError, match="cannot be retyped"):
        engine(path="sys", engine_type="kv")
    with pytest.raises(OptionError, match="cannot be disabled"):
        AuthMethodResource({"path": "token", "state": "absent"}).validate()
    with pytest.raises(OptionError, match="token_type cannot be set"):
        AuthMethodResource({"path": "token", "method_type": "token", "token_type": "batch"}).validate()


# -- planning --------------------------------------------------------------------------------------

def test_noop_only_compares_keys_set():
    client = FakeClient({"sys/mounts/kv": {"data": KV2}})
    resource = engine(client, engine_type="kv-v2", default_lease_ttl="60m", audit_non_hmac_request_keys=["a", "b"])
    outcome = reconcile(resource, "present", check_mode=False)
    assert not outcome.changed and client.writes == []


def test_tune_sends_only_changes():
    client = FakeClient({"sys/mounts/kv": {"data": KV2}})
    resource = engine(client, engine_type="kv", description="new", default_lease_ttl="1h", max_lease_ttl="2h",
                      options={"version": "2", "extra": "x"})
    outcome = reconcile(resource, "present", check_mode=False)
    assert outcome.changed
    assert client.writes == [("POST", "sys/mounts/kv/tune",
                              {"description": "new", "max_lease_ttl": "7200s", "options": {"extra": "x"}})]


def test_check_mode_writes_nothing():
    client = FakeClient({"sys/mounts/kv": {"data": KV2}})
    outcome = reconcile(engine(client, engine_type="kv", description="new"), "present", check_mode=True)
    assert outcome.changed and outcome.after["description"] == "new" and client.writes == []


def test_create_sends_type_options_and_non_default_config():
    client = FakeClient({"sys/mounts/new": 400})
    resource = engine(client, path="new", engine_type="kv-v2", max_lease_ttl="1h", description="d")
    reconcile(resource, "present", check_mode=False)
    assert ("POST", "sys/mounts/new", {
        "type": "kv", "description": "d", "local": False, "seal_wrap": False, "external_entropy_access": False,
        "options": {"version": "2"}, "config": {"max_lease_ttl": "3600s"}}) in client.writes


def test_type_change_and_enable_only_fields_refused():
    client = FakeClient({"sys/mounts/kv": {"data": KV2}})
    with pytest.raises(OptionError, match="is of type 'kv', not 'transit'.*Disable it first"):
        reconcile(engine(client, engine_type="transit"), "present", check_mode=True)
    with pytest.raises(OptionError, match="local can only be set"):
        reconcile(engine(client, engine_type="kv", local=True), "present", check_mode=False)
    with pytest.raises(OptionError, match="cannot be downgraded"):
        reconcile(engine(client, engine_type="kv-v1"), "present", check_mode=False)
    assert client.writes == []


def test_unknown_type_checked_in_catalog():
    client = FakeClient({"sys/mounts/x": 400, "sys/plugins/catalog/secret/foo": None,
                         "sys/plugins/catalog/secret/mine": {"data": {"name": "mine"}}})
    with pytest.raises(OptionError, match="unknown engine type 'foo'.*built-in types are: .*kv"):
        reconcile(engine(client, path="x", engine_type="foo"), "present", check_mode=False)
    assert client.writes == []
    reconcile(engine(client, path="x", engine_type="mine"), "present", check_mode=True)
    reconcile(engine(client, path="x", engine_type="transit"), "present", check_mode=True)
    assert ("GET", "sys/plugins/catalog/secret/transit") not in client.calls


def test_absent_mount_deleted_once():
    client = FakeClient({"sys/mounts/kv": {"data": KV2}})
    assert reconcile(engine(client, state="absent"), "absent", check_mode=False).changed
    assert client.writes == [("DELETE", "sys/mounts/kv")]
    client = FakeClient({"sys/mounts/kv": 400})
    assert not reconcile(engine(client, state="absent"), "absent", check_mode=False).changed


def test_auth_token_type_and_read_mounts():
    data = dict(KV2, type="approle", options=None, config={"token_type": "default-service"})
    client = FakeClient({"sys/auth/ci": {"data": data}, "sys/auth": {"data": {"ci/": data}}})
    resource = AuthMethodResource({"path": "ci", "method_type": "approle", "token_type": "batch", "state": "present"})
    resource.validate()
    reconcile(resource.bind(client), "present", check_mode=False)
    assert client.writes == [("POST", "sys/auth/ci/tune", {"token_type": "batch"})]
    assert read_mounts(client, "auth")["ci"]["config"]["token_type"] == "default-service"


def test_builtin_lists_are_disjoint_from_unmountable():
    assert not {"system", "cubbyhole", "identity", "token"} & (_mounts.SECRET_BUILTINS | _mounts.AUTH_BUILTINS)


# -- KV v2 engine configuration --------------------------------------------------------------------

def kv_config(client, **params):
    params.setdefault("mount", "secret")
    resource = KvEngineConfigResource(params)
    resource.validate()
    return resource.bind(client)


UI_KV2 = {"data": {"path": "secret/", "type": "kv", "options": {"version": "2"}}}
CONFIG = {"data": {"max_versions": 0, "cas_required": False, "delete_version_after": "1h0m0s"}}


def test_kv_config_duration_normalised_both_sides():
    client = FakeClient({"sys/internal/ui/mounts/secret": UI_KV2, "secret/config": CONFIG})
    outcome = reconcile(kv_config(client, delete_version_after="60m"), "present", check_mode=False)
    assert not outcome.changed and outcome.current["delete_version_after"] == 3600
    outcome = reconcile(kv_config(client, delete_version_after=0, max_versions=3), "present", check_mode=False)
    assert client.writes == [("POST", "secret/config", {"delete_version_after": "0s", "max_versions": 3})]


@pytest.mark.parametrize("ui, message", [
    ({"data": {"path": "secret/", "type": "transit", "options": {}}}, "is a transit engine"),
    ({"data": {"path": "secret/", "type": "kv", "options": None}}, "is KV version 1"),
    ({"data": {"path": "outer/", "type": "kv", "options": {"version": "2"}}}, "is not a mount"),
    (403, "no secrets engine is mounted"),
])
def test_kv_config_refuses_other_mounts(ui, message):
    client = FakeClient({"sys/internal/ui/mounts/secret": ui, "secret/config": CONFIG})
    with pytest.raises(CitadelError, match=message):
        reconcile(kv_config(client, max_versions=3), "present", check_mode=True)
    assert client.writes == []


def test_kv_config_metadata_cas_required_only_where_reported():
    client = FakeClient({"sys/internal/ui/mounts/secret": UI_KV2, "secret/config": CONFIG})
    with pytest.raises(OptionError, match="OpenBao"):
        reconcile(kv_config(client, metadata_cas_required=True), "present", check_mode=True)


def test_default_ttl_above_existing_max_refused():
    client = FakeClient({"sys/mounts/kv": {"data": dict(KV2, config={"max_lease_ttl": 3600})}})
    with pytest.raises(OptionError, match="would be greater than max_lease_ttl"):
        reconcile(engine(client, engine_type="kv", default_lease_ttl="2h"), "present", check_mode=True)
