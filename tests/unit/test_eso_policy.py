"""The eso_policy filter: the Vault paths ESO requests for declared ExternalSecrets and PushSecrets, and only those."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.citadel.secrets.plugins.filter.eso_policy import FilterModule, eso_policy

TOKEN = {"auth/token/lookup-self": ["read"], "auth/token/revoke-self": ["update"]}


def store(name="vault", kind="ClusterSecretStore", namespace=None, path="secret", version="v2", labels=None):
    meta = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    vault = {"server": "https://vault:8200", "version": version}
    if path is not None:
        vault["path"] = path
    return {"apiVersion": "external-secrets.io/v1", "kind": kind, "metadata": meta,
            "spec": {"provider": {"vault": vault}}}


def es(data=(), data_from=(), name="app", namespace="prod", ref=None):
    return {"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"secretStoreRef": ref or {"kind": "ClusterSecretStore", "name": "vault"},
                     "data": list(data), "dataFrom": list(data_from)}}


def remote(key, **extra):
    return {"secretKey": "k", "remoteRef": dict({"key": key}, **extra)}


def push(keys, name="push", namespace="prod", refs=None, deletion=None):
    spec = {"secretStoreRefs": refs or [{"kind": "ClusterSecretStore", "name": "vault"}],
            "selector": {"secret": {"name": "s"}},
            "data": [{"match": {"secretKey": "k", "remoteRef": {"remoteKey": key}}} for key in keys]}
    if deletion:
        spec["deletionPolicy"] = deletion
    return {"apiVersion": "external-secrets.io/v1alpha1", "kind": "PushSecret",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def paths(manifests, **kwargs):
    found = eso_policy(manifests, format="paths", **kwargs)
    for key in TOKEN:
        assert found.pop(key) == TOKEN[key]
    return found


# -- reads ---------------------------------------------------------------------------------------------------------

def test_remote_refs_get_read_on_the_kv2_data_path():
    assert paths([store(), es([remote("app/db", property="password"), remote("app/api", version="3")])]) == {
        "secret/data/app/api": ["read"], "secret/data/app/db": ["read"]}


@pytest.mark.parametrize("key", ["app/db", "secret/app/db", "secret/data/app/db"])
def test_a_key_that_repeats_the_mount_is_the_same_path(key):
    assert paths([store(), es([remote(key)])]) == {"secret/data/app/db": ["read"]}


def test_nested_mount_and_kv1():
    assert paths([store(path="teams/web"), es([remote("db")])]) == {"teams/web/data/db": ["read"]}
    assert paths([store(version="v1", path="kv1"), es([remote("db"), remote("kv1/other")])]) == {
        "kv1/db": ["read"], "kv1/other": ["read"]}


def test_store_without_path_takes_the_mount_from_the_key():
    assert paths([store(path=None), es([remote("kv/app/db"), remote("kv/data/app/cfg")])]) == {
        "kv/data/app/cfg": ["read"], "kv/data/app/db": ["read"]}
    assert paths([store(path=None, version="v1"), es([remote("kv/app/db")])]) == {"kv/app/db": ["read"]}


def test_metadata_policy_fetch_reads_the_metadata_path():
    assert paths([store(), es([remote("app/db", metadataPolicy="Fetch")])]) == {"secret/metadata/app/db": ["read"]}
    with pytest.raises(AnsibleFilterError, match="metadataPolicy Fetch needs a KV v2 store"):
        eso_policy([store(version="v1"), es([remote("app/db", metadataPolicy="Fetch")])])


def test_data_from_extract_and_find():
    manifests = [store(), es(data_from=[{"extract": {"key": "app/cfg"}},
                                        {"find": {"path": "team/web", "name": {"regexp": "^db-"}}}])]
    assert paths(manifests) == {"secret/data/app/cfg": ["read"], "secret/data/team/web/*": ["read"],
                                "secret/metadata/team/web/*": ["list"]}


def test_find_by_tags_also_reads_metadata_and_without_path_covers_the_mount():
    manifests = [store(), es(data_from=[{"find": {"tags": {"env": "prod"}}}])]
    assert paths(manifests) == {"secret/data/*": ["read"], "secret/metadata/*": ["read", "list"]}
    with pytest.raises(AnsibleFilterError, match="find by tags needs a KV v2 store"):
        eso_policy([store(version="v1"), es(data_from=[{"find": {"tags": {"a": "b"}}}])])
    assert paths([store(version="v1"), es(data_from=[{"find": {"path": "app", "name": {"regexp": "."}}}])]) == {
        "secret/app/*": ["read", "list"]}


def test_generators_need_nothing_and_a_source_store_overrides_the_default():
    other = store(name="other", path="kv2")
    manifests = [store(), other, es(
        [{"secretKey": "p", "sourceRef": {"generatorRef": {"kind": "Password", "name": "gen"}}},
         dict(remote("app/x"), sourceRef={"storeRef": {"kind": "ClusterSecretStore", "name": "other"}})],
        [{"sourceRef": {"generatorRef": {"kind": "UUID", "name": "u"}}}])]
    assert paths(manifests) == {"kv2/data/app/x": ["read"]}


def test_cluster_external_secret():
    ces = {"kind": "ClusterExternalSecret", "metadata": {"name": "fanout"},
           "spec": {"namespaceSelectors": [{"matchLabels": {"a": "b"}}],
                    "externalSecretSpec": {"secretStoreRef": {"kind": "ClusterSecretStore", "name": "vault"},
                                           "data": [remote("shared/registry")]}}}
    policy = eso_policy([store(), ces])
    assert 'path "secret/data/shared/registry" {\n  capabilities = ["read"]\n}' in policy
    assert "# ClusterExternalSecret fanout\n" in policy


def test_secret_stores_resolve_in_the_referrers_namespace():
    manifests = [store(kind="SecretStore", namespace="prod", path="kv-prod"),
                 store(kind="SecretStore", namespace="dev", path="kv-dev"),
                 es([remote("db")], ref={"name": "vault"}, namespace="prod")]
    assert paths(manifests) == {"kv-prod/data/db": ["read"]}
    with pytest.raises(AnsibleFilterError, match="SecretStore 'vault' in namespace qa"):
        eso_policy(manifests + [es([remote("db")], ref={"name": "vault"}, namespace="qa")])


def test_short_form_stores_and_a_secret_store_without_namespace_stands_for_every_namespace():
    manifests = [es([remote("db")], ref={"kind": "SecretStore", "name": "vault"}, namespace="qa")]
    assert paths(manifests, stores=[{"kind": "SecretStore", "name": "vault", "path": "kv"}]) == {
        "kv/data/db": ["read"]}
    assert paths(manifests, stores=[{"kind": "SecretStore", "name": "vault", "namespace": "prod", "path": "kv"}],
                 unknown_stores="ignore") == {}


def test_unknown_stores():
    manifests = [es([remote("db")], ref={"kind": "ClusterSecretStore", "name": "aws"})]
    with pytest.raises(AnsibleFilterError, match="ClusterSecretStore 'aws'.*not among the Vault stores"):
        eso_policy(manifests)
    assert paths(manifests, unknown_stores="ignore") == {}
    non_vault = {"kind": "ClusterSecretStore", "metadata": {"name": "aws"}, "spec": {"provider": {"aws": {}}}}
    assert paths([non_vault] + manifests, unknown_stores="ignore") == {}


# -- writes --------------------------------------------------------------------------------------------------------

def test_push_secrets_create_read_update_data_and_metadata():
    assert paths([store(), push(["pushed/a"])]) == {
        "secret/data/pushed/a": ["create", "read", "update"],
        "secret/metadata/pushed/a": ["create", "read", "update"]}


def test_deletion_policy_delete_adds_delete_and_kv1_has_no_metadata():
    assert paths([store(), push(["pushed/a"], deletion="Delete")]) == {
        "secret/data/pushed/a": ["create", "read", "update", "delete"],
        "secret/metadata/pushed/a": ["create", "read", "update", "delete"]}
    assert paths([store(version="v1"), push(["pushed/a"])]) == {"secret/pushed/a": ["create", "read", "update"]}


def test_push_to_stores_chosen_by_label_and_data_to():
    stores = [store(name="a", path="kv-a", labels={"push": "yes"}), store(name="b", path="kv-b", labels={"push": "no"})]
    selector = [{"kind": "ClusterSecretStore", "labelSelector": {"matchLabels": {"push": "yes"}}}]
    assert paths(stores + [push(["x"], refs=selector)]) == {
        "kv-a/data/x": ["create", "read", "update"], "kv-a/metadata/x": ["create", "read", "update"]}
    expressions = [{"kind": "ClusterSecretStore",
                    "labelSelector": {"matchExpressions": [{"key": "push", "operator": "In", "values": ["no"]}]}}]
    assert list(paths(stores + [push(["x"], refs=expressions)])) == ["kv-b/data/x", "kv-b/metadata/x"]
    data_to = push([])
    data_to["spec"]["dataTo"] = [{"remoteKey": "bundle", "storeRef": {"kind": "ClusterSecretStore", "name": "a"}}]
    assert list(paths(stores + [data_to])) == ["kv-a/data/bundle", "kv-a/metadata/bundle"]
    data_to["spec"]["dataTo"] = [{"match": {"regexp": ".*"}}]
    with pytest.raises(AnsibleFilterError, match="without remoteKey"):
        eso_policy(stores + [data_to])


def test_read_and_push_on_one_path_merge():
    policy = eso_policy([store(), es([remote("shared/x")]), push(["shared/x"])])
    assert '# ExternalSecret prod/app; PushSecret prod/push\npath "secret/data/shared/x" {\n' \
           '  capabilities = ["create", "read", "update"]\n}' in policy


# -- output and refusals -------------------------------------------------------------------------------------------

def test_hcl_is_sorted_deterministic_and_token_self_optional():
    manifests = [store(), es([remote("b"), remote("a")]), push(["c"])]
    policy = eso_policy(manifests)
    assert policy == eso_policy(list(reversed(manifests)))
    blocks = [line for line in policy.splitlines() if line.startswith("path ")]
    assert blocks == ['path "auth/token/lookup-self" {', 'path "auth/token/revoke-self" {', 'path "secret/data/a" {',
                      'path "secret/data/b" {', 'path "secret/data/c" {', 'path "secret/metadata/c" {']
    assert policy.endswith("}\n")
    assert "auth/token" not in eso_policy(manifests, token_self=False)
    assert "auth/token/lookup-self" not in eso_policy(manifests, format="paths", token_self=False)


@pytest.mark.parametrize("key, message", [
    ("app/*", "would change what a Vault policy path matches"),
    ("app/+/db", "would change what a Vault policy path matches"),
    ("app/../sys", "would change what a Vault policy path matches"),
    ('app/"x', "would change what a Vault policy path matches"),
    ("/app/db", "no leading, trailing or doubled slashes"),
    ("app//db", "no leading, trailing or doubled slashes"),
    ("", "is missing or empty"),
    (None, "is missing or empty"),
])
def test_keys_that_would_widen_or_break_the_policy_are_refused(key, message):
    with pytest.raises(AnsibleFilterError, match=message):
        eso_policy([store(), es([remote(key)])])


def test_malformed_input():
    with pytest.raises(AnsibleFilterError, match="expected a list"):
        eso_policy({"kind": "ExternalSecret"})
    with pytest.raises(AnsibleFilterError, match="has no metadata.namespace"):
        eso_policy([store(), {"kind": "ExternalSecret", "metadata": {"name": "x"}, "spec": {}}])
    with pytest.raises(AnsibleFilterError, match="neither extract, find nor a generator"):
        eso_policy([store(), es(data_from=[{"rewrite": []}])])
    with pytest.raises(AnsibleFilterError, match="version must be v1 or v2"):
        eso_policy([store(version="v3")])
    with pytest.raises(AnsibleFilterError, match="not shaped as ESO expects"):
        eso_policy([store(), es(data=["not-a-dict"])])
    with pytest.raises(AnsibleFilterError, match="format must be"):
        eso_policy([], format="json")
    with pytest.raises(AnsibleFilterError, match="key must name the mount"):
        eso_policy([store(path=None), es(data_from=[{"find": {"path": "app", "name": {"regexp": "."}}}])])


def test_the_filter_is_registered():
    assert FilterModule().filters()["eso_policy"] is eso_policy
