"""Everything the external_secrets role would send to a cluster, validated without one.

The role runs in render-only mode (targets/external_secrets_playbooks/render.yml, no Vault needed) in several
variants, and every file it writes is checked:

- ESO kinds against the ``openAPIV3Schema`` of the served version in the real ESO v2.9.0 CRDs (``../shared/eso-crds``,
  or ``$CITADEL_ESO_CRDS``), made strict the way the API server's strict field validation is: an unknown field is an
  error, not silently pruned. Their ``metadata`` is checked as an ObjectMeta.
- Built-in kinds (Namespace, ServiceAccount, Role, RoleBinding, ClusterRoleBinding) against the Kubernetes OpenAPI
  schemas that the kubernetes-validate package ships (strict mode, offline).
- The chart values: every key the role sets exists in the chart's own values.yaml (``chart-values-2.9.0.yaml``), the
  securityContext/resources values are valid Kubernetes fields, and the NetworkPolicies they produce are valid.

Not checked here (no API server): CEL ``x-kubernetes-validations`` rules of the CRDs and the ESO admission webhook.
A wrong field name or type fails these tests; the negative tests prove it.
"""

from __future__ import annotations

import copy
import glob
import importlib.util
import json
import os
import re
import subprocess
import sys

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "tests", "integration", "targets", "external_secrets_playbooks", "render.yml")
CRDS = os.environ.get("CITADEL_ESO_CRDS") or os.path.join(os.path.dirname(ROOT), "shared", "eso-crds")
CHART_VALUES = os.path.join(CRDS, "chart-values-2.9.0.yaml")
K8S_VERSION = "1.33.0"
ESO_KINDS = {"ClusterSecretStore", "SecretStore", "ExternalSecret", "ClusterExternalSecret", "PushSecret"}
REVIEWER_JWT = "eyJhbGciOiJSUzI1NiJ9.cmV2aWV3ZXItdG9rZW4tbm90LWZvci1maWxlcw.c2ln"
FAKE_CA = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUfake\n-----END CERTIFICATE-----\n"

VARIANTS = {
    # Kubernetes auth, one ClusterSecretStore, Vault reviews logins with the login's own token (auth-delegator
    # binding), NetworkPolicies, a CA bundle and store conditions.
    "kubernetes-cluster": {"external_secrets_network_policy": True, "external_secrets_vault_ca_bundle": FAKE_CA,
                           "external_secrets_store_conditions": [{"namespaces": ["prod", "staging"]}]},
    # Kubernetes auth, SecretStores per namespace, a reviewer token, the chart's own token-request RBAC, a CA from
    # a ConfigMap.
    "kubernetes-namespaced": {"external_secrets_store_kind": "SecretStore",
                              "external_secrets_store_namespaces": ["prod", "staging"],
                              "external_secrets_vault_kubernetes_token_reviewer_jwt": REVIEWER_JWT,
                              "external_secrets_restrict_token_requests": False,
                              "external_secrets_vault_ca_provider": {"type": "ConfigMap", "name": "vault-ca",
                                                                     "key": "ca.crt"}},
    # JWT auth in a Vault namespace.
    "jwt": {"external_secrets_vault_auth": "jwt", "external_secrets_vault_namespace": "team-a"},
    # AppRole auth with SecretStores.
    "approle": {"external_secrets_vault_auth": "approle", "external_secrets_store_kind": "SecretStore",
                "external_secrets_store_namespaces": ["prod", "staging"],
                "external_secrets_vault_approle_role_id": "0b1c2d3e-eso",
                "external_secrets_vault_approle_secret_ref": {"name": "eso-approle", "key": "secret-id"}},
    # ESO presents its own service account (the chart creates it, so the role does not).
    "own-account": {"external_secrets_vault_auth_service_account": "external-secrets",
                    "external_secrets_replicas": 1, "external_secrets_webhook_replicas": 1},
}


def _filter_module():
    """The collection's eso_policy filter, loaded from its file (it imports only ansible-core)."""
    spec = importlib.util.spec_from_file_location("eso_policy_filter", os.path.join(ROOT, "plugins", "filter", "eso_policy.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


eso_policy = _filter_module().eso_policy


def _changed(output):
    """changed=N from the PLAY RECAP line for localhost."""
    return int(re.findall(r"localhost\s*:.*?changed=(\d+)", output)[-1])


# -- validators ---------------------------------------------------------------------------------------------------

def _strict(schema):
    """A CRD schema as the API server applies it with strict field validation: unknown fields are errors, and
    OpenAPI's ``nullable`` becomes a JSON-schema null type."""
    if isinstance(schema, dict):
        schema = {k: _strict(v) for k, v in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema \
                and not schema.get("x-kubernetes-preserve-unknown-fields"):
            schema["additionalProperties"] = False
        if schema.get("nullable") and isinstance(schema.get("type"), str):
            schema["type"] = [schema["type"], "null"]
        return schema
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


def _load_crds():
    if not os.path.isdir(CRDS):
        if os.environ.get("CI"):
            pytest.fail("ESO CRDs not found at %s" % CRDS)
        pytest.skip("ESO CRDs not found at %s (set CITADEL_ESO_CRDS)" % CRDS)
    validators = {}
    for path in glob.glob(os.path.join(CRDS, "external-secrets.io_*.yaml")):
        with open(path) as handle:
            crd = yaml.safe_load(handle)
        kind = crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served"):
                api_version = "%s/%s" % (crd["spec"]["group"], version["name"])
                schema = _strict(version["schema"]["openAPIV3Schema"])
                validators[(api_version, kind)] = jsonschema.Draft7Validator(schema)
    return validators


@pytest.fixture(scope="module")
def crd_validators():
    return _load_crds()


@pytest.fixture(scope="module")
def chart_values():
    _load_crds()
    with open(CHART_VALUES) as handle:
        return yaml.safe_load(handle)


def validate(manifest, crd_validators):
    """Raise on any schema violation of one manifest (ESO kinds: CRD schema; others: Kubernetes schema)."""
    key = (manifest.get("apiVersion"), manifest.get("kind"))
    if manifest.get("kind") in ESO_KINDS:
        if key not in crd_validators:
            raise AssertionError("%s %s is not a served ESO version" % key)
        errors = sorted(crd_validators[key].iter_errors(manifest), key=lambda e: list(e.absolute_path))
        if errors:
            raise AssertionError("; ".join("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message) for e in errors))
        # the CRD leaves metadata open; the API server checks it as ObjectMeta
        kubernetes_validate.validate({"apiVersion": "v1", "kind": "ConfigMap", "metadata": manifest["metadata"]},
                                     K8S_VERSION, strict=True)
    else:
        kubernetes_validate.validate(manifest, K8S_VERSION, strict=True)


def unknown_chart_keys(values, chart, prefix=""):
    """Keys set in ``values`` that the chart's values.yaml does not have. Below an empty map, a list or a null
    (free-form values such as ``resources`` or ``podLabels``) anything goes; where the chart has a map, so must we."""
    bad = []
    for key, value in values.items():
        path = prefix + key
        if key not in chart:
            bad.append(path)
            continue
        default = chart[key]
        if isinstance(default, dict) and default:
            if not isinstance(value, dict):
                bad.append(path + " (the chart has a map here)")
            else:
                bad.extend(unknown_chart_keys(value, default, path + "."))
        elif isinstance(default, bool) and not isinstance(value, bool):
            bad.append(path + " (the chart has a boolean here)")
        elif isinstance(default, list) and not isinstance(value, list):
            bad.append(path + " (the chart has a list here)")
    return bad


# -- running the role ---------------------------------------------------------------------------------------------

def render(collections_path, directory, overrides):
    extra = dict(overrides, external_secrets_render_dir=str(directory))
    inventory = os.path.join(str(directory), "..", "inventory-%s.ini" % os.path.basename(str(directory)))
    with open(inventory, "w") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VAULT_", "BAO_", "K8S_AUTH_"))}
    env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_RETRY_FILES_ENABLED="false", ANSIBLE_HOME=os.path.join(str(directory), "..", "ansible-home"))
    proc = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-vvv", "-i", inventory,
         "-e", json.dumps(extra), PLAYBOOK],
        env=env, cwd=os.path.dirname(PLAYBOOK), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=600, check=False)
    return proc


def rendered(directory):
    manifests = {}
    for path in sorted(glob.glob(os.path.join(str(directory), "[0-9][0-9]-*.yaml"))):
        with open(path) as handle:
            docs = list(yaml.safe_load_all(handle))
        assert len(docs) == 1, "%s holds %d documents" % (path, len(docs))
        manifests[os.path.basename(path)] = docs[0]
    with open(os.path.join(str(directory), "helm-values.yaml")) as handle:
        values = yaml.safe_load(handle)
    with open(os.path.join(str(directory), "vault-policy.hcl")) as handle:
        policy = handle.read()
    return manifests, values, policy


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def variant(request, collections_path, tmp_path_factory):
    directory = tmp_path_factory.mktemp("eso-%s" % request.param)
    proc = render(collections_path, directory, VARIANTS[request.param])
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert REVIEWER_JWT not in proc.stdout
    if request.param == "kubernetes-namespaced":  # once is enough to show a rerun rewrites nothing
        again = render(collections_path, directory, VARIANTS[request.param])
        assert again.returncode == 0 and _changed(again.stdout) == 0, again.stdout[-3000:]
        assert REVIEWER_JWT not in again.stdout
    manifests, values, policy = rendered(directory)
    return {"name": request.param, "vars": VARIANTS[request.param], "manifests": manifests, "values": values,
            "policy": policy, "dir": directory}


# -- every variant ------------------------------------------------------------------------------------------------

def test_every_manifest_matches_its_schema(variant, crd_validators):
    assert variant["manifests"]
    for name, manifest in variant["manifests"].items():
        try:
            validate(manifest, crd_validators)
        except (AssertionError, kubernetes_validate.ValidationError) as exc:
            pytest.fail("%s (%s variant) does not validate: %s" % (name, variant["name"], exc))


def test_the_expected_objects_are_rendered(variant):
    kinds = {}
    for name, manifest in variant["manifests"].items():
        kinds.setdefault(manifest["kind"], []).append(
            (manifest["metadata"].get("namespace"), manifest["metadata"]["name"]))
        assert manifest["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "citadel.secrets.external_secrets"
        assert REVIEWER_JWT not in json.dumps(manifest)
    names = sorted(variant["manifests"])
    assert names == sorted(names, key=lambda n: int(n.split("-")[0])) and names[0].startswith("01-namespace-")
    assert kinds["Namespace"] == [(None, "external-secrets")]
    assert kinds["ExternalSecret"] == [("prod", "web-db"), ("staging", "worker")]
    assert kinds["ClusterExternalSecret"] == [(None, "registry")]
    assert kinds["PushSecret"] == [("prod", "api-key"), ("staging", "whole")]
    cfg = variant["vars"]
    store_kind = cfg.get("external_secrets_store_kind", "ClusterSecretStore")
    expected_stores = [(None, "vault")] if store_kind == "ClusterSecretStore" else [("prod", "vault"), ("staging", "vault")]
    assert kinds[store_kind] == expected_stores
    auth = cfg.get("external_secrets_vault_auth", "kubernetes")
    if auth == "approle":
        assert "ServiceAccount" not in kinds and "Role" not in kinds
    elif variant["name"] == "own-account":
        assert "ServiceAccount" not in kinds  # ESO's own, created by the chart
        assert kinds["Role"] == [("external-secrets", "external-secrets-vault-token")]
    else:
        sa_namespaces = ["external-secrets"] if store_kind == "ClusterSecretStore" else ["prod", "staging"]
        assert kinds["ServiceAccount"] == [(ns, "external-secrets-vault") for ns in sa_namespaces]
        if cfg.get("external_secrets_restrict_token_requests", True):
            assert kinds["Role"] == kinds["RoleBinding"] == [(ns, "external-secrets-vault-token") for ns in sa_namespaces]
        else:
            assert "Role" not in kinds
    client_reviews = auth == "kubernetes" and not cfg.get("external_secrets_vault_kubernetes_token_reviewer_jwt")
    assert ("ClusterRoleBinding" in kinds) == client_reviews


def test_stores_point_at_vault_as_configured(variant):
    cfg = variant["vars"]
    stores = [m for m in variant["manifests"].values() if m["kind"] in ("ClusterSecretStore", "SecretStore")]
    for store in stores:
        vault = store["spec"]["provider"]["vault"]
        assert vault["server"] == "https://vault.example.com:8200"
        assert vault["path"] == "secret" and vault["version"] == "v2"
        assert vault.get("namespace") == cfg.get("external_secrets_vault_namespace")
        if cfg.get("external_secrets_vault_ca_bundle"):
            assert vault["caBundle"] and "BEGIN" not in vault["caBundle"]  # base64 of the PEM, as ESO wants
        auth = vault["auth"]
        method = cfg.get("external_secrets_vault_auth", "kubernetes")
        if method == "kubernetes":
            ref = auth["kubernetes"]["serviceAccountRef"]
            assert auth["kubernetes"]["mountPath"] == "kubernetes" and auth["kubernetes"]["role"] == "external-secrets"
            assert ref["audiences"] == ["vault"]
            assert ("namespace" in ref) == (store["kind"] == "ClusterSecretStore")
        elif method == "jwt":
            assert auth["jwt"]["path"] == "jwt"
            assert auth["jwt"]["kubernetesServiceAccountToken"]["audiences"] == ["vault"]
        else:
            assert auth["appRole"] == {"path": "approle", "roleId": "0b1c2d3e-eso",
                                       "secretRef": {"name": "eso-approle", "key": "secret-id"}}


def test_policy_file_is_the_policy_of_what_was_rendered(variant):
    manifests = list(variant["manifests"].values())
    assert variant["policy"] == eso_policy(manifests)
    assert 'path "secret/data/web/db" {\n  capabilities = ["read"]\n}' in variant["policy"]
    assert 'path "secret/data/pushed/prod/api-key" {\n  capabilities = ["create", "read", "update", "delete"]\n}' \
        in variant["policy"]


def test_chart_values_exist_in_the_chart_and_are_hardened(variant, chart_values):
    values = variant["values"]
    assert unknown_chart_keys(values, chart_values) == []
    replicas = values["replicaCount"]
    assert values["leaderElect"] is True and values["podDisruptionBudget"]["enabled"] is (replicas > 1)
    assert values["installCRDs"] is True and values["vault"]["enableTokenCache"] is True
    assert values["rbac"]["serviceAccountTokenCreate"] is (
        not variant["vars"].get("external_secrets_restrict_token_requests", True))
    for component in (values, values["webhook"], values["certController"]):
        context = component["securityContext"]
        assert context["runAsNonRoot"] is True and context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False and context["capabilities"] == {"drop": ["ALL"]}
        assert context["seccompProfile"] == {"type": "RuntimeDefault"}
        assert component["resources"]["requests"] and component["resources"]["limits"]
        # the values the chart passes through to the pod spec are real Kubernetes fields
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "eso"},
               "spec": {"containers": [{"name": "eso", "image": "eso",
                                        "securityContext": {k: v for k, v in context.items() if k != "enabled"},
                                        "resources": component["resources"]}]}}
        kubernetes_validate.validate(pod, K8S_VERSION, strict=True)
    if variant["vars"].get("external_secrets_network_policy"):
        for component, defaults in ((values, chart_values), (values["webhook"], chart_values["webhook"]),
                                    (values["certController"], chart_values["certController"])):
            policy = component["networkPolicy"]
            assert policy["enabled"] is True
            kubernetes_validate.validate(
                {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "eso"},
                 "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"],
                          "ingress": policy.get("ingress", defaults["networkPolicy"]["ingress"]),
                          "egress": policy["egress"]}}, K8S_VERSION, strict=True)
        assert {"protocol": "TCP", "port": 8200} in [p for rule in values["networkPolicy"]["egress"] for p in rule["ports"]]
        assert 8200 not in [p["port"] for rule in values["webhook"]["networkPolicy"]["egress"] for p in rule["ports"]]


def test_a_template_with_eso_braces_survives(variant):
    web = next(m for m in variant["manifests"].values() if m["kind"] == "ExternalSecret" and m["metadata"]["name"] == "web-db")
    assert web["spec"]["target"]["template"]["data"]["dsn"] == "postgres://web:{{ .password }}@db.prod/web"
    assert web["spec"]["refreshInterval"] == "15m"
    worker = next(m for m in variant["manifests"].values() if m["metadata"]["name"] == "worker")
    assert worker["spec"]["refreshInterval"] == "1h"  # the role's default


# -- the checks catch mistakes --------------------------------------------------------------------------------------

MUTATIONS = [
    # (kind, mutation, what): each must make validation fail
    ("ClusterSecretStore", lambda m: m["spec"]["provider"]["vault"].update(sever="https://x"), "unknown store field"),
    ("ClusterSecretStore", lambda m: m["spec"]["provider"]["vault"].update(version="v3"), "enum"),
    ("ClusterSecretStore", lambda m: m["spec"]["provider"]["vault"]["auth"]["kubernetes"].pop("role"), "required"),
    ("ExternalSecret", lambda m: m["spec"].update(refreshInterval=15), "integer instead of a string"),
    ("ExternalSecret", lambda m: m["spec"]["data"][0]["remoteRef"].update(keys=["web/db"]), "misspelled remoteRef field"),
    ("ExternalSecret", lambda m: m["spec"].update(dataFromm=[]), "misspelled spec field"),
    ("ExternalSecret", lambda m: m["metadata"].update(nam="x"), "misspelled metadata field"),
    ("ExternalSecret", lambda m: m["metadata"]["labels"].update(tier=3), "label that is not a string"),
    ("ClusterExternalSecret", lambda m: m["spec"].update(namespaceSelectors={"matchLabels": {}}), "map instead of a list"),
    ("PushSecret", lambda m: m["spec"].update(deletionPolicy="Remove"), "enum"),
    ("PushSecret", lambda m: m.update(apiVersion="external-secrets.io/v1"), "version that is not served"),
    ("Namespace", lambda m: m["metadata"]["labels"].update(x=1), "label that is not a string"),
    ("ServiceAccount", lambda m: m.update(automountServiceAccountTokens=False), "misspelled field"),
    ("Role", lambda m: m["rules"][0].update(verbs="create"), "string instead of a list"),
    ("RoleBinding", lambda m: m["subjects"][0].update(nmespace="x"), "misspelled field"),
    ("ClusterRoleBinding", lambda m: m["roleRef"].pop("kind"), "required field"),
]


@pytest.fixture(scope="module")
def baseline(collections_path, tmp_path_factory):
    directory = tmp_path_factory.mktemp("eso-baseline")
    proc = render(collections_path, directory, VARIANTS["kubernetes-cluster"])
    assert proc.returncode == 0, proc.stdout[-6000:]
    return rendered(directory)


@pytest.mark.parametrize("kind, mutate, what", MUTATIONS, ids=["%s-%s" % (m[0], m[2].replace(" ", "-")) for m in MUTATIONS])
def test_a_wrong_field_name_or_type_fails(baseline, crd_validators, kind, mutate, what):
    original = next(m for m in baseline[0].values() if m["kind"] == kind)
    validate(original, crd_validators)
    broken = copy.deepcopy(original)
    mutate(broken)
    with pytest.raises((AssertionError, kubernetes_validate.ValidationError)):
        validate(broken, crd_validators)


def test_unknown_chart_values_are_caught(chart_values):
    assert unknown_chart_keys({"replicaCount": 2, "webhook": {"replicaCount": 2}}, chart_values) == []
    assert unknown_chart_keys({"replicas": 2, "webhook": {"replicaCnt": 1, "resources": {"anything": 1}},
                               "vault": True, "leaderElect": "yes"}, chart_values) == [
        "replicas", "webhook.replicaCnt", "vault (the chart has a map here)", "leaderElect (the chart has a boolean here)"]


def test_a_misspelled_declaration_is_caught_end_to_end(collections_path, tmp_path_factory, crd_validators, chart_values):
    """The role passes spec fields through; the schemas catch a user's typo in what it rendered."""
    directory = tmp_path_factory.mktemp("eso-typo")
    assert render(collections_path, directory, VARIANTS["kubernetes-cluster"]).returncode == 0
    overrides = dict(VARIANTS["kubernetes-cluster"], external_secrets_chart_values={"replicas": 3}, external_secrets_external_secrets=[
        {"name": "typo", "namespace": "prod", "dataFromm": [{"extract": {"key": "web/db"}}],
         "data": [{"secretKey": "p", "remoteRef": {"key": "web/db"}}]}])
    proc = render(collections_path, directory, overrides)
    assert proc.returncode == 0, proc.stdout[-6000:]
    manifests, values, _policy = rendered(directory)
    typo = next(m for m in manifests.values() if m["kind"] == "ExternalSecret")
    with pytest.raises(AssertionError, match="dataFromm"):
        validate(typo, crd_validators)
    assert unknown_chart_keys(values, chart_values) == ["replicas"]
    # files of the earlier, larger rendering are gone: only what this run renders is left
    assert len([m for m in manifests.values() if m["kind"] == "ExternalSecret"]) == 1
