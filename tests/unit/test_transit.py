"""Transit: the key resource's planning and writes, and batch encrypt/decrypt/rewrap, against an in-memory fake."""

from __future__ import annotations

import base64
import copy

import pytest

from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    CitadelError, OptionError, PartialApplyError)
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import reconcile
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _transit
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._transit import (
    KeyNotFound, TransitOperation, ciphertext_version)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._transit_key import (
    TransitKeyResource)

SECRET = "4111-1111-1111-1111"


class FakeTransit:
    """Just enough of a transit engine at mount ``transit``: keys, config, rotate, delete, and batches."""

    def __init__(self, keys=None, vault_style_batch_errors=False, fail_on=None):
        self.keys = copy.deepcopy(keys or {})
        self.calls = []
        self.vault_style = vault_style_batch_errors
        self.fail_on = fail_on

    # -- the client interface resources use ------------------------------------------------------
    def request(self, method, path, data=None, params=None, missing_ok=False):
        self.calls.append((method, path, data))
        if method == "GET" and path.startswith("sys/internal/ui/mounts/"):
            return {"data": {"type": "transit", "path": "transit/"}}
        if method == "GET" and path.startswith("transit/keys/"):
            name = path.split("/", 2)[2]
            if name not in self.keys:
                if missing_ok:
                    return None
                raise VaultApiError(method, path, 404, [])
            return {"data": copy.deepcopy(self.keys[name])}
        raise AssertionError("unexpected %s %s" % (method, path))

    def read(self, path, params=None):
        return self.request("GET", path, missing_ok=True)

    def write(self, path, data=None, method="POST"):
        self.calls.append((method, path, data))
        if self.fail_on and self.fail_on in path:
            raise VaultApiError(method, path, 500, ["boom"])
        parts = path.split("/")
        if parts[1] == "keys":
            name = parts[2]
            if len(parts) == 3:
                key = {"name": name, "type": data.get("type", "aes256-gcm96"), "latest_version": 1,
                       "min_decryption_version": 1, "min_encryption_version": 0, "deletion_allowed": False,
                       "exportable": bool(data.get("exportable")), "derived": bool(data.get("derived")),
                       "allow_plaintext_backup": bool(data.get("allow_plaintext_backup")),
                       "auto_rotate_period": int((data.get("auto_rotate_period") or "0s")[:-1]),
                       "min_available_version": 0}
                if "key_size" in data:
                    key["key_size"] = data["key_size"]
                self.keys.setdefault(name, key)
            elif parts[3] == "rotate":
                self.keys[name]["latest_version"] += 1
            elif parts[3] == "config":
                body = dict(data)
                if "auto_rotate_period" in body:
                    body["auto_rotate_period"] = int(body["auto_rotate_period"][:-1])
                self.keys[name].update(body)
            return {}
        return self._crypto(parts[1], data)

    def delete(self, path, missing_ok=True):
        self.calls.append(("DELETE", path, None))
        self.keys.pop(path.split("/")[2], None)
        return {}

    def _crypto(self, operation, data):
        results = []
        for item in data["batch_input"]:
            if operation == "encrypt":
                results.append({"ciphertext": "vault:v1:" + item["plaintext"], "key_version": 1})
            elif item["ciphertext"].endswith("BAD"):
                results.append({"error": "invalid ciphertext"})
            elif operation == "decrypt":
                results.append({"plaintext": item["ciphertext"].split(":", 2)[2]})
            else:
                results.append({"ciphertext": "vault:v2:" + item["ciphertext"].split(":", 2)[2]})
        if self.vault_style and any("error" in r for r in results):
            error = VaultApiError("POST", "transit/%s/k" % operation, 400, [])
            error.data = {"batch_results": results}
            raise error
        return {"data": {"batch_results": results}}

    @property
    def writes(self):
        return [c for c in self.calls if c[0] in ("POST", "PUT", "DELETE")]


def key_params(**params):
    base = dict(mount="transit", name="cards", type=None, key_size=None, derived=None, convergent_encryption=None,
                exportable=None, allow_plaintext_backup=None, deletion_allowed=None, min_decryption_version=None,
                min_encryption_version=None, auto_rotate_period=None, rotate=False, state="present")
    base.update(params)
    return base


def run_key(server, check=False, **params):
    resource = TransitKeyResource(key_params(**params))
    resource.validate()
    resource.bind(server)
    outcome = reconcile(resource, resource.params["state"], check)
    return outcome.result(True)


EXISTING = {"cards": {"name": "cards", "type": "aes256-gcm96", "latest_version": 2, "min_decryption_version": 1,
                      "min_encryption_version": 0, "deletion_allowed": False, "exportable": False,
                      "derived": False, "allow_plaintext_backup": False, "auto_rotate_period": 0,
                      "min_available_version": 0}}


# -- the key resource ------------------------------------------------------------------------------
def test_check_mode_predicts_create_rotate_and_config_exactly():
    predicted = run_key(FakeTransit(), check=True, rotate=True, min_encryption_version=2, auto_rotate_period="1d")
    server = FakeTransit()
    real = run_key(server, rotate=True, min_encryption_version=2, auto_rotate_period="1d")
    assert predicted["changed"] and real["changed"]
    assert predicted["key"] == real["key"] and predicted["latest_version"] == real["latest_version"] == 2
    assert [c[1] for c in server.writes] == ["transit/keys/cards", "transit/keys/cards/rotate",
                                             "transit/keys/cards/config"]
    assert server.writes[0][2] == {"type": "aes256-gcm96", "auto_rotate_period": "86400s"}
    assert server.writes[2][2] == {"min_encryption_version": 2}
    again = run_key(server, min_encryption_version=2, auto_rotate_period=86400)
    assert not again["changed"]


def test_rotate_always_changes_and_predicts_the_next_version():
    server = FakeTransit(EXISTING)
    result = run_key(server, check=True, rotate=True)
    assert result["changed"] and result["latest_version"] == 3 and not server.writes
    assert result["diff"]["before"]["latest_version"] == 2 and result["diff"]["after"]["latest_version"] == 3


@pytest.mark.parametrize("params, message", [
    (dict(type="rsa-2048"), "type is fixed when a key is created"),
    (dict(derived=True), "derived is fixed"),
    (dict(min_decryption_version=3), "above the latest version"),
    (dict(min_decryption_version=2, min_encryption_version=1), "cannot be lower"),
])
def test_refusals_after_reading_write_nothing(params, message):
    server = FakeTransit(EXISTING)
    with pytest.raises(OptionError, match=message):
        run_key(server, **params)
    assert not server.writes


def test_min_version_is_checked_against_the_version_after_rotation():
    server = FakeTransit(EXISTING)
    result = run_key(server, rotate=True, min_decryption_version=3)
    assert result["key"]["min_decryption_version"] == 3 and result["latest_version"] == 3


@pytest.mark.parametrize("params, message", [
    (dict(type="hmac"), "needs key_size"),
    (dict(type="aes256-gcm96", key_size=32), "only to type=hmac"),
    (dict(type="hmac", key_size=8), "between 32 and 512"),
    (dict(convergent_encryption=True), "requires derived=true"),
    (dict(type="rsa-2048", derived=True), "derived keys exist only"),
    (dict(auto_rotate_period="30m"), "at least 1h"),
    (dict(min_decryption_version=0), "at least 1"),
    (dict(state="absent", rotate=True), "cannot be used with state=absent"),
    (dict(state="absent", deletion_allowed=False), "contradictory"),
])
def test_static_validation(params, message):
    with pytest.raises(OptionError, match=message):
        TransitKeyResource(key_params(**params)).validate()


def test_one_way_settings_cannot_be_turned_off():
    keys = copy.deepcopy(EXISTING)
    keys["cards"]["exportable"] = True
    with pytest.raises(OptionError, match="cannot be turned off"):
        run_key(FakeTransit(keys), exportable=False)


def test_hmac_key_size_is_sent_and_compared():
    server = FakeTransit()
    run_key(server, name="idx", type="hmac", key_size=64)
    assert server.writes[0][2] == {"type": "hmac", "key_size": 64}
    assert not run_key(server, name="idx", type="hmac", key_size=64)["changed"]
    with pytest.raises(OptionError, match="key_size is fixed"):
        run_key(server, name="idx", type="hmac", key_size=32)


def test_delete_needs_deletion_allowed():
    server = FakeTransit(EXISTING)
    with pytest.raises(CitadelError, match="deletion_allowed: true"):
        run_key(server, state="absent")
    assert not server.writes
    result = run_key(server, state="absent", deletion_allowed=True)
    assert result["changed"] and result["key"] == {} and result["latest_version"] == 0
    assert [c[1] for c in server.writes] == ["transit/keys/cards/config", "transit/keys/cards"]
    assert not run_key(server, state="absent", deletion_allowed=True)["changed"]


def test_a_failure_after_the_first_write_says_what_was_applied():
    server = FakeTransit(fail_on="/rotate")
    with pytest.raises(PartialApplyError) as raised:
        run_key(server, rotate=True)
    assert raised.value.details["applied"] == ["create"]
    assert raised.value.details["not_applied"] == ["rotate (version 2)"]


# -- batch operations --------------------------------------------------------------------------------
def test_encrypt_encodes_text_and_context():
    server = FakeTransit(EXISTING)
    out = TransitOperation("encrypt", "cards", context="customer-42").run(server, [SECRET, "é"])
    sent = server.writes[0][2]["batch_input"]
    assert sent[0] == {"plaintext": base64.b64encode(SECRET.encode()).decode(),
                       "context": base64.b64encode(b"customer-42").decode()}
    assert base64.b64decode(sent[1]["plaintext"]).decode("utf-8") == "é"
    assert [ciphertext_version(c) for c in out] == [1, 1]


def test_decrypt_returns_text_or_base64():
    server = FakeTransit(EXISTING)
    ciphertext = "vault:v1:" + base64.b64encode(SECRET.encode()).decode()
    assert TransitOperation("decrypt", "cards").run(server, [ciphertext]) == [SECRET]
    raw = TransitOperation("decrypt", "cards", plaintext_encoding="base64").run(server, [ciphertext])
    assert raw == [base64.b64encode(SECRET.encode()).decode()]
    binary = "vault:v1:" + base64.b64encode(b"\xff\xfe").decode()
    with pytest.raises(CitadelError, match="plaintext_encoding=base64"):
        TransitOperation("decrypt", "cards").run(server, [binary])


def test_errors_name_the_item_never_the_value():
    server = FakeTransit(EXISTING)
    with pytest.raises(OptionError) as raised:
        TransitOperation("decrypt", "cards").run(server, ["vault:v1:AAAA", SECRET])
    assert "item 2 is not a transit ciphertext" in raised.value.msg and SECRET not in raised.value.msg
    assert not server.writes
    with pytest.raises(OptionError) as raised:
        TransitOperation("encrypt", "cards", plaintext_encoding="base64").run(server, [SECRET + "!"])
    assert SECRET not in raised.value.msg


@pytest.mark.parametrize("vault_style", [False, True])
def test_item_errors_in_a_batch_openbao_and_vault_style(vault_style):
    server = FakeTransit(EXISTING, vault_style_batch_errors=vault_style)
    with pytest.raises(CitadelError, match=r"failed for 1 of 2 items \(first: item 2: invalid ciphertext\)"):
        TransitOperation("rewrap", "cards").run(server, ["vault:v1:QQ==", "vault:v1:BAD"])


def test_large_inputs_are_sent_in_chunks(monkeypatch):
    monkeypatch.setattr(_transit, "BATCH_SIZE", 2)
    server = FakeTransit(EXISTING)
    out = TransitOperation("rewrap", "cards", key_version=2).run(server, ["vault:v1:QQ=="] * 5)
    batches = [c[2] for c in server.writes]
    assert [len(b["batch_input"]) for b in batches] == [2, 2, 1] and len(out) == 5
    assert all(item["key_version"] == 2 for b in batches for item in b["batch_input"])


def test_a_missing_key_is_never_created():
    server = FakeTransit()
    with pytest.raises(KeyNotFound, match="never creates keys"):
        TransitOperation("encrypt", "cards").run(server, [SECRET])
    assert not server.writes and not server.keys


@pytest.mark.parametrize("kwargs, message", [
    (dict(operation="sign"), "operation must be one of"),
    (dict(operation="decrypt", key_version=1), "applies to encrypt and rewrap"),
    (dict(operation="encrypt", key_version=0), "positive integer"),
    (dict(operation="encrypt", plaintext_encoding="hex"), "plaintext_encoding"),
    (dict(operation="encrypt", mount="/"), "mount cannot be empty"),
])
def test_operation_options(kwargs, message):
    kwargs.setdefault("key", "cards")
    with pytest.raises(OptionError, match=message):
        TransitOperation(**kwargs)


def test_error_response_keeps_its_data():
    class Response:
        status_code = 400
        text = "{}"

        @staticmethod
        def json():
            return {"data": {"batch_results": [{"error": "x"}]}}

    error = VaultApiError.from_response("POST", "transit/decrypt/k", Response())
    assert error.data == {"batch_results": [{"error": "x"}]}
    assert VaultApiError("GET", "p", 404, []).data is None
