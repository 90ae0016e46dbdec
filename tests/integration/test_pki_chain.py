"""The PKI modules build a chain that really verifies: run ``targets/vault_pki/chain.yml`` twice against the
session's OpenBao, then check the files it left with Python ``cryptography`` (signatures, path validation for
the server name, key pairs, file modes) and that no private key ever reached the output."""

from __future__ import annotations

import os
import stat

import pytest

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import serialization  # noqa: E402  (after the importorskip)


def _certs(path):
    with open(path, "rb") as handle:
        return x509.load_pem_x509_certificates(handle.read())


def _key(path):
    with open(path, "rb") as handle:
        return serialization.load_pem_private_key(handle.read(), password=None)


def _spki(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture(scope="module")
def chain_dir(run_target, tmp_path_factory):
    out = tmp_path_factory.mktemp("pki-chain")
    runs = [run_target("vault_pki", playbook="chain.yml", extra_vars={"pki_out": str(out)}) for dummy in range(2)]
    for run in runs:
        assert run.rc == 0, "chain.yml failed (log: %s):\n%s" % (run.log_path, run.output[-6000:])
        assert "PRIVATE KEY" not in run.output, "a private key reached the output (log: %s)" % run.log_path
    assert runs[0].recap().get("changed", 0) > 0
    assert runs[1].recap().get("changed", 0) == 0, "second run changed something:\n%s" % runs[1].output[-6000:]
    return out


def test_signatures(chain_dir):
    (root,) = _certs(chain_dir / "root.pem")
    (intermediate,) = _certs(chain_dir / "intermediate.pem")
    leaf = _certs(chain_dir / "leaf.pem")[0]
    root.verify_directly_issued_by(root)
    intermediate.verify_directly_issued_by(root)
    leaf.verify_directly_issued_by(intermediate)
    with pytest.raises(Exception):
        leaf.verify_directly_issued_by(root)
    assert intermediate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    leaf_constraints = [e.value for e in leaf.extensions if isinstance(e.value, x509.BasicConstraints)]
    assert not any(c.ca for c in leaf_constraints)


def test_path_validation_for_the_server_name(chain_dir):
    verification = pytest.importorskip("cryptography.x509.verification")
    (root,) = _certs(chain_dir / "root.pem")
    leaf = _certs(chain_dir / "leaf.pem")[0]
    untrusted = _certs(chain_dir / "chain.pem")
    builder = verification.PolicyBuilder().store(verification.Store([root]))
    for name in ("www.example.com", "api.example.com"):
        path = builder.build_server_verifier(x509.DNSName(name)).verify(leaf, untrusted)
        assert [c.subject.rfc4514_string() for c in path] == [
            "CN=www.example.com", "CN=Chain Test Intermediate CA", "CN=Chain Test Root CA"]
    with pytest.raises(verification.VerificationError):
        builder.build_server_verifier(x509.DNSName("www.example.org")).verify(leaf, untrusted)


def test_chain_files(chain_dir):
    (root,) = _certs(chain_dir / "root.pem")
    (intermediate,) = _certs(chain_dir / "intermediate.pem")
    leaf = _certs(chain_dir / "leaf.pem")
    assert len(leaf) == 1
    assert _certs(chain_dir / "chain.pem") == [intermediate, root]
    assert _certs(chain_dir / "fullchain.pem") == [leaf[0], intermediate, root]


def test_key_pairs_and_modes(chain_dir):
    leaf = _certs(chain_dir / "leaf.pem")[0]
    (root,) = _certs(chain_dir / "root.pem")
    assert _spki(_key(chain_dir / "leaf.key").public_key()) == _spki(leaf.public_key())
    # the exported root key, returned once by vault_pki_ca, belongs to the root certificate
    assert _spki(_key(chain_dir / "root.key").public_key()) == _spki(root.public_key())
    with open(chain_dir / "leaf.key") as handle:
        assert handle.read().startswith("-----BEGIN PRIVATE KEY-----")  # private_key_format: pkcs8
    assert stat.S_IMODE(os.stat(chain_dir / "leaf.key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(chain_dir / "leaf.pem").st_mode) == 0o644
