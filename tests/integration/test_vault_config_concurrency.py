"""vault_config reads with a pool of threads over one VaultClient (one pool of kept-alive connections): check,
against the session's OpenBao, that concurrent answers never cross (each read gets its own object) and that a plan of many
objects read concurrently is stable."""

from __future__ import annotations

import importlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import import_collection

N = 40


@pytest.fixture(scope="module")
def collection(collections_path):
    return import_collection(collections_path, "plugins.module_utils._vault._connect")


@pytest.fixture(scope="module")
def client(collection, openbao):
    vault = collection.connect({"url": openbao.addr, "token": openbao.token, "auth_method": "token", "retries": 1,
                                "timeout": 30})
    for index in range(N):
        vault.write("sys/policies/acl/cc-%02d" % index, {"policy": _rules(index)}, method="PUT")
    yield vault
    for index in range(N):
        vault.delete("sys/policies/acl/cc-%02d" % index)


def _rules(index):
    return 'path "cc/%02d/*" {\n  capabilities = ["read"]\n}\n' % index


def test_concurrent_reads_on_one_client_never_cross(client):
    def read(index):
        body = client.read("sys/policies/acl/cc-%02d" % (index % N))
        return index % N, body["data"]["name"], body["data"]["policy"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(read, range(N * 25)))
    assert len(answers) == N * 25
    for index, name, policy in answers:
        assert name == "cc-%02d" % index and policy == _rules(index)


def test_a_concurrent_plan_of_many_objects_is_stable(client):
    plan_module = importlib.import_module("ansible_collections.citadel.secrets.plugins.module_utils._vault.config._plan")
    document = {"policies": [{"name": "cc-%02d" % index, "rules": _rules(index)} for index in range(N)]}
    for dummy in range(10):
        plan = plan_module.ConfigPlan(document, workers=8)
        plan.plan(client, check_mode=True)
        assert plan.counts() == {"create": 0, "update": 0, "delete": 0, "unchanged": N}
    document["policies"][7]["rules"] = _rules(8)
    plan = plan_module.ConfigPlan(document, workers=8)
    plan.plan(client, check_mode=True)
    assert [(e["name"], e["action"]) for e in plan.entries() if e["action"] != "unchanged"] == [("cc-07", "update")]
