"""PKI resources: validation, normalisation and planning, with certificates made locally and a fake client."""

from __future__ import annotations

import copy
import datetime
import os

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import reconcile
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _pki
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._pki_ca import PkiCaResource
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._pki_certificate import (
    PkiCertificateResource, parse_mode)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._pki_role import (
    PkiRoleResource, normalise_role)

NOW = datetime.datetime.now(datetime.timezone.utc)


class FakeClient:
    """Answers requests from ``responses`` ((METHOD, path) or path -> body; an int becomes a VaultApiError)."""

    def __init__(self, responses):
        self.responses = dict(responses)
        self.calls = []

    def request(self, method, path, data=None, params=None, missing_ok=False):
        self.calls.append((method, path, data))
        answer = self.responses.get((method, path), self.responses.get(path) if method in ("GET", "LIST") else {})
        if isinstance(answer, int):
            if answer == 404 and missing_ok:
                return None
            raise VaultApiError(method, path, answer, ["canned error"])
        if answer is None and not missing_ok:
            raise VaultApiError(method, path, 404, [])
        return copy.deepcopy(answer)

    def read(self, path, params=None):
        return self.request("GET", path, missing_ok=True)

    def write(self, path, data=None, method="POST"):
        return self.request(method, path, data=data)

    def delete(self, path, missing_ok=True):
        return self.request("DELETE", path, missing_ok=True)

    @property
    def writes(self):
        return [call for call in self.calls if call[0] in ("POST", "PUT", "DELETE")]


# -- certificates made here -------------------------------------------------------------------------
def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(cn, issuer=None, days=30, age_days=0, sans=(), ca=False):
    """``(pem, key, cert)``; ``issuer`` is a ``(key, cert)`` pair, self-signed without it."""
    key = ec.generate_private_key(ec.SECP256R1())
    signer_key, signer_name = (issuer[0], issuer[1].subject) if issuer else (key, _name(cn))
    start = NOW - datetime.timedelta(days=age_days)
    builder = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(signer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
    cert = builder.sign(signer_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key, cert


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


ROOT_PEM, ROOT_KEY, ROOT_CERT = make_cert("Test Root", days=3650, ca=True)
INT_PEM, INT_KEY, INT_CERT = make_cert("Test Int", issuer=(ROOT_KEY, ROOT_CERT), days=1000, ca=True)


# -- shared helpers ---------------------------------------------------------------------------------
def test_key_bits_rules():
    _pki.check_key_bits("ec", 384)
    _pki.check_key_bits("rsa", 4096)
    with pytest.raises(OptionError, match="key_bits=2048 is not valid for key_type=ec"):
        _pki.check_key_bits("ec", 2048)
    with pytest.raises(OptionError):
        _pki.check_key_bits("rsa", 1024)


def test_serial_and_facts():
    assert _pki.serial_string(0xabc) == "0a:bc"
    facts = _pki.certificate_facts(INT_CERT)
    assert facts["common_name"] == "Test Int" and facts["issuer_common_name"] == "Test Root"
    assert not facts["self_signed"] and facts["key_type"] == "ec" and facts["key_bits"] == 256
    assert _pki.issued_by(INT_CERT, ROOT_CERT) and not _pki.issued_by(ROOT_CERT, INT_CERT)
    assert _pki.pem_blocks("junk\n" + ROOT_PEM + INT_PEM) == [ROOT_PEM, INT_PEM]


def test_names():
    _pki.check_name("root-2025", "issuer_name")
    for bad in ("default", "a/b", "a b", "-x"):
        with pytest.raises(OptionError):
            _pki.check_name(bad, "issuer_name")


# -- roles ------------------------------------------------------------------------------------------
SERVER_ROLE = {
    "allowed_domains": ["example.com"], "allow_subdomains": True, "ttl": 259200, "max_ttl": 2592000,
    "key_type": "ec", "key_bits": 256, "key_usage": ["digitalsignature"], "ext_key_usage": ["ServerAuth"],
    "issuer_ref": "default", "allow_token_displayname": False, "not_after_bound": "permit",
}


def role(client=None, **params):
    params.setdefault("mount", "pki")
    params.setdefault("name", "web")
    params.setdefault("state", "present")
    resource = PkiRoleResource(params)
    resource.validate()
    return resource.bind(client) if client else resource


def test_role_same_values_spelt_differently_do_not_change():
    client = FakeClient({"pki/roles/web": {"data": SERVER_ROLE}})
    outcome = reconcile(role(client, ttl="72h", max_ttl="30d", key_type="ec", allowed_domains=["example.com"] * 2,
                             key_usage=["DigitalSignature"], ext_key_usage=["serverauth"]), "present", False)
    assert not outcome.changed and not client.writes


def test_role_update_writes_the_whole_role_back():
    client = FakeClient({"pki/roles/web": {"data": SERVER_ROLE}})
    outcome = reconcile(role(client, max_ttl="360h"), "present", False)
    assert outcome.changed
    (method, path, body), = client.writes
    assert (method, path) == ("POST", "pki/roles/web")
    assert body["max_ttl"] == 1296000 and body["allowed_domains"] == ["example.com"]
    assert body["not_after_bound"] == "permit"          # a field this module has no option for survives
    assert "allow_token_displayname" not in body        # read-only on OpenBao


def test_role_key_type_alone_compares_its_default_size():
    client = FakeClient({"pki/roles/web": {"data": dict(SERVER_ROLE, key_type="rsa", key_bits=2048)}})
    outcome = reconcile(role(client, key_type="ec"), "present", True)
    assert outcome.changed and outcome.target["key_bits"] == 256


@pytest.mark.parametrize("params, message", [
    ({"ttl": "48h", "max_ttl": "24h"}, "cannot be longer than max_ttl"),
    ({"key_usage": ["DigitalSignature", "Teleport"]}, "key_usage: unknown value"),
    ({"key_type": "ec", "key_bits": 2048}, "not valid for key_type=ec"),
    ({"ttl": "3 days"}, "is not a duration"),
    ({"signature_bits": 128}, "signature_bits"),
])
def test_role_validation(params, message):
    with pytest.raises(OptionError, match=message):
        role(**params)


def test_role_normalisation():
    state = normalise_role({"ttl": "1h", "key_usage": "KeyEncipherment,DigitalSignature", "allowed_domains": None})
    assert state["ttl"] == 3600 and state["key_usage"] == ["digitalsignature", "keyencipherment"]
    assert state["allowed_domains"] == []


def test_role_on_a_kv_mount_is_refused():
    client = FakeClient({"pki/roles/web": None, "sys/internal/ui/mounts/pki": {"data": {"type": "kv", "path": "pki/"}}})
    with pytest.raises(OptionError, match="is a kv engine"):
        reconcile(role(client, ttl="1h"), "present", True)


# -- CAs --------------------------------------------------------------------------------------------
def ca_client(issuer_name="", default=True):
    issuer = {"issuer_id": "id-1", "issuer_name": issuer_name, "key_id": "key-1", "certificate": ROOT_PEM,
              "ca_chain": [ROOT_PEM], "leaf_not_after_behavior": "err", "usage": "read-only,issuing-certificates"}
    return FakeClient({
        "sys/internal/ui/mounts/pki": {"data": {"type": "pki", "path": "pki/"}},
        ("LIST", "pki/issuers"): {"data": {"keys": ["id-1"], "key_info": {"id-1": {"issuer_name": issuer_name}}}},
        "pki/config/issuers": {"data": {"default": "id-1" if default else ""}},
        "pki/issuer/id-1": {"data": issuer},
        ("LIST", "pki/keys"): {"data": {"keys": ["key-1"], "key_info": {"key-1": {"key_name": ""}}}},
    })


def ca(client=None, **params):
    defaults = dict(mount="pki", type="root", state="present", signing_issuer="default", set_default=False,
                    exported=False)
    defaults.update(params)
    resource = PkiCaResource(defaults)
    resource.validate()
    return resource.bind(client) if client else resource


def test_ca_found_by_common_name_gets_its_name():
    client = ca_client()
    outcome = reconcile(ca(client, common_name="Test Root", issuer_name="root-1"), "present", False)
    assert outcome.changed
    assert outcome.target["issuer"]["issuer_name"] == "root-1"
    (method, path, body), = client.writes
    assert path == "pki/issuer/id-1" and body["issuer_name"] == "root-1"
    assert body["usage"] == "read-only,issuing-certificates"   # every other setting is written back


def test_ca_unchanged_and_fixed_fields():
    client = ca_client("root-1")
    outcome = reconcile(ca(client, common_name="Test Root", issuer_name="root-1", key_type="ec"), "present", True)
    assert not outcome.changed and outcome.current["issuer"]["signed_by"] == "Test Root"
    with pytest.raises(CitadelError, match="its common name is 'Test Root', not 'Other'"):
        reconcile(ca(client, common_name="Other", issuer_name="root-1"), "present", True)
    with pytest.raises(CitadelError, match="its key type is ec, not rsa"):
        reconcile(ca(client, common_name="Test Root", issuer_name="root-1", key_type="rsa"), "present", True)
    assert not client.writes


def test_ca_set_default_and_absent_type_check():
    client = ca_client("root-1", default=False)
    outcome = reconcile(ca(client, common_name="Test Root", issuer_name="root-1", set_default=True), "present", False)
    assert outcome.changed
    assert ("POST", "pki/config/issuers", {"default": "id-1", "default_follows_latest_issuer": False}) in client.writes
    with pytest.raises(OptionError, match="set type=root to delete it"):
        reconcile(ca(ca_client("root-1"), issuer_name="root-1", type="intermediate", state="absent"), "absent", False)


def test_ca_validation():
    with pytest.raises(OptionError, match="only apply to type=intermediate"):
        ca(common_name="x", signing_mount="pki")
    with pytest.raises(OptionError, match="needs issuer_name"):
        ca(common_name="x", type="intermediate")
    with pytest.raises(OptionError, match="certificate is issued to 'Test Int', not to common_name 'x'"):
        ca(common_name="x", type="intermediate", issuer_name="i", certificate=INT_PEM)
    with pytest.raises(OptionError, match="self-signed"):
        ca(common_name="Test Root", type="intermediate", issuer_name="i", certificate=ROOT_PEM)


# -- certificates in files ----------------------------------------------------------------------------
def test_parse_mode():
    assert parse_mode("0600", "key_mode") == 0o600 and parse_mode(0o640, "key_mode") == 0o640
    with pytest.raises(OptionError):
        parse_mode("rw-------", "key_mode")


def cert_resource(tmp_path, client=None, **params):
    defaults = dict(mount="pki", pki_role="web", common_name="www.example.com", alt_names=None, ip_sans=None,
                    uri_sans=None, exclude_cn_from_sans=False, ttl=None, issuer_ref=None, private_key_format="pem",
                    cert_path=str(tmp_path / "c.pem"), key_path=str(tmp_path / "c.key"), chain_path=None,
                    fullchain_path=None, cert_mode="0644", key_mode="0600", owner=None, group=None,
                    renew_before=None, force=False, revoke=False, state="present")
    defaults.update(params)
    resource = PkiCertificateResource(defaults)
    resource.validate()
    return resource.bind(client) if client else resource


def cert_client():
    return FakeClient({
        "sys/internal/ui/mounts/pki": {"data": {"type": "pki", "path": "pki/"}},
        "pki/roles/web": {"data": {"issuer_ref": "default"}},
        "pki/config/issuers": {"data": {"default": "int-id"}},
        "pki/issuer/int-id/json": {"data": {"certificate": INT_PEM, "ca_chain": [INT_PEM, ROOT_PEM]}},
    })


def plant(tmp_path, cn="www.example.com", sans=("www.example.com",), days=30, age_days=0, issuer=None):
    pem, key, dummy = make_cert(cn, issuer=issuer or (INT_KEY, INT_CERT), days=days, age_days=age_days, sans=sans)
    (tmp_path / "c.pem").write_text(pem)
    (tmp_path / "c.key").write_text(key_pem(key))
    os.chmod(tmp_path / "c.key", 0o600)
    os.chmod(tmp_path / "c.pem", 0o644)


def test_certificate_kept_when_it_matches(tmp_path):
    plant(tmp_path)
    outcome = reconcile(cert_resource(tmp_path, cert_client()), "present", True)
    assert not outcome.changed and outcome.resource.reasons == []


@pytest.mark.parametrize("planted, params, reason", [
    ({}, {"alt_names": ["api.example.com"]}, "dns sans"),
    ({"cn": "old.example.com", "sans": ["old.example.com"]}, {}, "common name"),
    ({"days": 10, "age_days": 9}, {}, "within renew_before"),
    ({}, {"renew_before": "40d"}, "within renew_before"),
    ({"issuer": (ROOT_KEY, ROOT_CERT)}, {}, "was not signed by the issuer"),
    ({}, {"force": True}, "force=true"),
])
def test_certificate_reissue_reasons(tmp_path, planted, params, reason):
    plant(tmp_path, **planted)
    outcome = reconcile(cert_resource(tmp_path, cert_client(), **params), "present", True)
    assert outcome.changed
    assert any(reason in r for r in outcome.resource.reasons), outcome.resource.reasons
    assert outcome.target["certificate"]["serial_number"] == "(new)"


def test_certificate_wrong_key_and_mode_repair(tmp_path):
    plant(tmp_path)
    os.chmod(tmp_path / "c.key", 0o644)
    outcome = reconcile(cert_resource(tmp_path, cert_client()), "present", True)
    assert outcome.changed and outcome.resource.reasons == []
    assert outcome.target["files"]["key"]["mode"] == "0600"
    dummy, other_key, dummy = make_cert("x")
    (tmp_path / "c.key").write_text(key_pem(other_key))
    outcome = reconcile(cert_resource(tmp_path, cert_client()), "present", True)
    assert any("key file" in r for r in outcome.resource.reasons)


def test_certificate_validation(tmp_path):
    with pytest.raises(OptionError, match="must be an absolute path"):
        cert_resource(tmp_path, cert_path="relative.pem")
    with pytest.raises(OptionError, match="need.* cert_path"):
        cert_resource(tmp_path, cert_path=None)
    with pytest.raises(OptionError, match="does not exist"):
        cert_resource(tmp_path, cert_path=str(tmp_path / "missing" / "c.pem"))
    with pytest.raises(OptionError, match="not an IP address"):
        cert_resource(tmp_path, ip_sans=["10.0.0.300"])
    with pytest.raises(OptionError, match="same file"):
        cert_resource(tmp_path, key_path=str(tmp_path / "c.pem"))
