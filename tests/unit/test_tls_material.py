# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""citadel.secrets.tls_material, run as Ansible runs it (a subprocess with an arguments file)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import COLLECTIONS_PATH

MODULE = "ansible_collections.citadel.secrets.plugins.modules.tls_material"


def run(tmp_path, check=False, **args):
    args = dict(args)
    args.setdefault("path", str(tmp_path / "tls"))
    args["_ansible_check_mode"] = check
    args["_ansible_diff"] = True
    args_file = tmp_path / "args.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    env = dict(os.environ, PYTHONPATH=COLLECTIONS_PATH)
    proc = subprocess.run([sys.executable, "-m", MODULE, str(args_file)], capture_output=True, text=True, env=env,
                          cwd=str(tmp_path), check=False)
    return json.loads(proc.stdout)


def load(path):
    return x509.load_pem_x509_certificate(path.read_bytes())


def sans(cert):
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return sorted(san.get_values_for_type(x509.DNSName)), sorted(str(i) for i in san.get_values_for_type(x509.IPAddress))


NODES = [
    dict(name="node1", dns_names=["node1.example", "localhost"], ip_addresses=["127.0.0.1", "192.0.2.11"]),
    dict(name="node2", dns_names=["node2.example"], ip_addresses=["192.0.2.12"]),
]


def test_creates_ca_and_certificates_with_narrow_modes(tmp_path):
    result = run(tmp_path, certificates=NODES)
    assert result["changed"] and result["ca_created"]
    tls = tmp_path / "tls"
    assert stat.S_IMODE(tls.stat().st_mode) == 0o700
    for name in ("ca.key", "node1.key", "node2.key"):
        assert stat.S_IMODE((tls / name).stat().st_mode) == 0o600
    ca = load(tls / "ca.pem")
    node1 = load(tls / "node1.pem")
    assert node1.issuer == ca.subject
    ca.public_key().verify(node1.signature, node1.tbs_certificate_bytes, ec.ECDSA(node1.signature_hash_algorithm))
    assert sans(node1) == (["localhost", "node1.example"], ["127.0.0.1", "192.0.2.11"])
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert [c["reason"] for c in result["certificates"]] == ["CA created", "CA created"]
    assert "PRIVATE KEY" not in json.dumps(result)


def test_second_run_changes_nothing(tmp_path):
    run(tmp_path, certificates=NODES)
    before = (tmp_path / "tls" / "node1.pem").read_bytes()
    result = run(tmp_path, certificates=NODES)
    assert not result["changed"]
    assert not any(c["issued"] for c in result["certificates"])
    assert (tmp_path / "tls" / "node1.pem").read_bytes() == before


def test_new_names_reissue_only_that_certificate(tmp_path):
    run(tmp_path, certificates=NODES)
    ca_before = (tmp_path / "tls" / "ca.pem").read_bytes()
    node2_before = (tmp_path / "tls" / "node2.pem").read_bytes()
    changed = [dict(NODES[0], dns_names=["node1.example", "vault.example"]), NODES[1]]
    result = run(tmp_path, certificates=changed)
    assert result["changed"] and not result["ca_created"]
    assert [c["reason"] for c in result["certificates"]] == ["names differ", None]
    assert (tmp_path / "tls" / "ca.pem").read_bytes() == ca_before
    assert (tmp_path / "tls" / "node2.pem").read_bytes() == node2_before
    assert sans(load(tmp_path / "tls" / "node1.pem"))[0] == ["node1.example", "vault.example"]
    assert result["diff"]["before"]["certificates"]["node1"]["dns_names"] == ["localhost", "node1.example"]


def test_expiring_certificate_is_renewed(tmp_path):
    run(tmp_path, certificates=NODES, valid_days=40, renew_before_days=10)
    result = run(tmp_path, certificates=NODES, valid_days=400, renew_before_days=60)
    assert [c["reason"] for c in result["certificates"]] == ["expiring", "expiring"]


def test_check_mode_writes_nothing(tmp_path):
    result = run(tmp_path, check=True, certificates=NODES)
    assert result["changed"] and result["ca_created"]
    assert not (tmp_path / "tls").exists()


@pytest.mark.parametrize("certificates, message", [
    ([dict(name="bad/name")], "not a usable file name"),
    ([dict(name="n", ip_addresses=["vault.example"])], "is not an IP address"),
    ([dict(name="n"), dict(name="n")], "is given twice"),
])
def test_bad_input_fails_before_writing(tmp_path, certificates, message):
    result = run(tmp_path, certificates=certificates)
    assert result.get("failed") and message in result["msg"]
    assert not (tmp_path / "tls").exists()


def test_foreign_ca_files_are_refused(tmp_path):
    run(tmp_path, certificates=NODES)
    other = tmp_path / "other"
    run(tmp_path, path=str(other), certificates=NODES)
    (tmp_path / "tls" / "ca.key").write_bytes((other / "ca.key").read_bytes())
    result = run(tmp_path, certificates=NODES)
    assert result.get("failed") and "do not hold a matching CA" in result["msg"]
