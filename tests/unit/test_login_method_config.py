"""JWT/OIDC and Kubernetes auth: configuration (whole-write, write-only secret) and role planning, with a fake
server that stores what is written and answers reads the way OpenBao does."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import reconcile
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._jwt_auth import (
    JwtAuthConfigResource, JwtAuthRoleResource)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kubernetes_auth import (
    KubernetesAuthConfigResource, KubernetesAuthRoleResource)

PEM_KEY = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"
PEM_CA = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"
REVIEWER = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXZpZXdlciJ9.c2ln"


class FakeServer:
    """``auth/<mount>/config`` (replaced whole on write; secrets kept but never returned) and roles."""

    def __init__(self, kind, stored=None, roles=None):
        self.kind = kind
        self.stored = copy.deepcopy(stored)
        self.roles = copy.deepcopy(roles or {})
        self.writes = []

    def request(self, method, path, data=None, params=None, missing_ok=False):
        assert path.startswith("sys/internal/ui/mounts/auth/")
        return {"data": {"type": self.kind, "path": path.rsplit("/", 1)[-1] + "/"}}

    def read(self, path, params=None):
        if path.endswith("/config"):
            if self.stored is None:
                return None
            data = {k: v for k, v in self.stored.items() if k not in ("oidc_client_secret", "token_reviewer_jwt")}
            if self.kind == "kubernetes":
                data["token_reviewer_jwt_set"] = bool(self.stored.get("token_reviewer_jwt"))
            return {"data": data}
        name = path.rsplit("/", 1)[-1]
        return {"data": copy.deepcopy(self.roles[name])} if name in self.roles else None

    def write(self, path, data=None, method="POST"):
        self.writes.append((path, copy.deepcopy(data)))
        if path.endswith("/config"):
            self.stored = copy.deepcopy(data)  # the whole configuration is replaced
        else:
            self.roles.setdefault(path.rsplit("/", 1)[-1], {}).update(data)
        return {}

    def delete(self, path, missing_ok=True):
        self.roles.pop(path.rsplit("/", 1)[-1], None)


def run(resource_class, server, check_mode=False, **params):
    params.setdefault("update_secret", "on_create")
    resource = resource_class(params)
    resource.validate()
    resource.bind(server)
    return reconcile(resource, params.get("state") or "present", check_mode)


# -- JWT configuration -------------------------------------------------------------------------------
def test_jwt_config_created_then_unchanged():
    server = FakeServer("jwt")
    first = run(JwtAuthConfigResource, server, jwt_validation_pubkeys=[PEM_KEY], bound_issuer="https://ci")
    assert first.changed and len(server.writes) == 1
    second = run(JwtAuthConfigResource, server, jwt_validation_pubkeys=[PEM_KEY.strip()], bound_issuer="https://ci")
    assert not second.changed and len(server.writes) == 1


def test_jwt_config_check_mode_writes_nothing():
    server = FakeServer("jwt")
    outcome = run(JwtAuthConfigResource, server, check_mode=True, jwt_validation_pubkeys=[PEM_KEY])
    assert outcome.changed and server.writes == []


def test_jwt_config_switching_source_clears_the_others_and_keeps_unmanaged_fields():
    server = FakeServer("jwt", stored={"jwt_validation_pubkeys": [PEM_KEY], "bound_issuer": "https://ci",
                                       "override_allowed_server_names": ["idp.internal"]})
    run(JwtAuthConfigResource, server, jwks_url="https://idp/jwks", jwks_ca_pem=PEM_CA)
    assert server.stored["jwks_url"] == "https://idp/jwks"
    assert server.stored["jwt_validation_pubkeys"] == []
    assert server.stored["bound_issuer"] == "https://ci"
    assert server.stored["override_allowed_server_names"] == ["idp.internal"]


def test_jwt_config_client_secret_sent_on_create_and_masked():
    server = FakeServer("jwt")
    outcome = run(JwtAuthConfigResource, server, oidc_discovery_url="https://idp", oidc_client_id="vault",
                  oidc_client_secret="s3cret")
    assert server.stored["oidc_client_secret"] == "s3cret"
    result = outcome.result(want_diff=True)
    assert "oidc_client_secret" not in result["config"]
    assert result["diff"]["after"]["oidc_client_secret"] == "**SECRET**"
    again = run(JwtAuthConfigResource, server, oidc_discovery_url="https://idp", oidc_client_id="vault",
                oidc_client_secret="s3cret")
    assert not again.changed


def test_jwt_config_always_resends_the_secret():
    server = FakeServer("jwt", stored={"oidc_discovery_url": "https://idp", "oidc_client_id": "vault",
                                       "oidc_client_secret": "old"})
    outcome = run(JwtAuthConfigResource, server, oidc_client_secret="new", update_secret="always")
    assert outcome.changed and server.stored["oidc_client_secret"] == "new"
    assert outcome.result(True)["diff"]["after"]["oidc_client_secret"] == "**SECRET (changed)**"


def test_jwt_config_change_that_would_erase_the_secret_is_refused_before_writing():
    server = FakeServer("jwt", stored={"oidc_discovery_url": "https://idp", "oidc_client_id": "vault",
                                       "oidc_client_secret": "kept"})
    with pytest.raises(OptionError, match="would erase"):
        run(JwtAuthConfigResource, server, default_role="dev")
    assert server.writes == [] and server.stored["oidc_client_secret"] == "kept"


@pytest.mark.parametrize("params, message", [
    ({"jwks_url": "ftp://x"}, "http:// or https://"),
    ({"jwt_validation_pubkeys": ["nope"]}, "PEM"),
    ({"oidc_discovery_ca_pem": "nope", "oidc_discovery_url": "https://idp"}, "PEM certificates"),
])
def test_jwt_config_bad_options(params, message):
    with pytest.raises(OptionError, match=message):
        run(JwtAuthConfigResource, FakeServer("jwt"), **params)


def test_jwt_config_needs_a_key_source_and_oidc_needs_discovery():
    with pytest.raises(OptionError, match="needs a key source"):
        run(JwtAuthConfigResource, FakeServer("jwt"), bound_issuer="https://ci")
    with pytest.raises(OptionError, match="need oidc_discovery_url"):
        run(JwtAuthConfigResource, FakeServer("jwt"), jwt_validation_pubkeys=[PEM_KEY], oidc_client_id="vault")


def test_wrong_mount_type_is_refused():
    with pytest.raises(OptionError, match="is a kubernetes auth method, not jwt"):
        run(JwtAuthConfigResource, FakeServer("kubernetes"), jwt_validation_pubkeys=[PEM_KEY])


# -- JWT roles ----------------------------------------------------------------------------------------
GHA = dict(name="deploy", role_type="jwt", bound_audiences=["https://github.com/org"], user_claim="actor",
           bound_claims={"repository": "org/web", "ref": "refs/heads/main"}, token_ttl="15m",
           token_policies=["deploy"])


def test_jwt_role_update_sends_only_the_difference_and_the_role_type():
    server = FakeServer("jwt")
    run(JwtAuthRoleResource, server, **GHA)
    assert server.roles["deploy"]["token_ttl"] == 900
    server.writes.clear()
    same = dict(GHA)
    same.update(token_ttl=900, bound_audiences=["https://github.com/org"])
    again = run(JwtAuthRoleResource, server, **same)
    assert not again.changed and server.writes == []
    run(JwtAuthRoleResource, server, name="deploy", token_ttl="20m")
    assert server.writes == [("auth/jwt/role/deploy", {"token_ttl": 1200, "role_type": "jwt"})]


@pytest.mark.parametrize("params, message", [
    ({"bound_claims_type": "glob", "bound_claims": {"run": 1}}, "glob"),
    ({"claim_mappings": {"a": 1}}, "claim_mappings"),
    ({"role_type": "jwt", "allowed_redirect_uris": ["https://x/cb"]}, "role_type=oidc only"),
    ({"clock_skew_leeway": "soon"}, "clock_skew_leeway"),
    ({"bound_claims": {"a": {"b": "c"}}}, "bound_claims"),
])
def test_jwt_role_bad_options(params, message):
    with pytest.raises(OptionError, match=message):
        run(JwtAuthRoleResource, FakeServer("jwt"), name="r", **params)


def test_jwt_role_leeway_minus_one_means_none():
    server = FakeServer("jwt")
    run(JwtAuthRoleResource, server, name="r", role_type="jwt", bound_subject="x", user_claim="sub",
        clock_skew_leeway=-1)
    assert server.roles["r"]["clock_skew_leeway"] == -1


# -- Kubernetes ---------------------------------------------------------------------------------------
def test_kubernetes_config_reviewer_token_lifecycle():
    server = FakeServer("kubernetes")
    base = dict(kubernetes_host="https://k8s:6443", kubernetes_ca_cert=PEM_CA, disable_local_ca_jwt=True)
    created = run(KubernetesAuthConfigResource, server, token_reviewer_jwt=REVIEWER, **base)
    assert created.changed and server.stored["token_reviewer_jwt"] == REVIEWER
    assert created.result(True)["config"]["token_reviewer_jwt_set"] is True
    assert not run(KubernetesAuthConfigResource, server, token_reviewer_jwt=REVIEWER, **base).changed
    with pytest.raises(OptionError, match="would erase"):
        run(KubernetesAuthConfigResource, server, issuer="https://k8s")
    dropped = run(KubernetesAuthConfigResource, server, token_reviewer_jwt="")
    assert dropped.changed and server.stored["token_reviewer_jwt"] == ""
    assert not run(KubernetesAuthConfigResource, server, token_reviewer_jwt="").changed
    changed = run(KubernetesAuthConfigResource, server, issuer="https://k8s")
    assert changed.changed and server.stored["kubernetes_host"] == "https://k8s:6443"


def test_kubernetes_config_reviewer_value_is_never_echoed():
    with pytest.raises(OptionError) as info:
        run(KubernetesAuthConfigResource, FakeServer("kubernetes"), token_reviewer_jwt="hunter2 secret")
    assert "hunter2" not in info.value.msg


def test_kubernetes_config_needs_a_host():
    with pytest.raises(OptionError, match="needs kubernetes_host"):
        run(KubernetesAuthConfigResource, FakeServer("kubernetes"), disable_local_ca_jwt=True)


def test_kubernetes_role_sets_and_cidrs_compare_like_the_server():
    server = FakeServer("kubernetes")
    run(KubernetesAuthRoleResource, server, name="web", bound_service_account_names=["web"],
        bound_service_account_namespaces=["prod", "staging"], token_bound_cidrs=["10.0.0.1/32"])
    server.roles["web"]["token_bound_cidrs"] = ["10.0.0.1"]  # as the server reports it
    again = run(KubernetesAuthRoleResource, server, name="web", bound_service_account_names=["web"],
                bound_service_account_namespaces=["staging", "prod"], token_bound_cidrs=["10.0.0.1/32"])
    assert not again.changed


def test_kubernetes_role_absent():
    server = FakeServer("kubernetes", roles={"web": {"bound_service_account_names": ["web"]}})
    check = run(KubernetesAuthRoleResource, server, check_mode=True, name="web", state="absent")
    assert check.changed and "web" in server.roles
    assert run(KubernetesAuthRoleResource, server, name="web", state="absent").changed
    assert not run(KubernetesAuthRoleResource, server, name="web", state="absent").changed
