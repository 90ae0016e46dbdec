"""SOPS helpers: YAML read the way sops reads it, metadata of every format, paths, and (when the sops binary
and pyrage are installed) the invariant idempotency rests on: given plaintext and what sops decrypts back
parse to the same data."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils import _sops
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._sops_file import _strict

# plain YAML scalars -> the value sops (go-yaml v3) gives them, as observed with sops 3.11
SCALARS = {
    "yes": "yes", "on": "on", "Yes": "Yes", "true": True, "False": False, "null": None, "~": None,
    "017": 15, "09": 9, "0o17": 15, "0x1F": 31, "-0x1F": -31, "0b101": 5, "+12": 12, "1_000": 1000,
    "1e3": 1000.0, "1.": 1.0, ".5": 0.5, "12:30": "12:30", "1:2:3": "1:2:3",
    "2020-01-01": "2020-01-01T00:00:00Z", "2020-1-2": "2020-01-02T00:00:00Z",
    "2020-01-01 10:00:00": "2020-01-01T10:00:00Z", "2020-01-01 10:00:00.500": "2020-01-01T10:00:00.5Z",
    "2020-01-01T10:00:00+02:00": "2020-01-01T10:00:00+02:00", "2020-01-01T10:00:00": "2020-01-01T10:00:00",
    "2020-01-01 10:00:00+02:00": "2020-01-01 10:00:00+02:00", '"2020-01-01"': "2020-01-01",
}


@pytest.mark.parametrize("text, expected", sorted(SCALARS.items()))
def test_yaml_scalars_as_sops_reads_them(text, expected):
    value = _sops.parse_yaml("v: %s\n" % text, "content")["v"]
    assert value == expected and type(value) is type(expected)


def test_yaml_binary_tag_becomes_text():
    assert _sops.parse_yaml("k: !!binary aGVsbG8=\n", "content") == {"k": "hello"}


def test_yaml_errors_never_quote_the_document():
    with pytest.raises(OptionError) as err:
        _sops.parse_yaml("password: [s3cr3t-value\n", "content")
    assert "s3cr3t-value" not in err.value.msg and "line" in err.value.msg


def test_dotenv_as_sops_reads_it():
    assert _sops.parse_dotenv("A=x\\ny\n# c\n\nB=a=b\nE=\n", "c") == {"A": "x\ny", "B": "a=b", "E": ""}
    with pytest.raises(OptionError, match="line 2 is not KEY=value"):
        _sops.parse_dotenv("A=1\nnoequals\n", "content")


def test_metadata_of_each_format():
    yaml_file = b"a: ENC[x]\nsops:\n    age:\n        - recipient: age1abc\n          enc: x\n    encrypted_regex: ^a$\n"
    json_file = b'{"a": "ENC[x]", "sops": {"kms": [{"arn": "arn:k", "role": "arn:r"}], "unencrypted_suffix": "_u"}}'
    env_file = (b"A=ENC[x]\nsops_hc_vault__list_0__map_vault_address=http://v:8200\n"
                b"sops_hc_vault__list_0__map_engine_path=transit\nsops_hc_vault__list_0__map_key_name=k\n"
                b"sops_age__list_0__map_recipient=age1a\nsops_age__list_1__map_recipient=age1b\n"
                b"sops_age__list_0__map_enc=-----BEGIN\\nX\\n\nsops_mac_only_encrypted=true\n")
    assert _sops.summarise(_sops.metadata(yaml_file, "yaml")) == {
        "recipients": {"age": ["age1abc"]}, "settings": {"encrypted_regex": "^a$"}}
    assert _sops.summarise(_sops.metadata(json_file, "json")) == {
        "recipients": {"kms": ["arn:k+arn:r"]}, "settings": {"unencrypted_suffix": "_u"}}
    env_meta = _sops.metadata(env_file, "dotenv")
    assert env_meta["age"][0]["enc"] == "-----BEGIN\nX\n"
    assert _sops.summarise(env_meta) == {
        "recipients": {"age": ["age1a", "age1b"], "hc_vault_transit_uri": ["http://v:8200/v1/transit/keys/k"]},
        "settings": {"mac_only_encrypted": "true"}}
    assert _sops.metadata(b"plain: yes\n", "yaml") is None
    assert _sops.metadata(b"A=1\n", "dotenv") is None


def test_flatten_and_paths_agree():
    data = {"db": {"password": "p"}, "servers": [{"name": "a"}], "dotted.key": {"x": 1}, "empty": {}}
    flat = _sops.flatten(data)
    assert flat == {"db.password": "p", "servers[0].name": "a", '["dotted.key"].x': 1, "empty": {}}
    assert _sops.to_sops_path("db.password") == '["db"]["password"]'
    assert _sops.to_sops_path("servers[0].name") == '["servers"][0]["name"]'
    assert _sops.to_sops_path('["dotted.key"].x') == '["dotted.key"]["x"]'
    assert _sops.to_sops_path(["servers", 0, "name"]) == '["servers"][0]["name"]'
    assert _sops.to_sops_path('["db"]["password"]') == '["db"]["password"]'
    for bad in ("db..password", "db password", "[x]", ""):
        with pytest.raises(OptionError):
            _sops.to_sops_path(bad)


def test_strict_compare_tells_booleans_from_numbers():
    assert _strict({"a": 1}) == _strict({"a": 1.0})
    assert _strict({"a": True}) != _strict({"a": 1})


def test_format_and_config_discovery(tmp_path):
    assert [_sops.format_for_path(p) for p in ("a.yaml", "a.YML", "a.json", ".env", "a.bin")] == [
        "yaml", "yaml", "json", "dotenv", "binary"]
    (tmp_path / "repo" / "secrets" / "deep").mkdir(parents=True)
    (tmp_path / "repo" / ".sops.yaml").write_text("creation_rules: []\n")
    assert _sops.find_config(str(tmp_path / "repo" / "secrets" / "deep" / "x.yaml")) == str(tmp_path / "repo" / ".sops.yaml")


def test_missing_binary_is_a_clear_error():
    with pytest.raises(OptionError, match="sops binary 'no-such-sops-binary' not found on PATH"):
        _sops.Sops("no-such-sops-binary").version()


# -- against the real binary -----------------------------------------------------------------------------

SOPS = os.path.join(os.path.dirname(sys.executable), "sops")
SOPS = SOPS if os.path.exists(SOPS) else shutil.which("sops")
pyrage = pytest.importorskip("pyrage") if SOPS else None

ROUND_TRIP = [
    ("yaml", "# c\na: 1\nb:\n  c: x   # why\n  d: [1, true, 2020-01-01, yes, 017, 0o17, 1e3, 12:30, ~]\n"),
    ("yaml", "t1: 2020-01-01 10:00:00\nt2: 2020-01-01T10:00:00.500Z\nt3: 2020-01-01T10:00:00\nbin: !!binary aGk=\n"),
    ("yaml", "empty_map: {}\nempty_list: []\nquoted: \"2020-01-01\"\nmulti: |\n  line 1\n  line 2\n"),
    ("json", '{"a": 1.0, "b": [true, null, "x"], "c": {"d": "2020-01-01"}}'),
    ("dotenv", "A=x\\ny\nB=a=b\n# comment\nC=\n"),
    ("binary", "\x01raw\nbytes"),
]


@pytest.mark.skipif(not SOPS, reason="sops binary not installed")
@pytest.mark.parametrize("fmt, text", ROUND_TRIP)
def test_plaintext_and_sops_round_trip_parse_equal(tmp_path, fmt, text):
    identity = pyrage.x25519.Identity.generate()
    runner = _sops.Sops(SOPS, age_key=str(identity))
    path = str(tmp_path / ("f." + {"yaml": "yaml", "json": "json", "dotenv": "env", "binary": "bin"}[fmt]))
    encrypted = runner.encrypt(text.encode(), path, fmt, fmt, {"age": [str(identity.to_public())]})
    with open(path, "wb") as stream:
        stream.write(encrypted)
    assert _sops.summarise(_sops.metadata(encrypted, fmt))["recipients"] == {"age": [str(identity.to_public())]}
    decrypted = runner.decrypt(path, fmt)
    assert _strict(_sops.parse_plaintext(decrypted, fmt, "decrypted")) == _strict(
        _sops.parse_plaintext(text, fmt, "content"))
