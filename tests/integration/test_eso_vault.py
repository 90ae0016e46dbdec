"""The external_secrets role's Vault side, end to end against OpenBao, checked by acting as ESO would.

The role runs for real (targets/external_secrets_playbooks/converge.yml: auth method, configuration, login role, the
policy it derives, with the cluster side rendered to files), twice (the second run changes nothing). Then this test
takes the rendered store and ExternalSecret/ClusterExternalSecret/PushSecret manifests, and does what ESO's Vault
provider does with them: requests a service-account token from the cluster (the loopback Kubernetes API stand-in)
for the account the store names, logs in through the auth method the store names (OpenBao reviews the token with
the cluster, or verifies it against the cluster's issuer keys, or takes the AppRole secret ID), reads every
remoteRef, lists and reads what a ``find`` covers, and pushes what the PushSecrets push, creating, updating and,
where the deletion policy says so, deleting. Paths the declarations do not name are denied, and so are writes to
paths that are only read.

The KV paths are computed here from ESO's own rules (buildPath / buildMetadataPath of its Vault provider), not with
the role's policy filter, so that the policy is checked against an independent reading of the manifests.
"""

from __future__ import annotations

import glob
import os
import re

import pytest
import requests
import yaml

SCENARIOS = {
    "k8s": {"auth": "kubernetes", "store_kind": "ClusterSecretStore"},
    "jwt": {"auth": "jwt", "store_kind": "SecretStore"},
    "approle": {"auth": "approle", "store_kind": "ClusterSecretStore"},
}
DENIED = 403


# -- ESO's path rules, restated from its Vault provider -------------------------------------------------------------

class EsoPaths:
    def __init__(self, vault):
        self.mount = vault.get("path")
        self.v2 = vault.get("version", "v2") == "v2"

    def _relative(self, key):
        if self.mount and key.startswith(self.mount + "/"):
            key = key[len(self.mount) + 1:]
            if self.v2 and key.startswith("data/"):
                key = key[len("data/"):]
        return key

    def data(self, key):
        if self.mount:
            return "/".join([self.mount] + (["data"] if self.v2 else []) + [self._relative(key)])
        if self.v2 and "/data/" not in key:
            first, rest = key.split("/", 1)
            return "%s/data/%s" % (first, rest)
        return key

    def metadata(self, key):
        return "%s/metadata/%s" % (self.mount, self._relative(key)) if self.v2 else "%s/%s" % (self.mount, key)


class Eso:
    """Just the Vault calls ESO makes, with its token."""

    def __init__(self, openbao, kube, store, store_namespace):
        self.openbao, self.kube = openbao, kube
        self.vault = store["spec"]["provider"]["vault"]
        self.paths = EsoPaths(self.vault)
        self.store_namespace = store_namespace
        self.token = None

    # ESO's TokenRequest (its RBAC lets it ask for exactly this account), as in createServiceAccountToken
    def request_token(self, sa_ref, extra_audiences=(), expiration=600, namespace=None):
        namespace = namespace or sa_ref.get("namespace") or self.store_namespace
        audiences = list(sa_ref.get("audiences") or []) + list(extra_audiences)
        response = requests.post(
            "%s/api/v1/namespaces/%s/serviceaccounts/%s/token" % (self.kube.url, namespace, sa_ref["name"]),
            json={"spec": {"audiences": audiences or None, "expirationSeconds": expiration}},
            headers={"Authorization": "Bearer " + self.kube.admin_token}, verify=self.kube.ca.ca_path, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()["status"]["token"]

    def login(self, secret_id=None, sa_namespace=None, audiences=None):
        auth = self.vault["auth"]
        if "kubernetes" in auth:
            cfg = auth["kubernetes"]
            sa_ref = dict(cfg["serviceAccountRef"], **({"audiences": audiences} if audiences is not None else {}))
            jwt = self.request_token(sa_ref, namespace=sa_namespace)
            mount, body = cfg["mountPath"], {"role": cfg["role"], "jwt": jwt}
        elif "jwt" in auth:
            cfg = auth["jwt"]
            token_cfg = cfg["kubernetesServiceAccountToken"]
            jwt = self.request_token(token_cfg["serviceAccountRef"],
                                     token_cfg.get("audiences", []) if audiences is None else audiences,
                                     token_cfg.get("expirationSeconds", 600), namespace=sa_namespace)
            mount, body = cfg["path"], {"role": cfg["role"], "jwt": jwt}
        else:
            cfg = auth["appRole"]
            mount, body = cfg["path"], {"role_id": cfg["roleId"], "secret_id": secret_id}
        response = self.openbao.api("POST", "auth/%s/login" % mount, json=body, token="")
        if response.status_code == 200:
            self.token = response.json()["auth"]["client_token"]
        return response

    def call(self, method, path, json=None):
        return self.openbao.api(method, path, json=json, token=self.token)

    def read(self, path, version=None):
        return self.call("GET", path + ("?version=%s" % version if version else ""))

    def list_all(self, search):
        """listSecrets: LIST the metadata subtree, recursively."""
        found = []
        response = self.call("LIST", self.paths.metadata(search))
        assert response.status_code == 200, (search, response.text)
        for key in response.json()["data"]["keys"]:
            if key.endswith("/"):
                found.extend(self.list_all(search + key))
            else:
                found.append(search + key)
        return found


# -- fixtures -----------------------------------------------------------------------------------------------------

def _manifests(directory):
    manifests = []
    for path in sorted(glob.glob(os.path.join(directory, "[0-9][0-9]-*.yaml"))):
        with open(path) as handle:
            manifests.append(yaml.safe_load(handle))
    return manifests


@pytest.fixture(params=sorted(SCENARIOS), scope="module")
def converged(request, run_target, openbao, kubernetes_api, canaries, tmp_path_factory):
    name = request.param
    scenario = SCENARIOS[name]
    render_dir = str(tmp_path_factory.mktemp("eso-render-%s" % name))
    reviewer_jwt = kubernetes_api.mint("kube-system", "vault-reviewer")[0]
    extra = {"eso_auth": scenario["auth"], "eso_store_kind": scenario["store_kind"], "eso_suffix": name,
             "eso_render_dir": render_dir}
    if scenario["auth"] == "kubernetes":
        extra["eso_reviewer_jwt"] = reviewer_jwt

    def converge():
        run = run_target("external_secrets_playbooks", extra_env=kubernetes_api.env(), extra_vars=extra,
                         playbook="converge.yml")
        assert run.rc == 0, "converge failed (log: %s):\n%s" % (run.log_path, run.output[-6000:])
        assert reviewer_jwt not in run.output and reviewer_jwt.split(".")[1] not in run.output, \
            "the reviewer token leaked into the output (%s)" % run.log_path
        return run

    first = converge()
    assert first.recap().get("changed", 0) > 0

    # The secrets ESO is to read, written out of band once the role has enabled the mount.
    kv = "eso-kv-%s" % name
    writes = [
        ("web/db", {"password": "old-password", "owner": "web"}),
        ("web/db", {"password": canaries["canary_password"], "owner": "web"}),
        ("web/config", {"api_key": canaries["canary_api_key"], "region": "eu"}),
        ("shared/feature-a", {"enabled": "true"}),
        ("shared/deeper/feature-b", {"enabled": "false"}),
        ("shared/registry", {"dockerconfigjson": '{"auths": {}}'}),
        ("worker/token", {"token": canaries["canary_token"]}),
        ("web/admin", {"password": canaries["canary_extra"]}),
    ]
    for path, data in writes:
        assert openbao.api("POST", "%s/data/%s" % (kv, path), json={"data": data}).status_code == 200
    assert openbao.api("POST", "%s/metadata/web/db" % kv,
                       json={"custom_metadata": {"owner": "team-web"}}).status_code == 204

    second = converge()
    assert second.recap().get("changed") == 0, "second run changed something (log: %s)" % second.log_path
    return {"name": name, "scenario": scenario, "kv": kv, "manifests": _manifests(render_dir),
            "render_dir": render_dir}


def _stores(manifests):
    return [m for m in manifests if m["kind"] in ("ClusterSecretStore", "SecretStore")]


def _store_for(manifests, ref, namespace):
    kind = ref.get("kind", "SecretStore")
    for store in _stores(manifests):
        if store["kind"] == kind and store["metadata"]["name"] == ref["name"] and (
                kind == "ClusterSecretStore" or store["metadata"].get("namespace") == namespace):
            return store
    raise AssertionError("no %s %s for namespace %s among the rendered manifests" % (kind, ref["name"], namespace))


def _logged_in(openbao, kubernetes_api, store, namespace):
    eso = Eso(openbao, kubernetes_api, store, namespace)
    secret_id = None
    if "appRole" in eso.vault["auth"]:
        cfg = eso.vault["auth"]["appRole"]
        role = openbao.api("LIST", "auth/%s/role" % cfg["path"]).json()["data"]["keys"][0]
        secret_id = openbao.api("POST", "auth/%s/role/%s/secret-id" % (cfg["path"], role)).json()["data"]["secret_id"]
    response = eso.login(secret_id=secret_id)
    assert response.status_code == 200, response.text
    return eso


def _uses(manifests):
    """(namespace, ExternalSecret spec, who) for each ExternalSecret, and for ClusterExternalSecrets per store namespace."""
    store_namespaces = sorted({s["metadata"].get("namespace") for s in _stores(manifests)} - {None}) or ["apps"]
    for m in manifests:
        if m["kind"] == "ExternalSecret":
            yield m["metadata"]["namespace"], m["spec"], "ExternalSecret %s" % m["metadata"]["name"]
        elif m["kind"] == "ClusterExternalSecret":
            for namespace in store_namespaces:
                yield namespace, m["spec"]["externalSecretSpec"], "ClusterExternalSecret %s" % m["metadata"]["name"]


# -- the tests ----------------------------------------------------------------------------------------------------

def test_vault_side_as_configured(converged, openbao):
    """Out of band: the login role admits only ESO's account with a short TTL and only the generated policy."""
    scenario, name = converged["scenario"], converged["name"]
    mount = "eso-%s-%s" % (scenario["auth"], name)
    role = openbao.api("GET", "auth/%s/role/eso-%s" % (mount, name)).json()["data"]
    assert role["token_policies"] == ["eso-%s" % name]
    assert role["token_no_default_policy"] is True
    assert role["token_ttl"] == 600 and role["token_max_ttl"] == 1800
    if scenario["auth"] == "kubernetes":
        assert role["bound_service_account_names"] == ["external-secrets-vault"]
        assert role["bound_service_account_namespaces"] == ["external-secrets"]
        assert role["audience"] == "vault"
    elif scenario["auth"] == "jwt":
        assert role["bound_audiences"] == ["vault"]
        assert sorted(role["bound_claims"]["sub"]) == [
            "system:serviceaccount:prod:external-secrets-vault", "system:serviceaccount:staging:external-secrets-vault"]
    policy = openbao.api("GET", "sys/policies/acl/eso-%s" % name).json()["data"]["policy"]
    with open(os.path.join(converged["render_dir"], "vault-policy.hcl")) as handle:
        assert handle.read() == policy, "the rendered policy is not the one written to Vault"


def test_eso_reads_every_remote_ref(converged, openbao, kubernetes_api, canaries):
    manifests = converged["manifests"]
    reads = 0
    for namespace, spec, who in _uses(manifests):
        eso = _logged_in(openbao, kubernetes_api, _store_for(manifests, spec["secretStoreRef"], namespace), namespace)
        for item in spec.get("data", []):
            ref = item["remoteRef"]
            if ref.get("metadataPolicy") == "Fetch":
                response = eso.read(eso.paths.metadata(ref["key"]))
                assert response.status_code == 200, (who, ref, response.text)
                assert response.json()["data"]["custom_metadata"][ref["property"]] == "team-web"
            else:
                response = eso.read(eso.paths.data(ref["key"]), ref.get("version"))
                assert response.status_code == 200, (who, ref, response.text)
                assert ref["property"] in response.json()["data"]["data"]
            reads += 1
        for item in spec.get("dataFrom", []):
            if "extract" in item:
                response = eso.read(eso.paths.data(item["extract"]["key"]))
                assert response.status_code == 200, (who, item, response.text)
                reads += 1
            if "find" in item:
                found = eso.list_all(item["find"]["path"] + "/")
                assert sorted(found) == ["shared/deeper/feature-b", "shared/feature-a", "shared/registry"]
                matched = [key for key in found if re.search(item["find"]["name"]["regexp"], key)]
                assert len(matched) == 2
                for key in found:  # ESO reads the matches; the policy allows the whole searched subtree
                    assert eso.read(eso.paths.data(key)).status_code == 200, (who, key)
                    reads += 1
    assert reads >= 9

    # The values are the planted ones (compared, never printed).
    prod = next(m for m in manifests if m["kind"] == "ExternalSecret" and m["metadata"]["name"] == "web-db")
    eso = _logged_in(openbao, kubernetes_api, _store_for(manifests, prod["spec"]["secretStoreRef"], "prod"), "prod")
    data = eso.read(eso.paths.data("web/db")).json()["data"]["data"]
    assert data["password"] == canaries["canary_password"]
    assert eso.read(eso.paths.data("web/db"), "1").json()["data"]["data"]["password"] == "old-password"
    worker = next(m for m in manifests if m["kind"] == "ExternalSecret" and m["metadata"]["name"] == "worker")
    assert worker["spec"]["data"][0]["remoteRef"]["key"].startswith(converged["kv"] + "/")
    eso = _logged_in(openbao, kubernetes_api, _store_for(manifests, worker["spec"]["secretStoreRef"], "staging"),
                     "staging")
    token = eso.read(eso.paths.data(worker["spec"]["data"][0]["remoteRef"]["key"])).json()["data"]["data"]["token"]
    assert token == canaries["canary_token"]


def test_eso_pushes_what_push_secrets_push(converged, openbao, kubernetes_api):
    manifests = converged["manifests"]
    pushes = [m for m in manifests if m["kind"] == "PushSecret"]
    assert len(pushes) == 2
    for push in pushes:
        namespace = push["metadata"]["namespace"]
        deletes = push["spec"].get("deletionPolicy") == "Delete"
        for ref in push["spec"]["secretStoreRefs"]:
            eso = _logged_in(openbao, kubernetes_api, _store_for(manifests, ref, namespace), namespace)
            for item in push["spec"]["data"]:
                remote = item["match"]["remoteRef"]
                data_path, meta_path = eso.paths.data(remote["remoteKey"]), eso.paths.metadata(remote["remoteKey"])
                value = {remote.get("property", "value"): "pushed-%s" % converged["name"]}
                # pushSecretKV2: read the secret, stamp the metadata, write the data; later, update it
                assert eso.read(data_path).status_code == 404
                assert eso.call("POST", meta_path,
                                json={"custom_metadata": {"managed-by": "external-secrets"}}).status_code == 204
                assert eso.call("POST", data_path, json={"data": value}).status_code == 200
                assert eso.read(meta_path).json()["data"]["custom_metadata"]["managed-by"] == "external-secrets"
                assert eso.call("POST", data_path, json={"data": dict(value, extra="x")}).status_code == 200
                assert eso.read(data_path).json()["data"]["data"]["extra"] == "x"
                # DeleteSecret only where the deletion policy is Delete
                expected = 204 if deletes else DENIED
                assert eso.call("DELETE", data_path).status_code == expected, (push["metadata"]["name"], data_path)
                assert eso.call("DELETE", meta_path).status_code == expected, (push["metadata"]["name"], meta_path)


def test_everything_else_is_denied(converged, openbao, kubernetes_api):
    manifests = converged["manifests"]
    kv = converged["kv"]
    web_db = next(m for m in manifests if m["kind"] == "ExternalSecret" and m["metadata"]["name"] == "web-db")
    eso = _logged_in(openbao, kubernetes_api, _store_for(manifests, web_db["spec"]["secretStoreRef"], "prod"), "prod")
    denied = [
        ("GET", "%s/data/web/admin" % kv, None),            # a secret next to the declared ones
        ("GET", "%s/metadata/web/config" % kv, None),       # metadata of a key read without metadataPolicy Fetch
        ("POST", "%s/data/web/db" % kv, {"data": {"password": "x"}}),  # writing a path that is only read
        ("POST", "%s/metadata/web/db" % kv, {"max_versions": 1}),
        ("DELETE", "%s/data/web/config" % kv, None),
        ("LIST", "%s/metadata/" % kv, None),                # listing outside the searched subtree
        ("LIST", "%s/metadata/web/" % kv, None),
        ("GET", "%s/data/shared-other/x" % kv, None),       # a prefix of the find path is not its subtree
        ("POST", "%s/data/pushed/prod/other" % kv, {"data": {"a": "b"}}),  # next to a pushed key
        ("GET", "sys/policies/acl/eso-%s" % converged["name"], None),
        ("POST", "auth/token/create", {}),
        ("GET", "sys/mounts", None),
    ]
    for method, path, body in denied:
        response = eso.call(method, path, json=body)
        assert response.status_code == DENIED, "%s %s: %s %s" % (method, path, response.status_code, response.text)
    # ESO's own token housekeeping is allowed, and nothing but the generated policy is attached
    me = eso.call("GET", "auth/token/lookup-self").json()["data"]
    assert me["policies"] == ["eso-%s" % converged["name"]]
    assert 0 < me["ttl"] <= 600
    assert eso.call("POST", "auth/token/revoke-self").status_code == 204
    assert eso.call("GET", "auth/token/lookup-self").status_code == DENIED


def test_other_identities_cannot_log_in(converged, openbao, kubernetes_api):
    manifests = converged["manifests"]
    store = _stores(manifests)[0]
    namespace = store["metadata"].get("namespace")
    eso = Eso(openbao, kubernetes_api, store, namespace)
    auth = eso.vault["auth"]
    if "appRole" in auth:
        response = eso.login(secret_id="00000000-0000-0000-0000-000000000000")
        assert response.status_code in (400, 403), response.text
        return
    # the same account name in a namespace the role does not admit
    assert eso.login(sa_namespace="default").status_code in (400, 403)
    # the right account, but a token not made for Vault (the API server's own audience)
    assert eso.login(audiences=[]).status_code in (400, 403)
