"""AppRole login from a response-wrapped secret_id: look up, check the creation path, unwrap, log in."""

from __future__ import annotations

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError

WRAPPING = "s.wrapping-token-value"
SECRET_ID = "unwrapped-secret-id-value"


class FakeClient:
    def __init__(self, creation_path="auth/approle/role/app/secret-id", used=False):
        self.token = ""
        self.creation_path = creation_path
        self.used = used
        self.calls = []

    def write(self, path, data=None, method="POST"):
        self.calls.append((path, data, self.token))
        if path == "sys/wrapping/lookup":
            if self.used:
                raise VaultApiError("POST", path, 400, ["wrapping token is not valid or does not exist"])
            return {"data": {"creation_path": self.creation_path, "creation_ttl": 300}}
        if path == "sys/wrapping/unwrap":
            assert self.token == WRAPPING
            self.used = True
            return {"data": {"secret_id": SECRET_ID, "secret_id_accessor": "acc"}}
        if path.endswith("/login"):
            if data.get("secret_id") != SECRET_ID:
                raise VaultApiError("POST", path, 400, ["invalid role or secret ID %s" % data.get("secret_id")])
            return {"auth": {"client_token": "s.client", "accessor": "a"}}
        raise AssertionError(path)


def options(**extra):
    base = {"auth_method": "approle", "role_id": "app-role-id", "secret_id_wrapping_token": WRAPPING}
    base.update(extra)
    return base


def test_wrapped_secret_id_is_unwrapped_then_logs_in():
    client = FakeClient()
    auth = _auth.login(client, options())
    assert auth["client_token"] == "s.client" and client.token == "s.client"
    paths = [(path, token) for path, _data, token in client.calls]
    assert paths == [("sys/wrapping/lookup", ""), ("sys/wrapping/unwrap", WRAPPING), ("auth/approle/login", "")]
    assert client.calls[-1][1] == {"role_id": "app-role-id", "secret_id": SECRET_ID}


def test_custom_mount_and_namespace_prefix_are_accepted():
    client = FakeClient(creation_path="team/auth/ci-approle/role/app/custom-secret-id")
    _auth.login(client, options(mount_point="ci-approle"))
    assert client.calls[-1][0] == "auth/ci-approle/login"


@pytest.mark.parametrize("creation_path", ["sys/wrapping/wrap", "auth/other/role/app/secret-id",
                                           "auth/approle/login", "secret/data/app"])
def test_token_wrapping_something_else_is_refused_before_unwrapping(creation_path):
    client = FakeClient(creation_path=creation_path)
    with pytest.raises(CitadelError, match="refusing to unwrap") as err:
        _auth.login(client, options())
    assert [c[0] for c in client.calls] == ["sys/wrapping/lookup"]
    assert "auth method approle at mount auth/approle/" in err.value.msg and WRAPPING not in err.value.msg


def test_used_wrapping_token_fails_with_a_hint_and_no_secret():
    with pytest.raises(CitadelError, match="only once") as err:
        _auth.login(FakeClient(used=True), options())
    assert WRAPPING not in err.value.msg


def test_secret_id_and_wrapping_token_are_exclusive():
    with pytest.raises(OptionError, match="not both"):
        _auth.validate(options(secret_id="x"))


def test_unwrapped_secret_id_is_scrubbed_from_login_errors():
    class Refusing(FakeClient):
        def write(self, path, data=None, method="POST"):
            if path.endswith("/login"):
                raise VaultApiError("POST", path, 400, ["invalid secret id %s" % data["secret_id"]])
            return super().write(path, data, method)

    with pytest.raises(CitadelError) as err:
        _auth.login(Refusing(), options())
    assert SECRET_ID not in err.value.msg and "auth/approle/" in err.value.msg
