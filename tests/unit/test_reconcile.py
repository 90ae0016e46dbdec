"""The single reconcile path: compare, check mode, apply, diff — with an in-memory resource."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils import _redact
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource, changes, reconcile


class MemoryResource(Resource):
    kind = "thing"
    secret_paths = ("password",)

    def __init__(self, params, store):
        super().__init__(params)
        self.store = store
        self.calls = []

    def read(self):
        return dict(self.store["thing"]) if "thing" in self.store else None

    def desired(self):
        return {k: v for k, v in self.params.items() if v is not None and k != "state"}

    def create(self, target):
        self.calls.append(("create", target))
        self.store["thing"] = dict(target)

    def update(self, current, target, delta):
        self.calls.append(("update", delta))
        self.store["thing"].update(delta)

    def delete(self, current):
        self.calls.append(("delete",))
        del self.store["thing"]


def run(params, store, state="present", check=False, diff=True):
    resource = MemoryResource(params, store)
    return resource, reconcile(resource, state, check).result(diff)


def test_changes_only_compares_keys_the_user_set():
    assert changes({"a": 1, "b": 2}, {"a": 1}) == {}
    assert changes({"a": 1, "b": 2}, {"a": 3}) == {"a": 3}
    assert changes(None, {"a": 1}) == {"a": 1}


def test_check_mode_predicts_without_writing():
    store = {}
    resource, result = run({"size": 1, "password": "hunter2"}, store, check=True)
    assert result["changed"] is True
    assert store == {} and resource.calls == []


def test_create_then_noop_then_update_writes_only_the_difference():
    store = {}
    dummy, first = run({"size": 1, "password": "hunter2"}, store)
    resource, second = run({"size": 1, "password": "hunter2"}, store)
    assert first["changed"] and not second["changed"] and resource.calls == []
    resource, third = run({"size": 2}, store)
    assert third["changed"] and resource.calls == [("update", {"size": 2})]
    assert store["thing"] == {"size": 2, "password": "hunter2"}


def test_secrets_are_masked_in_result_and_diff():
    store = {"thing": {"size": 1, "password": "old-secret"}}
    dummy, result = run({"password": "new-secret"}, store)
    text = repr(result)
    assert "old-secret" not in text and "new-secret" not in text
    assert result["diff"]["before"]["password"] == _redact.SECRET
    assert result["diff"]["after"]["password"] == _redact.SECRET_CHANGED
    assert result["object"]["password"] == _redact.SECRET


def test_absent_deletes_once():
    store = {"thing": {"size": 1}}
    resource, result = run({}, store, state="absent")
    assert result["changed"] and resource.calls == [("delete",)] and store == {}
    resource, result = run({}, store, state="absent")
    assert not result["changed"] and resource.calls == []
