"""The run-wide token cache: private places only, renewal thresholds."""

from __future__ import annotations

import os
import stat
import time

from ansible_collections.citadel.secrets.plugins.plugin_utils import _token_cache


def test_entries_are_private_and_round_trip(tmp_path, monkeypatch):
    monkeypatch.setattr(_token_cache, "_base_dir", lambda: str(tmp_path / "base"))
    monkeypatch.setattr(_token_cache.TokenCache, "_start_janitor", lambda self: None)
    cache = _token_cache.TokenCache()
    assert cache.usable
    with cache.lock("k"):
        cache.put("k", {"token": "t", "ttl": 60, "expires_at": time.time() + 60})
    assert cache.get("k")["token"] == "t"
    for path in (tmp_path / "base", cache.path):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(os.path.join(cache.path, "k.json")).st_mode) == 0o600


def test_a_shared_directory_is_refused(tmp_path, monkeypatch):
    base = tmp_path / "base"
    base.mkdir(mode=0o777)
    os.chmod(base, 0o777)
    monkeypatch.setattr(_token_cache, "_base_dir", lambda: str(base))
    assert not _token_cache.TokenCache().usable


def test_directories_of_ended_runs_are_pruned(tmp_path, monkeypatch):
    base = tmp_path / "base"
    base.mkdir(mode=0o700)
    stale = base / "run-999999999-1"
    stale.mkdir()
    monkeypatch.setattr(_token_cache, "_base_dir", lambda: str(base))
    _token_cache.TokenCache()
    assert not stale.exists()


def test_renewal_and_expiry_thresholds():
    now = 1000.0
    fresh = {"ttl": 300, "expires_at": now + 250}
    ageing = {"ttl": 300, "expires_at": now + 90}
    dying = {"ttl": 300, "expires_at": now + 5}
    forever = {"ttl": 0, "expires_at": now}
    assert not _token_cache.needs_renewal(fresh, now) and not _token_cache.expired(fresh, now)
    assert _token_cache.needs_renewal(ageing, now) and not _token_cache.expired(ageing, now)
    assert _token_cache.expired(dying, now)
    assert not _token_cache.needs_renewal(forever, now) and not _token_cache.expired(forever, now)
