"""Database secrets engine resources and leases against an in-memory stand-in for the Vault API."""

from __future__ import annotations

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import reconcile
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._database import (
    ConnectionResource, RoleResource, StaticRoleResource, statements)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._lease import LeaseResource

URL = "postgresql://{{username}}:{{password}}@db:5432/app"


class FakeVault:
    """Stores what is written; reads return it the way the database engine does (connection details nested)."""

    def __init__(self):
        self.store, self.calls, self.leases = {}, [], {}

    def read(self, path, params=None):
        data = self.store.get(path)
        if data is None:
            return None
        if "/config/" in path:
            details = {k: v for k, v in data.items() if k not in (
                "plugin_name", "plugin_version", "allowed_roles", "password_policy", "root_rotation_statements",
                "verify_connection", "password")}
            data = {"plugin_name": data.get("plugin_name"), "plugin_version": "",
                    "allowed_roles": data.get("allowed_roles", []), "password_policy": data.get("password_policy", ""),
                    "root_credentials_rotate_statements": data.get("root_rotation_statements", []),
                    "connection_details": details}
        return {"data": data}

    def write(self, path, data=None, method="POST"):
        self.calls.append((method, path, dict(data or {})))
        if "/rotate-" in path or path.startswith("sys/leases/"):
            if path == "sys/leases/revoke":
                self.leases.pop(data["lease_id"], None)
            return {}
        merged = dict(self.store.get(path) or {})
        merged.update(data or {})
        self.store[path] = merged
        return {}

    def delete(self, path, missing_ok=True):
        self.calls.append(("DELETE", path, {}))
        self.store.pop(path, None)
        return {}

    def request(self, method, path, data=None, params=None, missing_ok=False):
        if path == "sys/leases/lookup":
            if data["lease_id"] not in self.leases:
                raise VaultApiError(method, path, 400, ["invalid lease"])
            return {"data": self.leases[data["lease_id"]]}
        raise AssertionError(path)

    def list(self, path):
        prefix = path[len("sys/leases/lookup/"):]
        return sorted({lid[len(prefix):] for lid in self.leases if lid.startswith(prefix)})


def run(cls, params, vault, state="present", check=False):
    resource = cls(params)
    resource.validate()
    resource.bind(vault)
    return reconcile(resource, state, check).result(True)


def connection(**kw):
    params = dict(mount="database", name="pg", plugin_name="postgresql-database-plugin", plugin_version=None,
                  connection_url=URL, username="admin", password="s3cret-root", update_password="on_create",
                  allowed_roles=["ro"], verify_connection=True, password_policy=None, root_rotation_statements=None,
                  max_open_connections=None, max_idle_connections=None, max_connection_lifetime="1h",
                  username_template=None, disable_escaping=None, password_authentication=None, rotate_root=False,
                  state="present")
    params.update(kw)
    return params


def test_connection_create_noop_and_password_handling():
    vault = FakeVault()
    check = run(ConnectionResource, connection(), vault, check=True)
    assert check["changed"] and vault.calls == []
    assert check["diff"]["after"]["password"] == "**SECRET**"
    first = run(ConnectionResource, connection(), vault)
    assert first["changed"] and "password" not in first["connection"]
    sent = vault.calls[-1][2]
    assert sent["password"] == "s3cret-root" and sent["max_connection_lifetime"] == "3600s"
    assert sent["verify_connection"] is True
    again = run(ConnectionResource, connection(max_connection_lifetime=3600), vault)
    assert not again["changed"] and len(vault.calls) == 1
    always = run(ConnectionResource, connection(update_password="always"), vault)
    assert always["changed"] and always["diff"]["after"]["password"] == "**SECRET (changed)**"
    assert "s3cret-root" not in repr(always)


def test_connection_rotate_root_is_always_a_change_and_writes_nothing_else():
    vault = FakeVault()
    run(ConnectionResource, connection(), vault)
    result = run(ConnectionResource, connection(rotate_root=True), vault)
    assert result["changed"] and result["root_rotated"]
    assert vault.calls[-1][:2] == ("POST", "database/rotate-root/pg") and len(vault.calls) == 2


@pytest.mark.parametrize("url, needle", [
    ("postgresql://admin:hunter2@db/app", "literal password"),
    ("host=db user=admin password=hunter2", "literal password"),
    ("postgresql://admin@db/app", "no {{password}} placeholder"),
])
def test_connection_url_checks(url, needle):
    with pytest.raises(OptionError, match=needle):
        ConnectionResource(connection(connection_url=url)).validate()


def test_connection_needs_plugin_to_create():
    with pytest.raises(OptionError, match="plugin_name is required"):
        run(ConnectionResource, connection(plugin_name=None), FakeVault())


def test_statements_keep_sql_commas():
    assert statements("GRANT SELECT, INSERT ON t TO x;", "s") == ["GRANT SELECT, INSERT ON t TO x;"]
    assert statements(["a", " ", "b"], "s") == ["a", "b"]
    with pytest.raises(OptionError):
        statements({"a": 1}, "s")


def role(**kw):
    params = dict(mount="database", name="ro", db_name="pg", creation_statements=["CREATE ROLE x"],
                  revocation_statements=None, rollback_statements=None, renew_statements=None,
                  default_ttl="1h", max_ttl="24h", state="present")
    params.update(kw)
    return params


def test_role_ttls_and_idempotence():
    vault = FakeVault()
    assert run(RoleResource, role(), vault)["role"]["default_ttl"] == 3600
    assert not run(RoleResource, role(default_ttl=3600, max_ttl=86400), vault)["changed"]
    with pytest.raises(OptionError, match="cannot be longer"):
        run(RoleResource, role(default_ttl="48h", max_ttl=None), vault)
    with pytest.raises(OptionError, match="not a duration"):
        RoleResource(role(default_ttl="1x")).validate()


def test_static_role_refuses_a_new_username_and_rotates():
    vault = FakeVault()
    params = dict(mount="database", name="app", db_name="pg", username="app", rotation_period="24h",
                  rotation_statements=None, rotate=False, state="present")
    run(StaticRoleResource, params, vault)
    with pytest.raises(OptionError, match="cannot be changed"):
        run(StaticRoleResource, dict(params, username="other"), vault)
    rotated = run(StaticRoleResource, dict(params, rotate=True, username=None, db_name=None), vault)
    assert rotated["changed"] and rotated["rotated"]
    assert vault.calls[-1][:2] == ("POST", "database/rotate-role/app")
    with pytest.raises(OptionError, match="5 seconds"):
        StaticRoleResource(dict(params, rotation_period="2s")).validate()


def test_lease_revoke_is_idempotent_and_prefix_lists_leases():
    vault = FakeVault()
    vault.leases = {"database/creds/ro/a": {"id": "database/creds/ro/a", "renewable": True, "ttl": 10},
                    "database/creds/ro/b": {"id": "database/creds/ro/b", "renewable": True, "ttl": 10}}
    base = dict(lease_id="database/creds/ro/a", prefix=None, increment=None, state="revoked")
    assert run(LeaseResource, base, vault, state="revoked")["changed"]
    assert not run(LeaseResource, base, vault, state="revoked")["changed"]
    prefix = run(LeaseResource, dict(base, lease_id=None, prefix="database/creds/ro"), vault, state="revoked",
                 check=True)
    assert prefix["changed"] and prefix["revoked"] == ["database/creds/ro/b"]
    with pytest.raises(OptionError, match="state=revoked only"):
        LeaseResource(dict(base, lease_id=None, prefix="x", state="renewed")).validate()
