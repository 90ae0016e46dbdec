"""The run's Vault sessions are keyed by what a login depends on: lookups (which also read VAULT_TOKEN into
``token``) and modules (which do not) with the same credentials share one login."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.plugin_utils._vault_session import fingerprint

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
