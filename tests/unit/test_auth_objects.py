"""Planning of AppRole roles and secret IDs, userpass users, token roles and tokens, without a server."""

from __future__ import annotations

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources import (
    _approle_role, _approle_secret_id, _token, _token_role, _userpass_user)


@pytest.mark.parametrize("value, expected", [
    ("10.0.0.0/8", "10.0.0.0/8"), ("10.0.0.1/8", "10.0.0.1/8"), ("127.0.0.1/32", "127.0.0.1/32"),
    (" ::1/128 ", "::1/128"), ("2001:DB8::/32", "2001:db8::/32"),
])
def test_cidr_blocks_keep_what_the_server_keeps(value, expected):
    assert _approle_role.cidr_block(value, "x") == expected


def test_single_address_is_not_a_cidr_block_and_the_hint_says_how():
    with pytest.raises(OptionError, match="10.0.0.5/32"):
        _approle_role.cidr_block("10.0.0.5", "secret_id_bound_cidrs")
    with pytest.raises(OptionError, match="not a CIDR block"):
        _approle_role.cidr_block("10.0.0.300/8", "secret_id_bound_cidrs")


@pytest.mark.parametrize("name, ok", [("web", True), ("a", True), ("web.app-1_x", True), ("-web", False),
                                      ("web.", False), ("web app", False), ("wéb", False), ("", False)])
def test_names_follow_the_server_route_pattern(name, ok):
    if ok:
        _approle_role.check_name(name, "name")
    else:
        with pytest.raises(OptionError):
            _approle_role.check_name(name, "name")


def test_approle_role_plan_refuses_what_the_server_refuses():
    role = _approle_role.ApproleRoleResource({"name": "web", "mount": "approle", "bind_secret_id": False})
    role.validate()
    with pytest.raises(OptionError, match="another constraint"):
        role.target(None, "present")
    current = dict(_approle_role.ApproleRoleResource.DEFAULTS)
    current.update({"token_policies": [], "token_ttl": 0, "token_max_ttl": 0, "token_explicit_max_ttl": 0,
                    "token_period": 0, "token_num_uses": 0, "token_bound_cidrs": [], "token_no_default_policy": False,
                    "token_type": "default", "role_id": "r"})
    local = _approle_role.ApproleRoleResource({"name": "web", "local_secret_ids": True})
    local.validate()
    with pytest.raises(OptionError, match="only be chosen when the role is created"):
        local.target(current, "present")


def test_approle_role_update_writes_the_role_id_separately():
    calls = []

    class Client:
        def write(self, path, data=None, method="POST"):
            calls.append((path, data))

    role = _approle_role.ApproleRoleResource({"name": "web", "custom_role_id": "new", "token_ttl": "15m"}, Client())
    role.validate()
    role.read = lambda: {}
    role.update({}, {}, {"role_id": "new", "token_ttl": 900})
    assert calls == [("auth/approle/role/web", {"token_ttl": 900}), ("auth/approle/role/web/role-id", {"role_id": "new"})]


@pytest.mark.parametrize("stamp, past", [("2001-01-01T00:00:00.123456789Z", True), ("2999-01-01T00:00:00Z", False),
                                         ("0001-01-01T00:00:00Z", False), ("2001-01-01T00:00:00+02:00", True),
                                         ("", False)])
def test_secret_id_expiry(stamp, past):
    assert _approle_secret_id.expired(stamp) is past


def test_secret_id_options_are_checked_per_state():
    def validate(**params):
        params.setdefault("name", "web")
        _approle_secret_id.ApproleSecretIdResource(params).validate()

    with pytest.raises(OptionError, match="needs secret_id_accessor"):
        validate(state="absent")
    with pytest.raises(OptionError, match="metadata, wrap_ttl cannot be used with state=absent"):
        validate(state="absent", secret_id_accessor="a", metadata={"a": "b"}, wrap_ttl="1m")
    with pytest.raises(OptionError, match="only used with state=absent"):
        validate(secret_id_accessor="a")
    with pytest.raises(OptionError, match="must be a string"):
        validate(metadata={"hosts": ["a"]})
    with pytest.raises(OptionError, match="cannot be combined"):
        validate(custom_secret_id="x", only_if_none=True)
    with pytest.raises(OptionError, match="at least one second"):
        validate(wrap_ttl=0)


def test_secret_id_plan_respects_the_role_limits():
    resource = _approle_secret_id.ApproleSecretIdResource({"name": "web", "ttl": "2h", "state": "present"})
    resource.validate()
    resource._role = {"secret_id_ttl": 3600, "secret_id_num_uses": 0}
    with pytest.raises(OptionError, match="cannot be longer than the role's secret_id_ttl"):
        resource.target(None, "present")
    resource = _approle_secret_id.ApproleSecretIdResource({"name": "web", "metadata": {"n": 1}, "state": "present"})
    resource.validate()
    resource._role = {"secret_id_ttl": 3600, "secret_id_num_uses": 2}
    assert resource.target(None, "present") == {
        "secret_id_accessor": None, "metadata": {"n": "1"}, "cidr_list": [], "token_bound_cidrs": [],
        "secret_id_ttl": 3600, "secret_id_num_uses": 2}


def test_userpass_password_is_a_marker_and_needed_to_create():
    user = _userpass_user.UserpassUserResource({"name": "Alice", "user_password": "pw-value-123",
                                                "update_password": "on_create"})
    user.validate()
    assert user.path == "auth/userpass/users/alice"
    target = user.target(None, "present")
    assert target["password"] == "**SECRET (changed)**" and "pw-value-123" not in repr(target)
    assert user.present(target).get("password") is None
    existing = dict(target)
    existing.pop("password")
    assert "password" not in user.target(existing, "present")
    bare = _userpass_user.UserpassUserResource({"name": "bob", "update_password": "on_create"})
    bare.validate()
    with pytest.raises(OptionError, match="needs user_password or password_hash"):
        bare.target(None, "present")
    with pytest.raises(OptionError, match="bcrypt"):
        _userpass_user.UserpassUserResource({"name": "bob", "password_hash": "plain"}).validate()


def test_token_role_normalises_what_the_server_omits():
    state = _token_role.normalise({"allowed_entity_aliases": None, "token_type": "default-service",
                                   "allowed_policies": ["b", "a"]})
    assert state["allowed_entity_aliases"] == [] and state["token_num_uses"] == 0
    assert state["token_bound_cidrs"] == [] and state["renewable"] is True
    assert state["allowed_policies"] == ["a", "b"]


def test_token_role_batch_needs_orphan_and_no_renewal():
    role = _token_role.TokenRoleResource({"name": "ci", "token_type": "batch"})
    role.validate()
    with pytest.raises(OptionError, match="orphan must be true, renewable must be false"):
        role.target(None, "present")
    with pytest.raises(OptionError, match="path_suffix"):
        _token_role.TokenRoleResource({"name": "ci", "path_suffix": "v1"}).validate()


def test_token_properties_never_keep_the_token():
    props = _token.properties({"id": "s.the-token", "accessor": "acc", "policies": ["b", "a"], "ttl": 5})
    assert "id" not in props and "s.the-token" not in repr(props)
    assert props["policies"] == ["a", "b"]


def test_token_options_are_checked_per_state():
    with pytest.raises(OptionError, match="needs accessor or revoke_token"):
        _token.TokenResource({"state": "absent"}).validate()
    with pytest.raises(OptionError, match="policies cannot be used with state=absent"):
        _token.TokenResource({"state": "absent", "accessor": "a", "policies": ["x"]}).validate()
    with pytest.raises(OptionError, match="batch tokens cannot have period"):
        _token.TokenResource({"state": "present", "token_type": "batch", "period": "1h"}).validate()
    with pytest.raises(OptionError, match="entity_alias needs token_role"):
        _token.TokenResource({"state": "present", "entity_alias": "x"}).validate()
