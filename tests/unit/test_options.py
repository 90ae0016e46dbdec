"""Connection and auth option resolution, shared by modules and lookups."""

from __future__ import annotations

import pytest

from ansible.plugins.loader import lookup_loader

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth
from ansible_collections.citadel.secrets.plugins.module_utils._vault._connection import ConnectionSettings
from ansible_collections.citadel.secrets.plugins.module_utils._vault.auth import _token


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("VAULT_ADDR", "BAO_ADDR", "VAULT_TOKEN", "BAO_TOKEN", "VAULT_SKIP_VERIFY", "BAO_SKIP_VERIFY",
                 "VAULT_ROLE_ID", "VAULT_SECRET_ID", "VAULT_AUTH_METHOD", "VAULT_NAMESPACE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return monkeypatch


def test_url_is_required_and_checked(clean_env):
    with pytest.raises(OptionError, match="VAULT_ADDR"):
        ConnectionSettings.from_options({})
    with pytest.raises(OptionError, match="http"):
        ConnectionSettings.from_options({"url": "vault:8200"})


def test_validate_certs_defaults_true_and_env_can_turn_it_off(clean_env):
    assert ConnectionSettings.from_options({"url": "https://v:8200"}).verify is True
    clean_env.setenv("VAULT_SKIP_VERIFY", "true")
    assert ConnectionSettings.from_options({"url": "https://v:8200"}).verify is False
    assert ConnectionSettings.from_options({"url": "https://v:8200", "validate_certs": True}).verify is True


def test_client_cert_needs_key(clean_env, tmp_path):
    cert = tmp_path / "c.pem"
    cert.write_text("x")
    with pytest.raises(OptionError, match="together"):
        ConnectionSettings.from_options({"url": "https://v", "client_cert": str(cert)})


def test_token_precedence_option_env_file(clean_env, tmp_path):
    (tmp_path / ".vault-token").write_text("from-file\n")
    assert _token.resolve_token({}) == "from-file"
    clean_env.setenv("BAO_TOKEN", "from-bao-env")
    assert _token.resolve_token({}) == "from-bao-env"
    clean_env.setenv("VAULT_TOKEN", "from-env")
    assert _token.resolve_token({}) == "from-env"
    assert _token.resolve_token({"token": "from-option"}) == "from-option"


@pytest.mark.parametrize("options, message", [
    ({"auth_method": "approle"}, "role_id"),
    ({"auth_method": "userpass", "username": "u"}, "password"),
    ({"auth_method": "jwt"}, "jwt"),
    ({"auth_method": "kubernetes", "role": "r", "kubernetes_token_path": "/nonexistent"}, "kubernetes_token_path"),
    ({"auth_method": "cert"}, "client_cert"),
    ({"auth_method": "token"}, "no token"),
    ({"auth_method": "magic"}, "must be one of"),
])
def test_auth_methods_say_what_is_missing(clean_env, options, message):
    with pytest.raises(OptionError, match=message):
        _auth.validate(options)


def test_lookup_option_precedence_keyword_over_vars_over_env(clean_env):
    clean_env.setenv("VAULT_ADDR", "http://from-env:8200")
    lookup = lookup_loader.get("citadel.secrets.vault_kv")
    lookup.set_options(var_options={}, direct={})
    assert lookup.get_option("url") == "http://from-env:8200"
    lookup.set_options(var_options={"citadel_vault_url": "http://from-vars:8200"}, direct={})
    assert lookup.get_option("url") == "http://from-vars:8200"
    lookup.set_options(var_options={"citadel_vault_url": "http://from-vars:8200"}, direct={"url": "http://kw:8200"})
    assert lookup.get_option("url") == "http://kw:8200"


def test_lookup_and_module_share_option_names():
    from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import common_argspec
    from ansible_collections.citadel.secrets.plugins.plugin_utils._vault_lookup import SHARED_OPTIONS
    lookup = lookup_loader.get("citadel.secrets.vault_kv")
    lookup.set_options(var_options={}, direct={})
    assert set(SHARED_OPTIONS) == set(common_argspec())
    for name in SHARED_OPTIONS:
        lookup.get_option(name)  # raises KeyError if the lookup does not document the option
