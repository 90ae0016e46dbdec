"""vault_config: the document is validated with the modules' own specs; plan, order, prune and partial failure
against an in-memory server that knows policies and mounts."""

from __future__ import annotations

import ast
import pathlib
import threading

import pytest
import yaml

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError, PartialApplyError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault.config import _plan
from ansible_collections.citadel.secrets.plugins.module_utils._vault.config._sections import (
    SECTIONS, document_secrets, document_values)

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES = 'path "secret/*" { capabilities = ["read"] }'


def _string_constant(path, name, cls=None):
    tree = ast.parse(path.read_text())
    body = tree.body
    if cls:
        body = next(node.body for node in body if isinstance(node, ast.ClassDef) and node.name == cls)
    for node in body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return yaml.safe_load(node.value.value)
    raise AssertionError("no %s in %s" % (name, path))


def _documented_options(module):
    """The module's own options, with those of this collection's fragments other than connection and auth."""
    doc = _string_constant(ROOT / "plugins" / "modules" / ("%s.py" % module), "DOCUMENTATION")
    options = set(doc.get("options") or {})
    for fragment in doc.get("extends_documentation_fragment") or ():
        name = fragment.split(".")[2]
        if name not in ("vault_connection", "vault_auth", "attributes"):
            fragment_doc = _string_constant(ROOT / "plugins" / "doc_fragments" / ("%s.py" % name), "DOCUMENTATION",
                                            cls="ModuleDocFragment")
            options.update(fragment_doc.get("options") or {})
    return options


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_section_spec_is_the_modules_documented_spec(name):
    section = SECTIONS[name]
    module = section.module.rsplit(".", 1)[1]
    assert set(section.resource.argspec) == _documented_options(module)
    assert set(section.spec) == set(section.resource.argspec) - set(section.actions)


class FakeVault:
    """Policies and secrets-engine mounts, enough for the engine's own logic. ``fail`` makes writes to a path fail."""

    def __init__(self, policies=None, mounts=None):
        self.policies = dict(policies or {})
        self.mounts = {"sys": "system", "cubbyhole": "cubbyhole", "identity": "identity", "secret": "kv"}
        self.mounts.update(mounts or {})
        self.auth = {"token": "token"}
        self.writes = []
        self.fail = set()
        self.lock = threading.Lock()

    def _mount(self, path, kind):
        return {"type": kind, "description": "", "accessor": "%s_1" % kind, "options": {"version": "2"} if kind == "kv"
                else {}, "config": {}}

    def request(self, method, path, data=None, params=None, missing_ok=False, wrap_ttl=None):
        path = path.strip("/")
        if method == "GET" and path == "sys/mounts":
            return {"data": {"%s/" % p: self._mount(p, t) for p, t in self.mounts.items()}}
        if method == "GET" and path == "sys/auth":
            return {"data": {"%s/" % p: self._mount(p, t) for p, t in self.auth.items()}}
        if path.startswith("sys/mounts/"):
            name = path[len("sys/mounts/"):]
            if method == "GET":
                if name not in self.mounts:
                    raise VaultApiError(method, path, 400, ["No secret engine mount at %s/" % name])
                return {"data": self._mount(name, self.mounts[name])}
            return self._write(method, path, lambda: self.mounts.__setitem__(name, data["type"])
                               if method == "POST" else self.mounts.pop(name))
        if path.startswith("sys/policies/acl/"):
            name = path[len("sys/policies/acl/"):]
            if method == "GET":
                return {"data": {"name": name, "policy": self.policies[name]}} if name in self.policies else None
            return self._write(method, path, lambda: self.policies.__setitem__(name, data["policy"])
                               if method == "PUT" else self.policies.pop(name))
        if method == "LIST" and path == "sys/policies/acl":
            return {"data": {"keys": sorted(self.policies) + ["default", "root"]}}
        if method == "GET" and path.startswith("sys/plugins/catalog/"):
            return None
        raise AssertionError("unexpected request %s %s" % (method, path))

    def _write(self, method, path, change):
        with self.lock:
            if path in self.fail:
                raise VaultApiError(method, path, 403, ["permission denied"])
            change()
            self.writes.append((method, path))
        return {}

    def read(self, path, params=None):
        return self.request("GET", path, params=params, missing_ok=True)

    def write(self, path, data=None, method="POST"):
        return self.request(method, path, data=data or {})

    def delete(self, path, missing_ok=True):
        return self.request("DELETE", path, missing_ok=missing_ok)

    def list(self, path):
        body = self.request("LIST", path, missing_ok=True)
        return list(((body or {}).get("data") or {}).get("keys") or [])


def plan_for(document, vault, check_mode=False, **kwargs):
    plan = _plan.ConfigPlan(document, **kwargs)
    plan.plan(vault, check_mode=check_mode)
    return plan


def actions(plan):
    return {(entry["type"], entry["name"]): entry["action"] for entry in plan.entries()}


def test_bad_entries_are_all_reported_before_any_request():
    document = {
        "policies": [{"name": "ok", "rules": RULES}, {"name": "bad", "rules": RULES, "colour": "blue"},
                     {"name": "ok", "rules": RULES}],
        "secrets_engines": [{"path": "kv", "engine_type": "kv", "max_lease_ttl": "ten minutes"}],
        "transit_keys": [{"name": "k", "rotate": True}],
    }
    with pytest.raises(OptionError) as err:
        _plan.ConfigPlan(document)
    msg = err.value.msg
    assert "4 invalid entries, nothing was read or written" in msg
    assert "policies[1] (name bad): unknown option(s) colour" in msg
    assert "policies[2] 'ok': policies 'ok' is also defined by policies[0] 'ok'" in msg
    assert "secrets_engines[0] (path kv): " in msg and "max_lease_ttl" in msg
    assert "transit_keys[0] (name k): rotate: one-off action" in msg


def test_unknown_section_and_bad_prune():
    with pytest.raises(OptionError, match="unknown section.*polices"):
        _plan.ConfigPlan({"polices": []})
    with pytest.raises(OptionError, match="kv_secrets cannot be pruned"):
        _plan.ConfigPlan({}, prune=["kv_secrets"])
    with pytest.raises(OptionError, match="protect"):
        _plan.ConfigPlan({}, protect=["admin"])


def test_module_defaults_and_aliases_apply_to_entries():
    plan = _plan.ConfigPlan({"secrets_engines": [{"path": "/kv/", "type": "kv-v2"}],
                             "approle_roles": [{"name": "app"}]})
    engine, role = plan.items
    assert engine.identity == "kv" and engine.params["state"] == "present"
    assert engine.resource.desired()["type"] == "kv" and engine.resource.desired()["options"] == {"version": "2"}
    assert role.identity == "approle/app" and role.params["mount"] == "approle"


def test_plan_apply_rerun_and_check_mode():
    vault = FakeVault(policies={"keep": RULES + "\n"})
    document = {"policies": [{"name": "keep", "rules": RULES}, {"name": "new", "rules": RULES}],
                "secrets_engines": [{"path": "kv", "engine_type": "kv-v2"}]}
    plan = plan_for(document, vault, check_mode=True)
    assert actions(plan) == {("policies", "keep"): "unchanged", ("policies", "new"): "create",
                             ("secrets_engines", "kv"): "create"}
    assert plan.counts() == {"create": 2, "update": 0, "delete": 0, "unchanged": 1} and vault.writes == []
    plan = plan_for(document, vault)
    assert plan.apply(vault) == ["create policies new", "create secrets_engines kv"]
    # policies are written before mounts
    assert [path for dummy, path in vault.writes] == ["sys/policies/acl/new", "sys/mounts/kv"]
    again = plan_for(document, vault)
    assert not again.changed() and again.diffs() == []


def test_prune_deletes_what_the_document_does_not_name_but_never_protected_objects():
    vault = FakeVault(policies={"keep": RULES + "\n", "old": RULES, "ci-1": RULES},
                      mounts={"legacy": "kv", "team-a": "kv"})
    document = {"policies": [{"name": "keep", "rules": RULES}],
                "secrets_engines": [{"path": "team-a", "engine_type": "kv"}]}
    plan = plan_for(document, vault, prune=["policies", "secrets_engines"],
                    protect=["policies:ci-*", "secrets_engines:secret"])
    deleted = sorted((e["type"], e["name"]) for e in plan.entries() if e["action"] == "delete")
    assert deleted == [("policies", "old"), ("secrets_engines", "legacy")]
    assert all(e.get("pruned") for e in plan.entries() if e["action"] == "delete")
    reasons = {(p["type"], p["name"]): p["reason"] for p in plan.protected}
    assert reasons[("policies", "root")] == reasons[("policies", "default")] == "built into the server"
    assert reasons[("policies", "ci-1")] == "matches protect policies:ci-*"
    assert reasons[("secrets_engines", "sys")] == "built into the server"
    assert reasons[("secrets_engines", "secret")] == "matches protect secrets_engines:secret"
    plan.apply(vault)
    assert "old" not in vault.policies and "legacy" not in vault.mounts and "ci-1" in vault.policies


def test_partial_failure_says_what_was_applied_and_rerun_finishes():
    vault = FakeVault()
    vault.fail.add("sys/mounts/kv")
    document = {"policies": [{"name": "a", "rules": RULES}, {"name": "b", "rules": RULES}],
                "secrets_engines": [{"path": "kv", "engine_type": "kv"}, {"path": "kv2", "engine_type": "kv"}]}
    plan = plan_for(document, vault, workers=1)
    with pytest.raises(PartialApplyError) as err:
        plan.apply(vault)
    details = err.value.details
    assert details["applied"] == ["create policies a", "create policies b"]
    assert details["not_applied"] == ["create secrets_engines kv", "create secrets_engines kv2"]
    assert "sys/mounts/kv" in err.value.msg and "permission denied" in err.value.msg
    vault.fail.clear()
    plan = plan_for(document, vault)
    assert {k: v for k, v in actions(plan).items() if v != "unchanged"} == {("secrets_engines", "kv"): "create",
                                                                            ("secrets_engines", "kv2"): "create"}
    plan.apply(vault)
    assert not plan_for(document, vault).changed()


def test_children_need_a_mount_of_the_right_kind():
    vault = FakeVault()
    with pytest.raises(OptionError, match=r"transit_keys\[0\] 'transit/k': no secrets engine is mounted at 'transit'"):
        plan_for({"transit_keys": [{"name": "k"}]}, vault)
    with pytest.raises(OptionError, match="the secrets engine at 'secret' is a kv-v2, not a transit"):
        plan_for({"transit_keys": [{"name": "k", "mount": "secret"}]}, vault)


def test_secret_values_stay_masked_and_names_do_not():
    document = {"userpass_users": [{"name": "alice", "user_password": "hunter2!", "token_policies": ["ops"]}],
                "database_connections": [{"name": "pg", "password": "pw-123", "pasword": "typo-456"}],
                "nonsense": [{"x": "whatever"}]}
    assert document_secrets(document) == {"hunter2!", "pw-123", "typo-456", "whatever"}
    assert {"alice", "ops", "pg"} <= document_values(document)
