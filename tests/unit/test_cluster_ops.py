"""Cluster operations: PGP key handling, vault_init's no-plaintext rules and keys_file, vault_unseal's planning and
error messages, autopilot normalisation, Raft peer safety checks, snapshot option checks; against in-memory fakes."""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import io
import json
import os
import stat
import tarfile

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import reconcile
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources import _init, _raft
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._init import (
    InitResource, pgp_public_key)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._raft_autopilot import (
    RaftAutopilotResource)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._raft_snapshot import (
    RaftSnapshotResource, verify_archive)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._unseal import UnsealResource

SHARES = ["%066x" % (0xA1 + n) for n in range(3)]
ROOT_TOKEN = "s.PLAINTEXT-ROOT-TOKEN-xyz"


# -- synthetic OpenPGP packets ----------------------------------------------------------------------
def _packet(tag, body, old_format=False):
    if old_format:
        return bytes([0x80 | (tag << 2) | 1]) + len(body).to_bytes(2, "big") + body
    return bytes([0xC0 | tag, len(body)]) + body


KEY_BODY = b"\x04" + b"\x5f\x00\x00\x00" + b"\x16" + bytes(range(40))  # v4, time, EdDSA, key material
PUBLIC_KEY = _packet(6, KEY_BODY) + _packet(13, b"alice@citadel.test")
FINGERPRINT = hashlib.sha1(b"\x99" + len(KEY_BODY).to_bytes(2, "big") + KEY_BODY).hexdigest().upper()


def _armor(data):
    text = base64.b64encode(data).decode()
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return "\n".join(["-----BEGIN PGP PUBLIC KEY BLOCK-----", "Comment: test", ""] + lines +
                     ["=abcd", "-----END PGP PUBLIC KEY BLOCK-----", ""])


class TestPgpKeys:
    def test_base64_and_armored_forms_agree(self):
        encoded, fingerprint = pgp_public_key(base64.b64encode(PUBLIC_KEY).decode(), "k")
        armored, armored_fingerprint = pgp_public_key(_armor(PUBLIC_KEY), "k")
        assert encoded == armored == base64.b64encode(PUBLIC_KEY).decode()
        assert fingerprint == armored_fingerprint == FINGERPRINT

    def test_old_format_header(self):
        assert pgp_public_key(base64.b64encode(_packet(6, KEY_BODY, old_format=True)).decode(), "k")[1] == FINGERPRINT

    def test_a_secret_key_is_refused_without_echoing_it(self):
        secret = base64.b64encode(_packet(5, KEY_BODY + b"secret-material")).decode()
        with pytest.raises(OptionError, match="SECRET key") as info:
            pgp_public_key(secret, "pgp_keys[0]")
        assert secret not in info.value.msg

    @pytest.mark.parametrize("value, message", [
        ("keybase:alice", "keybase"),
        ("bm90IGEga2V5", "not a PGP public key"),
        ("%%%", "not a PGP public key"),
        ("", "empty"),
        ("-----BEGIN PGP PRIVATE KEY BLOCK-----\nxyz\n-----END PGP PRIVATE KEY BLOCK-----", "not a PGP public key block"),
    ])
    def test_bad_keys(self, value, message):
        with pytest.raises(OptionError, match=message):
            pgp_public_key(value, "pgp_keys[0]")


# -- a fake server for the unauthenticated endpoints ------------------------------------------------
class FakeSys:
    def __init__(self, initialized=False, sealed=True, seal_type="shamir", threshold=2, shares=3, progress=0,
                 joining=False):
        self.status = {"initialized": initialized, "sealed": sealed, "type": seal_type, "t": threshold, "n": shares,
                       "progress": progress, "recovery_seal": seal_type != "shamir", "storage_type": "raft"}
        self.valid = set(SHARES)
        self.attempt = []
        self.joining = joining
        self.calls = []
        self.init_error = None

    @staticmethod
    def single_attempt():
        return contextlib.nullcontext()

    def read(self, path, params=None):
        self.calls.append(("GET", path))
        if path == "sys/seal-status":
            if self.joining == "done":
                self.status.update(sealed=False, progress=0)
            return dict(self.status)
        raise AssertionError(path)

    def write(self, path, data=None, method="POST"):
        self.calls.append((method, path, data))
        if path == "sys/init":
            if self.init_error:
                raise self.init_error
            pgp = data.get("pgp_keys") or data.get("recovery_pgp_keys")
            count = data.get("secret_shares") or data.get("recovery_shares") or 0
            keys = ["ENC(%s)" % s for s in SHARES[:count]] if pgp else SHARES[:count]
            self.status.update(initialized=True, t=data.get("secret_threshold") or data.get("recovery_threshold"),
                               n=data.get("secret_shares") or data.get("recovery_shares"))
            answer = {"keys": keys, "keys_base64": keys, "root_token": "ENC(root)" if data.get("root_token_pgp_key")
                      else ROOT_TOKEN}
            if self.status["recovery_seal"]:
                answer.update(recovery_keys=answer.pop("keys"), recovery_keys_base64=answer.pop("keys_base64"))
            return answer
        if path == "sys/unseal":
            if data.get("reset"):
                self.attempt = []
                self.status["progress"] = 0
                return dict(self.status)
            if data["key"] not in self.attempt:
                self.attempt.append(data["key"])
            if len(self.attempt) < self.status["t"]:
                self.status["progress"] = len(self.attempt)
                return dict(self.status)
            good = all(k in self.valid for k in self.attempt)
            self.attempt = []
            self.status["progress"] = 0
            if not good:
                raise VaultApiError("PUT", path, 400, ["invalid key: failed to decrypt keys from storage: cipher: "
                                                       "message authentication failed"])
            if self.joining:
                self.joining = "done"
                return dict(self.status)
            self.status["sealed"] = False
            return dict(self.status)
        raise AssertionError(path)

    def puts(self, path):
        return [c for c in self.calls if c[0] in ("PUT", "POST") and c[1] == path]


def _init_params(**params):
    base = {"secret_shares": None, "secret_threshold": None, "recovery_shares": None, "recovery_threshold": None,
            "pgp_keys": None, "root_token_pgp_key": None, "keys_file": None}
    base.update(params)
    return base


def _run(resource_class, params, fake, check=False):
    resource = resource_class(params)
    resource.validate()
    resource.bind(fake)
    return reconcile(resource, params.get("state") or "present", check).result(True)


KEY = base64.b64encode(PUBLIC_KEY).decode()


class TestInit:
    def test_refuses_plaintext_up_front(self):
        for params in (_init_params(), _init_params(pgp_keys=[KEY] * 3), _init_params(root_token_pgp_key=KEY)):
            with pytest.raises(OptionError, match="refusing to initialise"):
                InitResource(params).validate()

    def test_pgp_result_holds_only_encrypted_values(self):
        fake = FakeSys()
        result = _run(InitResource, _init_params(pgp_keys=[KEY] * 3, root_token_pgp_key=KEY), fake)
        assert result["changed"] and result["status"]["initialized"]
        assert result["encrypted_keys"] == ["ENC(%s)" % s for s in SHARES]
        assert result["encrypted_root_token"] == "ENC(root)"
        assert result["pgp_fingerprints"] == [FINGERPRINT] * 3
        body = fake.puts("sys/init")[0][2]
        assert body["secret_shares"] == 3 and body["secret_threshold"] == 3  # defaults: one share per key, 3
        assert "recovery_shares" not in body

    def test_keys_file_is_created_0600_and_result_has_no_plaintext(self, tmp_path):
        path = str(tmp_path / "init.json")
        fake = FakeSys()
        result = _run(InitResource, _init_params(secret_shares=3, secret_threshold=2, keys_file=path), fake)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        document = json.load(open(path))
        assert document["unseal_keys_hex"] == SHARES and document["root_token"] == ROOT_TOKEN
        assert document["unseal_shares"] == 3 and document["unseal_threshold"] == 2
        text = json.dumps(result)
        assert ROOT_TOKEN not in text and not any(share in text for share in SHARES)
        assert result["keys_file"] == path

    def test_existing_keys_file_is_never_overwritten(self, tmp_path):
        path = tmp_path / "init.json"
        path.write_text("other\n")
        fake = FakeSys()
        with pytest.raises(OptionError, match="already exists"):
            _run(InitResource, _init_params(secret_shares=1, secret_threshold=1, keys_file=str(path)), fake)
        assert path.read_text() == "other\n" and not fake.puts("sys/init")

    def test_failed_request_removes_the_empty_keys_file(self, tmp_path):
        path = tmp_path / "init.json"
        fake = FakeSys()
        fake.init_error = VaultApiError("PUT", "sys/init", 400, ["boom"])
        with pytest.raises(CitadelError, match="check sys/init"):
            _run(InitResource, _init_params(secret_shares=1, secret_threshold=1, keys_file=str(path)), fake)
        assert not path.exists()

    def test_initialised_server_is_unchanged(self, tmp_path):
        fake = FakeSys(initialized=True, sealed=False)
        path = tmp_path / "init.json"
        path.write_text("kept\n")
        result = _run(InitResource, _init_params(secret_shares=3, secret_threshold=2, keys_file=str(path)), fake)
        assert not result["changed"] and not fake.puts("sys/init") and "encrypted_keys" not in result

    def test_check_mode_sends_nothing(self):
        fake = FakeSys()
        result = _run(InitResource, _init_params(pgp_keys=[KEY] * 3, root_token_pgp_key=KEY), fake, check=True)
        assert result["changed"] and not fake.puts("sys/init")
        assert result["diff"]["after"]["initialized"] and not result["diff"]["before"]["initialized"]

    @pytest.mark.parametrize("params, message", [
        (dict(secret_shares=3, secret_threshold=4), "cannot exceed"),
        (dict(secret_shares=3, secret_threshold=1), "at least 2"),
        (dict(secret_shares=2, pgp_keys=[KEY] * 3), "pgp_keys has 3 key"),
        (dict(recovery_shares=3, recovery_threshold=2), "uses a shamir seal"),
    ])
    def test_plan_errors(self, tmp_path, params, message):
        params.setdefault("keys_file", str(tmp_path / "k.json"))
        if params.get("pgp_keys"):
            params["root_token_pgp_key"] = KEY
        fake = FakeSys()
        with pytest.raises(OptionError, match=message):
            _run(InitResource, _init_params(**params), fake)
        assert not fake.puts("sys/init") and not os.path.exists(str(tmp_path / "k.json"))

    def test_auto_unseal_sends_recovery_settings_only(self):
        fake = FakeSys(seal_type="transit")
        result = _run(InitResource, _init_params(recovery_shares=1, recovery_threshold=1, pgp_keys=[KEY],
                                                 root_token_pgp_key=KEY), fake)
        body = fake.puts("sys/init")[0][2]
        assert body["recovery_shares"] == 1 and body["recovery_pgp_keys"] == [KEY] and "secret_shares" not in body
        assert result["encrypted_keys"] == ["ENC(%s)" % SHARES[0]]
        with pytest.raises(OptionError, match="uses a transit seal"):
            _run(InitResource, _init_params(secret_shares=1, secret_threshold=1, pgp_keys=[KEY],
                                            root_token_pgp_key=KEY), FakeSys(seal_type="transit"))

    def test_recovery_shares_zero_needs_only_the_root_token_covered(self):
        fake = FakeSys(seal_type="transit")
        _run(InitResource, _init_params(recovery_shares=0, recovery_threshold=0, root_token_pgp_key=KEY), fake)
        assert fake.puts("sys/init")[0][2]["recovery_shares"] == 0


def _unseal_params(**params):
    base = {"keys": [], "reset": False, "require_unsealed": True, "wait_timeout": 0}
    base.update(params)
    return base


class TestUnseal:
    def test_unsealed_node_gets_no_key(self):
        fake = FakeSys(initialized=True, sealed=False)
        result = _run(UnsealResource, _unseal_params(keys=SHARES), fake)
        assert not result["changed"] and not fake.puts("sys/unseal") and result["keys_submitted"] == 0

    def test_submits_until_unsealed_and_sends_a_repeated_share_once(self):
        fake = FakeSys(initialized=True)
        result = _run(UnsealResource, _unseal_params(keys=[SHARES[0], SHARES[0], SHARES[1], SHARES[2]]), fake)
        assert result["changed"] and not result["seal_status"]["sealed"]
        assert [c[2]["key"] for c in fake.puts("sys/unseal")] == SHARES[:2] and result["keys_submitted"] == 2

    def test_wrong_share_names_its_position_never_its_value(self):
        wrong = "%066x" % 0xDEAD
        fake = FakeSys(initialized=True)
        with pytest.raises(CitadelError) as info:
            _run(UnsealResource, _unseal_params(keys=[SHARES[0], wrong]), fake)
        assert "keys[1]" in info.value.msg and "do not combine" in info.value.msg
        assert wrong not in info.value.msg and SHARES[0] not in info.value.msg

    def test_malformed_share_is_refused_offline(self):
        with pytest.raises(OptionError, match=r"keys\[1\] is not a key share"):
            UnsealResource(_unseal_params(keys=[SHARES[0], "not a share!"])).validate()

    def test_too_few_shares_fail_before_submitting(self):
        fake = FakeSys(initialized=True)
        with pytest.raises(OptionError, match="needs 2 key share"):
            _run(UnsealResource, _unseal_params(keys=SHARES[:1]), fake)
        assert not fake.puts("sys/unseal")

    def test_partial_progress_when_allowed(self):
        fake = FakeSys(initialized=True)
        result = _run(UnsealResource, _unseal_params(keys=SHARES[:1], require_unsealed=False), fake)
        assert result["changed"] and result["seal_status"]["sealed"] and result["seal_status"]["progress"] == 1

    def test_reset_discards_an_attempt_first(self):
        fake = FakeSys(initialized=True, progress=1)
        fake.attempt = ["%066x" % 0xBAD]
        result = _run(UnsealResource, _unseal_params(keys=SHARES[:2], reset=True), fake)
        assert not result["seal_status"]["sealed"] and fake.puts("sys/unseal")[0][2] == {"reset": True}

    def test_raft_follower_unseals_after_joining(self):
        fake = FakeSys(initialized=True, joining=True)
        result = _run(UnsealResource, _unseal_params(keys=SHARES, wait_timeout=1), fake)
        assert not result["seal_status"]["sealed"] and result["keys_submitted"] == 2

    def test_auto_unseal_node_that_is_sealed(self):
        with pytest.raises(CitadelError, match="auto-unseal"):
            _run(UnsealResource, _unseal_params(keys=SHARES), FakeSys(initialized=True, seal_type="awskms"))

    def test_not_initialised(self):
        with pytest.raises(CitadelError, match="not initialised"):
            _run(UnsealResource, _unseal_params(keys=SHARES), FakeSys())


class FakeRaft:
    def __init__(self, config=None, peers=None, health=None, ignore=()):
        self.config = dict(config or {"cleanup_dead_servers": False, "last_contact_threshold": "10s",
                                      "dead_server_last_contact_threshold": "24h0m0s", "max_trailing_logs": 1000,
                                      "min_quorum": 0, "server_stabilization_time": "10s"})
        self.peers = peers or []
        self.health = health or {}
        self.ignore = ignore
        self.writes = []

    def read(self, path, params=None):
        if path == "sys/storage/raft/autopilot/configuration":
            return {"data": dict(self.config)}
        if path == "sys/storage/raft/configuration":
            return {"data": {"config": {"servers": list(self.peers)}}}
        if path == "sys/storage/raft/autopilot/state":
            return {"data": {"servers": self.health, "healthy": True, "failure_tolerance": 1}}
        raise AssertionError(path)

    def write(self, path, data=None, method="POST"):
        self.writes.append((path, data))
        if path.endswith("autopilot/configuration"):
            self.config.update({k: v for k, v in data.items() if k not in self.ignore})
        elif path.endswith("remove-peer"):
            self.peers = [p for p in self.peers if p["node_id"] != data["server_id"]]


AUTOPILOT_KEYS = ("cleanup_dead_servers", "last_contact_threshold", "dead_server_last_contact_threshold",
                  "max_trailing_logs", "min_quorum", "server_stabilization_time")


class TestAutopilot:
    def _params(self, **params):
        base = dict.fromkeys(AUTOPILOT_KEYS)
        base.update(params)
        return base

    def test_durations_in_any_unit_compare_equal(self):
        fake = FakeRaft()
        result = _run(RaftAutopilotResource, self._params(dead_server_last_contact_threshold="1d",
                                                          server_stabilization_time=10), fake)
        assert not result["changed"] and not fake.writes
        assert result["autopilot"]["dead_server_last_contact_threshold"] == 86400

    def test_writes_only_what_differs(self):
        fake = FakeRaft()
        result = _run(RaftAutopilotResource, self._params(server_stabilization_time="2s", min_quorum=0), fake)
        assert result["changed"] and fake.writes == [("sys/storage/raft/autopilot/configuration",
                                                     {"server_stabilization_time": "2s"})]

    def test_an_ignored_value_is_an_error(self):
        fake = FakeRaft(ignore=("min_quorum",))
        with pytest.raises(CitadelError, match="did not apply min_quorum=5"):
            _run(RaftAutopilotResource, self._params(min_quorum=5), fake)

    @pytest.mark.parametrize("params, message", [
        (dict(last_contact_threshold="500ms"), "at least one second"),
        (dict(max_trailing_logs=-1), "cannot be negative"),
        (dict(server_stabilization_time="soon"), "is not a duration"),
    ])
    def test_bad_values(self, params, message):
        with pytest.raises(OptionError, match=message):
            RaftAutopilotResource(self._params(**params)).validate()


RaftPeerResource = _raft.RaftPeerResource
PEERS = [{"node_id": "n1", "address": "a:1", "leader": True, "voter": True},
         {"node_id": "n2", "address": "a:2", "leader": False, "voter": True}]


class TestPeer:
    def _params(self, **params):
        return dict({"node_id": "n2", "state": "absent", "force": False}, **params)

    def test_a_healthy_node_needs_force(self):
        fake = FakeRaft(peers=PEERS, health={"n2": {"healthy": True, "last_contact": "1.2s"}})
        with pytest.raises(OptionError, match="is healthy"):
            _run(RaftPeerResource, self._params(), fake)
        result = _run(RaftPeerResource, self._params(force=True), fake)
        assert result["changed"] and fake.writes == [("sys/storage/raft/remove-peer", {"server_id": "n2"})]

    def test_the_leader_is_never_removed(self):
        with pytest.raises(OptionError, match="is the leader"):
            _run(RaftPeerResource, self._params(node_id="n1", force=True), FakeRaft(peers=PEERS))

    def test_not_a_peer_is_unchanged(self):
        fake = FakeRaft(peers=PEERS)
        result = _run(RaftPeerResource, self._params(node_id="n9"), fake)
        assert not result["changed"] and not fake.writes


def test_go_durations():
    assert _raft.go_duration("1.017939489s") == 1.018
    assert _raft.go_duration("420.897513ms") == 0.421
    assert _raft.go_duration("24h0m0s") == 86400.0
    assert _raft.go_duration("0s") == 0.0 and _raft.go_duration(None) is None


def _snapshot(path, files=None, sums=None):
    """A snapshot archive laid out like the server's: meta.json, state.bin, SHA256SUMS, SHA256SUMS.sealed."""
    files = files if files is not None else {"meta.json": b"{}", "state.bin": b"state"}
    if sums is None:
        sums = "".join("%s  %s\n" % (hashlib.sha256(data).hexdigest(), name) for name, data in files.items())
    members = dict(files, **{"SHA256SUMS": sums.encode(), "SHA256SUMS.sealed": b"sealed"})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    path.write_bytes(buffer.getvalue())
    return path


def test_verify_archive(tmp_path):
    assert verify_archive(str(_snapshot(tmp_path / "ok.snap"))) is None
    bad_sum = _snapshot(tmp_path / "bad.snap", sums="%s  state.bin\n" % ("0" * 64))
    assert "state.bin does not match" in verify_archive(str(bad_sum))
    truncated = tmp_path / "cut.snap"
    truncated.write_bytes((tmp_path / "ok.snap").read_bytes()[:60])
    assert "not a readable" in verify_archive(str(truncated))
    no_sealed = tmp_path / "nosealed.snap"
    with tarfile.open(str(no_sealed), "w:gz") as archive:
        info = tarfile.TarInfo("SHA256SUMS")
        archive.addfile(info, io.BytesIO(b""))
    assert "SHA256SUMS.sealed is missing" in verify_archive(str(no_sealed))


class TestSnapshotOptions:
    def test_src_must_be_a_complete_snapshot_archive(self, tmp_path):
        bad = tmp_path / "x.snap"
        bad.write_text("hello")
        with pytest.raises(OptionError, match="not a Raft snapshot"):
            RaftSnapshotResource({"src": str(bad), "dest": None, "force": False, "overwrite": True}).validate()
        not_tar = tmp_path / "z.snap"
        not_tar.write_bytes(gzip.compress(b"not a tar"))
        with pytest.raises(OptionError, match="not a complete Raft snapshot"):
            RaftSnapshotResource({"src": str(not_tar), "dest": None, "force": False, "overwrite": True}).validate()
        good = _snapshot(tmp_path / "y.snap")
        RaftSnapshotResource({"src": str(good), "dest": None, "force": True, "overwrite": True}).validate()

    def test_force_is_for_restores(self, tmp_path):
        with pytest.raises(OptionError, match="force applies to a restore"):
            RaftSnapshotResource({"dest": str(tmp_path / "s.snap"), "src": None, "force": True,
                                  "overwrite": True}).validate()

    def test_dest_directory_must_exist(self, tmp_path):
        with pytest.raises(OptionError, match="does not exist"):
            RaftSnapshotResource({"dest": str(tmp_path / "no" / "s.snap"), "src": None, "force": False,
                                  "overwrite": True}).validate()


def test_module_defaults_for_the_group_do_not_leak_into_unauthenticated_requests():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault import _sys
    assert _sys._without_auth({"auth_method": "approle", "token": "x"})["auth_method"] == "none"
    assert _init.DEFAULT_SHARES == 5 and _init.DEFAULT_THRESHOLD == 3
