"""Logins are keyed by what a login depends on: lookups (which also read VAULT_TOKEN into ``token``) and modules
(which do not) with the same credentials get the same key; a module task reuses its login for all its loop
items and logs in again late in the token's TTL."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils import _client_cache
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _connect
from ansible_collections.citadel.secrets.plugins.module_utils._vault._connect import connect_reused, fingerprint

APPROLE = {"url": "http://127.0.0.1:8200", "auth_method": "approle", "role_id": "r", "secret_id": "s"}


def test_a_login_method_ignores_the_token_option():
    assert fingerprint(dict(APPROLE, token="from-VAULT_TOKEN")) == fingerprint(dict(APPROLE, token=None))


def test_different_credentials_or_servers_get_different_sessions():
    assert fingerprint(dict(APPROLE, secret_id="other")) != fingerprint(APPROLE)
    assert fingerprint(dict(APPROLE, url="http://127.0.0.1:8201")) != fingerprint(APPROLE)


def test_the_token_method_is_keyed_by_its_token():
    token = {"url": "http://127.0.0.1:8200", "auth_method": "token"}
    assert fingerprint(dict(token, token="a")) != fingerprint(dict(token, token="b"))
    assert fingerprint({"url": "u", "token": "a"}) != fingerprint({"url": "u", "token": "b"})  # token by default


def test_a_task_logs_in_once_for_all_its_items_and_again_late_in_the_token_ttl(monkeypatch):
    logins, now = [], [1000.0]

    class Client:
        def __init__(self, options):
            logins.append(options["secret_id"])
            self.auth = {"lease_duration": 300}
    monkeypatch.setattr(_client_cache.time, "time", lambda: now[0])
    monkeypatch.setattr(_connect, "_CLIENTS", _client_cache.ClientCache(_connect.OPTION_NAMES, Client,
                                                                        lifetime=_connect._lifetime))
    first = connect_reused(APPROLE)
    assert connect_reused(APPROLE) is first and connect_reused(dict(APPROLE, token="x")) is first
    assert connect_reused(dict(APPROLE, secret_id="other")) is not first
    now[0] += 199  # two thirds of 300 s not yet passed
    assert connect_reused(APPROLE) is first
    now[0] += 2
    assert connect_reused(APPROLE) is not first
    assert logins == ["s", "other", "s"]
