"""Posture audit: policy analysis, credential-lifetime classification, listener parsing, option validation, the
check families against an in-memory fake server, and the report filter."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.citadel.secrets.plugins.filter.posture_report import posture_report, svg_chart
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault.posture import (
    _findings, _policies, _run, _server, _ttl)

H, D = 3600, 86400

DEFAULT_POLICY_EXCERPT = """
# Allow tokens to look up their own properties
path "auth/token/lookup-self" {
    capabilities = ["read"]
}
path "sys/capabilities-self" {
    capabilities = ["update"]
}
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}
path "identity/oidc/provider/+/authorize" {
    capabilities = ["read", "update"]
}
"""


# -- policy parsing ---------------------------------------------------------------------------------------
def test_parse_hcl_with_comments_strings_and_legacy_policy():
    text = """
    # path "commented/*" { capabilities = ["sudo"] }
    path "secret/data/app/*" {
      capabilities = ["read", "list"]   // trailing comment
      allowed_parameters = { "key" = ["a}b"] }
    }
    /* path "blocked/*" { capabilities = ["sudo"] } */
    path "legacy/*" { policy = "write" }
    path "sys/*" = { capabilities = ["deny"] }
    """
    stanzas = _policies.parse(text)
    assert stanzas == [("secret/data/app/*", {"read", "list"}),
                       ("legacy/*", {"create", "read", "update", "delete", "list"}),
                       ("sys/*", {"deny"})]


def test_parse_json_policy():
    text = json.dumps({"path": {"sys/*": {"capabilities": ["read", "sudo"]},
                                "secret/data/x": {"policy": "read"}}})
    assert sorted(_policies.parse(text)) == [("secret/data/x", {"read", "list"}), ("sys/*", {"read", "sudo"})]


@pytest.mark.parametrize("path,broad", [
    ("*", True), ("sys/*", True), ("secret/*", True), ("secret*", True), ("secret/+/*", True),
    ("+/data/x", False),
    ("secret/data/*", False), ("secret/data/app*", False), ("sys/policies/acl/*", False),
    ("cubbyhole/*", False), ("sys/audit", False), ("auth/+/login", False),
])
def test_is_broad(path, broad):
    assert _policies.is_broad(path) is broad


def test_glob_regex():
    assert _policies.glob_regex("sys/policies/acl/*").match("sys/policies/acl/x")
    assert _policies.glob_regex("sys/+/acl/x").match("sys/policies/acl/x")
    assert not _policies.glob_regex("sys/policies/acl").match("sys/policies/acl/x")
    assert not _policies.glob_regex("sys/+/x").match("sys/a/b/x")


def ids(results):
    return sorted((finding_id, severity, path) for finding_id, severity, path, dummy, dummy2 in results)


def test_sudo_on_sys_glob_is_critical_and_broad():
    results = _policies.analyse("bad", 'path "sys/*" { capabilities = ["create", "update", "sudo"] }')
    assert ids(results) == [("policy.broad_path", "high", "sys/*"), ("policy.sudo", "critical", "sys/*")]
    assert all("bad" in message for dummy, dummy2, dummy3, message, dummy4 in results)


def test_read_only_sudo_on_a_narrow_path_is_medium():
    text = 'path "auth/token/accessors" { capabilities = ["list", "sudo"] }'
    assert ids(_policies.analyse("auditor", text)) == [("policy.sudo", "medium", "auth/token/accessors")]


def test_broad_read_is_medium_and_broad_write_high():
    assert ids(_policies.analyse("p", 'path "secret/*" { capabilities = ["read", "list"] }')) == \
        [("policy.broad_path", "medium", "secret/*")]
    assert ids(_policies.analyse("p", 'path "*" { capabilities = ["update"] }')) == [("policy.broad_path", "high", "*")]


def test_privileged_write_is_flagged_read_is_not():
    assert ids(_policies.analyse("p", 'path "sys/policies/acl/*" { capabilities = ["create", "update"] }')) == \
        [("policy.privileged_path", "high", "sys/policies/acl/*")]
    assert ids(_policies.analyse("p", 'path "sys/audit/+" { capabilities = ["delete"] }')) == \
        [("policy.privileged_path", "high", "sys/audit/+")]
    assert _policies.analyse("p", 'path "sys/policies/acl/*" { capabilities = ["read", "list"] }') == []


def test_deny_and_narrow_grants_and_the_default_policy_are_clean():
    assert _policies.analyse("p", 'path "*" { capabilities = ["deny"] }') == []
    assert _policies.analyse("p", 'path "secret/data/app/*" { capabilities = ["read"] }') == []
    assert _policies.analyse("default", DEFAULT_POLICY_EXCERPT) == []


# -- TTL classification -----------------------------------------------------------------------------------
def test_targets_defaults_and_overrides():
    assert _ttl.targets(None) == {"cicd": H, "service": 4 * H, "database": D, "tls": 3 * D, "other": 768 * H}
    assert _ttl.targets({"cicd": "30m", "tls": 86400})["cicd"] == 1800
    with pytest.raises(OptionError, match="unknown class"):
        _ttl.targets({"ci": "1h"})
    with pytest.raises(OptionError, match="positive"):
        _ttl.targets({"service": 0})
    with pytest.raises(OptionError, match="not a duration"):
        _ttl.targets({"service": "soon"})


@pytest.mark.parametrize("kind,mount_type,klass", [
    ("auth", "jwt", "cicd"), ("auth", "oidc", "cicd"), ("auth", "approle", "service"),
    ("auth", "kubernetes", "service"), ("auth", "userpass", "service"), ("auth", "token", "service"),
    ("auth", "ldap", "other"), ("secret", "database", "database"), ("secret", "pki", "tls"),
    ("secret", "kv", "other"), ("secret", "cubbyhole", None), ("secret", "system", None), ("secret", "identity", None),
])
def test_mount_class(kind, mount_type, klass):
    assert _ttl.mount_class(kind, mount_type) == klass


def fields(**values):
    base = {"token_ttl": 0, "token_max_ttl": 0, "token_explicit_max_ttl": 0, "token_period": 0, "token_type": "default"}
    base.update(values)
    return base


def test_token_lifetime_role_max_and_mount_cap():
    assert _ttl.token_lifetime(fields(token_max_ttl=8 * H), 768 * H, 768 * H)[0] == 8 * H
    assert _ttl.token_lifetime(fields(token_ttl=H), 768 * H, 768 * H) == (
        768 * H, "tokens renew until the mount's max TTL, as the role sets none")
    lifetime, why = _ttl.token_lifetime(fields(token_max_ttl=10 * D), H, 2 * H)
    assert lifetime == 2 * H and "caps token_max_ttl" in why


def test_token_lifetime_explicit_periodic_and_batch():
    assert _ttl.token_lifetime(fields(token_max_ttl=8 * H, token_explicit_max_ttl=H), D, D)[0] == H
    lifetime, why = _ttl.token_lifetime(fields(token_period=H), D, D)
    assert lifetime is None and "without limit" in why
    assert _ttl.token_lifetime(fields(token_period=H, token_explicit_max_ttl=2 * H), D, D)[0] == 2 * H
    assert _ttl.token_lifetime(fields(token_type="batch", token_ttl=20 * 60, token_max_ttl=8 * H), D, D)[0] == 1200
    assert _ttl.token_lifetime(fields(), 2 * H, D, token_type_default="default-batch")[0] == 2 * H
    # token roles: no token_ttl / token_max_ttl keys at all
    assert _ttl.token_lifetime({"token_explicit_max_ttl": 0, "token_period": 0, "token_type": "default-service"},
                               D, 3 * D)[0] == 3 * D


def test_lease_lifetime_severity_and_human():
    assert _ttl.lease_lifetime(0, 768 * H)[0] == 768 * H
    assert _ttl.lease_lifetime(2 * H, 768 * H) == (2 * H, "the role's max_ttl")
    assert _ttl.lease_lifetime(10 * D, D)[0] == D
    assert _ttl.severity(None, H) == "high" and _ttl.severity(11 * H, H) == "high"
    assert _ttl.severity(8 * H, H) == "medium"
    assert not _ttl.above(H, H) and _ttl.above(H + 1, H) and _ttl.above(None, H)
    assert [_ttl.human(v) for v in (None, 0, 45, 5400, 8 * H, 3 * D, 768 * H, 3650 * D)] == \
        ["unlimited", "0s", "45s", "1h30m", "8h", "72h", "32d", "3650d"]
    assert _ttl.target_text("cicd", H) == "15m-1h for CI/CD tokens"
    assert _ttl.target_text("cicd", 1800) == "at most 30m for CI/CD tokens"


# -- listeners --------------------------------------------------------------------------------------------
def test_listener_findings_openbao_and_vault_styles():
    listeners = [
        {"type": "tcp", "config": {"address": "127.0.0.1:8200", "tls_disable": True}},          # OpenBao, loopback
        {"type": "tcp", "config": {"address": "0.0.0.0:8200", "tls_disable": "1"}},             # Vault, as written
        {"type": "tcp", "config": {"address": "[::1]:8201", "tls_disable": "true"}},
        {"type": "tcp", "config": {"address": "10.0.0.5:8200", "tls_disable": 0, "tls_cert_file": "/c"}},
        {"type": "tcp", "config": {"address": "10.0.0.6:8200"}},
        {"type": "unix", "config": {"address": "/run/bao.sock", "tls_disable": True}},
    ]
    found = _server.listener_findings(listeners)
    assert [(sev, details["address"]) for sev, dummy, dummy2, details in found] == [
        ("low", "127.0.0.1:8200"), ("high", "0.0.0.0:8200"), ("low", "[::1]:8201")]


# -- options ----------------------------------------------------------------------------------------------
def params(**values):
    base = {"checks": None, "ttl_targets": None, "transit_rotation_max_age": "365d", "kv_rotation_max_age": "90d",
            "kv_rotation_metadata_key": "rotation_period", "kv_mounts": None, "max_items": 1000, "concurrency": 8,
            "ignore": None, "aws": None, "azure": None, "gcp": None}
    base.update(values)
    return base


def test_options_defaults_and_cloud_selection():
    opts = _run.options(params())
    assert opts["checks"] == list(_run.VAULT_CHECKS)
    assert opts["transit_rotation_max_age"] == 365 * D and opts["kv_rotation_max_age"] == 90 * D
    assert _run.options(params(aws={}))["checks"] == list(_run.VAULT_CHECKS) + ["aws"]
    assert _run.options(params(checks=["kv", "aws"], aws={}))["checks"] == ["kv", "aws"]
    assert not _run.vault_selected(_run.options(params(checks=["aws"], aws={})))


@pytest.mark.parametrize("bad,match", [
    ({"checks": ["gcp"]}, "needs the gcp option"),
    ({"checks": ["nope"]}, "unknown check"),
    ({"max_items": 0}, "max_items"),
    ({"concurrency": 64}, "concurrency"),
    ({"kv_rotation_max_age": "0"}, "positive"),
    ({"transit_rotation_max_age": "a year"}, "not a duration"),
    ({"kv_mounts": ["/"]}, "cannot be empty"),
    ({"ignore": [{}]}, "needs an id or an object"),
])
def test_options_rejected(bad, match):
    with pytest.raises(OptionError, match=match):
        _run.options(params(**bad))


def test_validate_skips_vault_connection_for_a_cloud_only_audit():
    # no url: fine when no Vault check runs, an error otherwise
    _run.validate(dict(params(checks=["aws"], aws={"region": "eu-west-1"}), url=None))
    with pytest.raises(OptionError, match="url is required"):
        _run.validate(dict(params(), url=None))


# -- the checks against a fake server ---------------------------------------------------------------------
NOW = datetime(2030, 6, 1, tzinfo=timezone.utc)


def rfc3339(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S.123456789Z")


class FakeVault:
    """GET/LIST/POST on canned paths; paths in ``denied`` answer 403."""

    def __init__(self, data, lists, denied=()):
        self.data, self.lists, self.denied = data, lists, set(denied)
        self.requests = []

    def _check(self, method, path):
        self.requests.append((method, path))
        if path in self.denied:
            raise VaultApiError(method, path, 403, ["permission denied"])

    def read(self, path, params=None):
        self._check("GET", path)
        value = self.data.get(path)
        return None if value is None else {"data": value}

    def list(self, path):
        self._check("LIST", path)
        return list(self.lists.get(path, []))

    def write(self, path, data=None, method="POST"):
        self._check(method, path)
        if path == "auth/token/lookup-accessor":
            return {"data": self.data["accessor/" + data["accessor"]]}
        raise AssertionError("unexpected write to %s" % path)


def mount(mount_type, options=None, default=0, maximum=0, token_type=None):
    config = {"default_lease_ttl": default, "max_lease_ttl": maximum}
    if token_type:
        config["token_type"] = token_type
    return {"type": mount_type, "options": options, "config": config,
            "running_plugin_version": "v2.7.2+builtin.bao"}


def fake_server():
    old = NOW - timedelta(days=400)
    data = {
        "sys/mounts": {"secret/": mount("kv", {"version": "2"}), "transit/": mount("transit"),
                       "long/": mount("kv", {"version": "2"}, maximum=3650 * D), "sys/": mount("system"),
                       "db/": mount("database")},
        "sys/auth": {"token/": mount("token", token_type="default-service"), "approle/": mount("approle"),
                     "jwt/": mount("jwt", maximum=H)},
        "sys/mounts/secret/tune": {"default_lease_ttl": 768 * H, "max_lease_ttl": 768 * H},
        "sys/mounts/transit/tune": {"default_lease_ttl": 768 * H, "max_lease_ttl": 768 * H},
        "sys/mounts/long/tune": {"default_lease_ttl": 768 * H, "max_lease_ttl": 3650 * D},
        "sys/mounts/db/tune": {"default_lease_ttl": 768 * H, "max_lease_ttl": 768 * H},
        "sys/mounts/auth/token/tune": {"default_lease_ttl": 768 * H, "max_lease_ttl": 768 * H},
        "sys/mounts/auth/approle/tune": {"default_lease_ttl": H, "max_lease_ttl": 4 * H},
        "sys/mounts/auth/jwt/tune": {"default_lease_ttl": H, "max_lease_ttl": H},
        "sys/audit": {},
        "sys/config/state/sanitized": {"listeners": [{"type": "tcp", "config": {"address": "0.0.0.0:8200",
                                                                                "tls_disable": True}}]},
        "auth/token/lookup-self": {"accessor": "a1"},
        "accessor/a1": {"policies": ["root"], "display_name": "root", "path": "auth/token/root", "creation_time": 1,
                        "expire_time": None},
        "accessor/a2": {"policies": ["default", "app"], "display_name": "app"},
        "auth/approle/role/bad": {"bind_secret_id": True, "secret_id_ttl": 0, "secret_id_num_uses": 0,
                                  "token_ttl": H},
        "auth/approle/role/good": {"bind_secret_id": True, "secret_id_ttl": 600, "secret_id_num_uses": 1,
                                   "secret_id_bound_cidrs": ["10.0.0.0/8"], "token_ttl": H, "token_max_ttl": 2 * H},
        "auth/jwt/role/ci": {"token_ttl": 8 * H, "token_max_ttl": 8 * H},
        "auth/token/roles/periodic": {"token_period": H, "token_explicit_max_ttl": 0},
        "db/roles/ro": {"default_ttl": H, "max_ttl": 2 * H},
        "db/static-roles/app": {"rotation_period": 30 * D, "username": "app"},
        "sys/policies/acl/default": {"policy": DEFAULT_POLICY_EXCERPT},
        "sys/policies/acl/ops": {"policy": 'path "sys/*" { capabilities = ["read", "sudo"] }'},
        "transit/keys/old": {"name": "old", "type": "aes256-gcm96", "latest_version": 2,
                             "keys": {"1": int(old.timestamp()), "2": int(old.timestamp())}},
        "transit/keys/signer": {"name": "signer", "type": "ed25519", "latest_version": 1,
                                "keys": {"1": {"creation_time": rfc3339(NOW - timedelta(days=3)), "name": "ed25519"}}},
        "secret/metadata/app/db": {"current_version": 2, "custom_metadata": None, "versions": {
            "1": {"created_time": rfc3339(NOW - timedelta(days=300))},
            "2": {"created_time": rfc3339(NOW - timedelta(days=100))}}},
        "secret/metadata/app/fresh": {"current_version": 1, "versions": {
            "1": {"created_time": rfc3339(NOW - timedelta(days=1))}}},
        "secret/metadata/app/static": {"current_version": 1, "custom_metadata": {"rotation_period": "never"},
                                       "versions": {"1": {"created_time": rfc3339(NOW - timedelta(days=900))}}},
        "secret/metadata/app/monthly": {"current_version": 1, "custom_metadata": {"rotation_period": "30d"},
                                        "versions": {"1": {"created_time": rfc3339(NOW - timedelta(days=40))}}},
        "secret/metadata/app/gone": {"current_version": 1, "versions": {
            "1": {"created_time": rfc3339(NOW - timedelta(days=400)), "destroyed": True}}},
    }
    lists = {
        "auth/token/accessors": ["a1", "a2"],
        "auth/approle/role": ["bad", "good"], "auth/jwt/role": ["ci"], "auth/token/roles": ["periodic"],
        "db/roles": ["ro"], "db/static-roles": ["app"],
        "sys/policies/acl": ["default", "ops", "root"],
        "transit/keys": ["old", "signer"],
        "secret/metadata/": ["app/"], "secret/metadata/app/": ["db", "fresh", "gone", "monthly", "static"],
        "long/metadata/": [],
    }
    return FakeVault(data, lists)


def run_audit(client, **values):
    opts = _run.options(params(**values))
    audit = _findings.Audit(client, opts)
    audit.now = NOW
    _run.run(audit, opts["checks"])
    return audit


def index(audit):
    return {(f["id"], f["object"]): f for f in audit.findings}


def test_every_family_against_the_fake_server():
    audit = run_audit(fake_server())
    found = index(audit)
    expected = {
        ("audit.disabled", "sys/audit"): "critical",
        ("tokens.root", "auth/token (root tokens)"): "high",
        ("listener.tls_disabled", "listener 0 (tcp 0.0.0.0:8200)"): "high",
        ("mount.ttl_above_target", "sys/mounts/long"): "medium",
        ("mount.ttl_above_target", "sys/auth/token"): "low",
        ("mount.ttl_above_target", "sys/mounts/db"): "low",
        ("role.ttl_above_target", "auth/token/roles/periodic"): "high",
        ("role.ttl_above_target", "db/static-roles/app"): "high",
        ("approle.secret_id_ttl", "auth/approle/role/bad"): "high",
        ("approle.secret_id_num_uses", "auth/approle/role/bad"): "low",
        ("approle.cidr_binding", "auth/approle/role/bad"): "medium",
        ("policy.sudo", "sys/policies/acl/ops"): "critical",
        ("policy.broad_path", "sys/policies/acl/ops"): "high",          # sudo counts as write
        ("transit.not_rotated", "transit/keys/old"): "medium",
        ("kv.not_rotated", "secret/metadata/app/db"): "medium",
        ("kv.not_rotated", "secret/metadata/app/monthly"): "medium",
    }
    # not reported: the jwt role's 8h (the mount's max TTL of 1h caps it), the approle role 'good', the db role
    # 'ro', the default policy, the transit key 'signer', the KV secrets fresh, static (never), gone (destroyed)
    assert {key: found[key]["severity"] for key in expected if key in found} == expected
    unexpected = set(found) - set(expected)
    assert unexpected == set(), unexpected
    root = found[("tokens.root", "auth/token (root tokens)")]
    assert root["details"]["count"] == 1 and "a1" not in json.dumps(root)
    assert "runs with" in root["message"]
    assert audit.flavour == "openbao"
    assert audit.checked["kv secrets"] == 5 and audit.checked["approle roles"] == 2


def test_role_lifetime_above_target_when_the_mount_allows_it():
    client = fake_server()
    client.data["sys/mounts/auth/jwt/tune"] = {"default_lease_ttl": H, "max_lease_ttl": 768 * H}
    found = index(run_audit(client, checks=["roles"]))
    ci = found[("role.ttl_above_target", "auth/jwt/role/ci")]
    assert ci["severity"] == "medium" and ci["details"] == {"class": "cicd", "lifetime": 8 * H, "target": H}
    assert "up to 8h" in ci["message"] and "15m-1h for CI/CD tokens" in ci["message"]
    assert ("role.ttl_above_target", "auth/approle/role/good") not in found
    assert ("role.ttl_above_target", "db/roles/ro") not in found


def test_denied_paths_become_incomplete_findings_not_failures():
    client = fake_server()
    client.denied |= {"auth/token/accessors", "sys/config/state/sanitized", "secret/metadata/app/db"}
    audit = run_audit(client, checks=["tokens", "listeners", "kv"])
    incomplete = [f for f in audit.findings if f["id"] == "posture.incomplete"]
    assert sorted(f["object"] for f in incomplete) == ["auth/token/accessors", "secret/metadata/app/db",
                                                       "sys/config/state/sanitized"]
    assert all(f["severity"] == "info" and "permission denied" in f["message"] for f in incomplete)


def test_max_items_bounds_walks_and_says_so():
    audit = run_audit(fake_server(), checks=["kv", "tokens"], max_items=1, concurrency=1)
    incomplete = {f["object"] for f in audit.findings if f["id"] == "posture.incomplete"}
    assert incomplete == {"secret/metadata/", "auth/token/accessors"}
    assert audit.checked["kv secrets"] == 1 and audit.checked["tokens"] == 1


def test_kv_mounts_and_metadata_key_options():
    audit = run_audit(fake_server(), checks=["kv"], kv_mounts=["secret", "nope"], kv_rotation_metadata_key="")
    found = index(audit)
    assert ("kv.not_rotated", "secret/metadata/app/static") in found  # the hint is ignored without a key
    assert ("posture.incomplete", "sys/mounts/nope") in found
    client = fake_server()
    client.data["secret/metadata/app/fresh"]["custom_metadata"] = {"rotation_period": "weekly"}
    found = index(run_audit(client, checks=["kv"]))
    assert "not a duration" in found[("posture.incomplete", "secret/metadata/app/fresh")]["message"]


def test_key_version_time_symmetric_and_asymmetric():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.posture._rotation import key_version_time
    assert key_version_time({"latest_version": 2, "keys": {"1": 1, "2": 1700000000}}) == \
        datetime.fromtimestamp(1700000000, timezone.utc)
    assert key_version_time({"latest_version": 1, "keys": {"1": {"creation_time": "2024-01-02T03:04:05.999999999Z"}}}) \
        == datetime(2024, 1, 2, 3, 4, 5, 999999, tzinfo=timezone.utc)
    assert key_version_time({"keys": {}}) is None


def test_ignore_rules_and_summary():
    findings = [_findings.finding("policy.sudo", "critical", "policies", "sys/policies/acl/ops", "m", "f"),
                _findings.finding("tokens.root", "high", "tokens", "auth/token (root tokens)", "m", "f")]
    rules = [{"id": "policy.*", "object": "sys/policies/acl/ops"}]
    kept = [f for f in findings if not _findings.ignored(f, rules)]
    assert [f["id"] for f in kept] == ["tokens.root"]
    assert _findings.summary(kept) == {"critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0, "total": 1}


def test_read_returns_sorted_findings_and_honours_ignore():
    client = fake_server()
    result = _run.read(lambda: client, dict(params(ignore=[{"id": "tokens.root"}]), url="http://127.0.0.1:8200"))
    severities = [f["severity"] for f in result["findings"]]
    assert severities == sorted(severities, key=_findings.RANK.get)
    assert result["ignored"] == 1 and not any(f["id"] == "tokens.root" for f in result["findings"])
    assert result["summary"]["total"] == len(result["findings"])
    assert result["server"] == {"url": "http://127.0.0.1:8200", "type": "openbao"}


def test_cloud_only_read_never_builds_a_vault_client():
    def forbidden():
        raise AssertionError("Vault contacted")
    # no cloud part is actually run here: checks only names families that need no server
    result = _run.read(forbidden, dict(params(checks=[]), url=None))
    assert result["findings"] == [] and result["server"] is None


# -- the report filter ------------------------------------------------------------------------------------
def sample_result():
    return {"findings": [
        _findings.finding("policy.sudo", "critical", "policies", "sys/policies/acl/x|y",
                          'policy grants sudo on "sys/*" <script>alert(1)</script>', "narrow it"),
        _findings.finding("kv.not_rotated", "medium", "kv", "secret/metadata/app/db", "old", "rotate"),
    ], "summary": {}, "server": {"url": "http://127.0.0.1:8200", "type": "openbao"}, "generated": "2030-06-01T00:00:00Z",
        "checks": ["policies", "kv"], "checked": {"policies": 2}}


def test_markdown_report_escapes_cells():
    text = posture_report(sample_result())
    assert "| critical | 1 |" in text and "| medium | 1 |" in text and "| **total** | **2** |" in text
    assert "`sys/policies/acl/x\\|y`" in text
    assert "\\<script\\>" in text
    assert text.index("### Critical") < text.index("### Medium")
    assert "### Medium" not in posture_report(sample_result(), min_severity="high")


def test_html_report_is_self_contained_and_escaped():
    page = posture_report(sample_result(), format="html", title="Audit <prod>")
    assert page.startswith("<!DOCTYPE html>") and "<title>Audit &lt;prod&gt;</title>" in page
    assert "<svg" in page and 'class="bar-critical"' in page and 'class="bar-medium"' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "http://" not in page.replace("http://127.0.0.1:8200", "").replace("http://www.w3.org/2000/svg", "")
    assert "<link" not in page and "src=" not in page
    assert page.count('class="finding ') == 2


def test_svg_chart_scales_bars():
    chart = svg_chart({"critical": 2, "high": 1, "medium": 0, "low": 0, "info": 0, "total": 3})
    assert 'class="bar-critical" x="80" y="4" width="300"' in chart
    assert 'class="bar-high" x="80" y="34" width="150"' in chart
    assert "bar-medium" not in chart


@pytest.mark.parametrize("bad,match", [
    ("text", "expected the result"), ({"failed": True, "msg": "boom"}, "audit failed: boom"),
    ({"changed": False}, "with findings"), ([{"id": "x"}], "not a finding"),
])
def test_filter_rejects_other_input(bad, match):
    from ansible.errors import AnsibleFilterError
    with pytest.raises(AnsibleFilterError, match=match):
        posture_report(bad)
    with pytest.raises(AnsibleFilterError, match="format"):
        posture_report([], format="pdf")


def test_a_refused_token_fails_the_audit():
    from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
    client = fake_server()
    client.denied.add("auth/token/lookup-self")
    with pytest.raises(CitadelError, match="refused the token"):
        run_audit(client, checks=["audit"])


def test_gcp_secrets_with_expiry_or_rotation_are_not_reported(monkeypatch):
    from ansible_collections.citadel.secrets.plugins.module_utils._vault.posture import _cloud

    class Page:
        def __init__(self, secrets, token=""):
            self.secrets, self.next_page_token = secrets, token

    class FakeSecretManager:
        project = "p"

        def __init__(self, options):
            self.pages = [Page(["forever", "expiring"], "next"), Page(["rotated", "ttl"])]

        def call(self, operation, resource, method, request, **kwargs):
            assert method == "list_secrets" and request["parent"] == "projects/p"
            return self.pages.pop(0)

        def close(self):
            pass

    bodies = {"forever": {}, "expiring": {"expire_time": "2031-01-01T00:00:00Z"},
              "rotated": {"rotation": {"rotation_period": "2592000s"}}, "ttl": {"ttl": "86400s"}}

    class FakeSecret:
        @staticmethod
        def to_dict(name, use_integers_for_enums=False):
            return dict(bodies[name], name="projects/p/secrets/%s" % name)

    monkeypatch.setattr(_cloud._gcp, "SecretManager", FakeSecretManager)
    monkeypatch.setattr(_cloud._gcp, "secretmanager", type("SM", (), {"Secret": FakeSecret}), raising=False)
    audit = _findings.Audit(None, _run.options(params(checks=["gcp"], gcp={})))
    _cloud.check_gcp(audit)
    assert [(f["id"], f["object"]) for f in audit.findings] == [("gcp.secret_no_expiry", "projects/p/secrets/forever")]
    assert audit.checked == {"gcp secrets": 4}
