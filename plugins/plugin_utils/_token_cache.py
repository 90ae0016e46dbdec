# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Share a login between every worker process of one Ansible run, and clean up after the run.

Ansible evaluates lookups in forked worker processes, one per host and task, so an in-memory cache alone
would log in again for nearly every task. Tokens obtained by a login (not user-supplied tokens) are kept:

* in a directory private to the user and the run: ``/dev/shm/citadel-secrets-<uid>/run-<pid>-<start>/``
  (memory-backed, falling back to ``$XDG_RUNTIME_DIR`` or the temp dir), directories 0700, files 0600,
  ownership and modes checked before use — another user can read nothing, and nothing reaches a disk
  where tmpfs is available;
* one file per credential fingerprint (a SHA-256 over connection and credential options, never the
  credentials), written atomically; an ``flock`` per fingerprint makes the first worker log in while the
  others wait and then reuse its token;
* until the run ends: the first worker starts a small detached janitor that waits for the run's main
  process to exit, then revokes every cached token (``auth/token/revoke-self``) and deletes the directory,
  so no token outlives the run. Directories of runs whose process is gone are removed on the next run.

Tokens are renewed (``renew-self``) once two thirds of their TTL has passed and replaced by a new login
when they are not renewable or about to expire.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

from ansible_collections.citadel.secrets.plugins.module_utils._client_cache import RENEW_FRACTION

#: never hand out a token with less than this many seconds left
MIN_REMAINING = 10


def _process_start(pid):
    """The start time of ``pid`` from /proc (guards against PID reuse), or '' where /proc is absent."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _alive(pid, start):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not start or _process_start(pid) == start


def run_process():
    """The PID of the run's main process: the parent of a forked worker, else this process."""
    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None and parent.pid else os.getpid()


def _base_dir():
    for candidate in ("/dev/shm", os.environ.get("XDG_RUNTIME_DIR"), tempfile.gettempdir()):
        if candidate and os.path.isdir(candidate) and os.access(candidate, os.W_OK | os.X_OK):
            return os.path.join(candidate, "citadel-secrets-%d" % os.getuid())
    return None


def _private_dir(path):
    """Create ``path`` 0700 or verify an existing one is ours and private; False when it is not safe."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    info = os.lstat(path)
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077)


class TokenCache:
    """Tokens of one run, shared by its worker processes. ``usable`` is False where no private place exists."""

    def __init__(self):
        self.run_pid = run_process()
        self.run_start = _process_start(self.run_pid)
        base = _base_dir()
        self.usable = bool(base) and _private_dir(base)
        self.path = os.path.join(base, "run-%d-%s" % (self.run_pid, self.run_start or "0")) if self.usable else None
        if self.usable:
            self._prune(base)
            self.usable = _private_dir(self.path)

    # -- entries ---------------------------------------------------------------------------------
    def _file(self, key):
        return os.path.join(self.path, key + ".json")

    def get(self, key):
        try:
            with open(self._file(key)) as handle:
                entry = json.load(handle)
        except (OSError, ValueError):
            return None
        return entry if entry.get("token") else None

    def put(self, key, entry):
        tmp = "%s.%d.tmp" % (self._file(key), os.getpid())
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(entry, handle)
        os.replace(tmp, self._file(key))
        self._start_janitor()

    def lock(self, key):
        return _FileLock(os.path.join(self.path, key + ".lock"))

    # -- lifetime --------------------------------------------------------------------------------
    def _prune(self, base):
        """Remove directories of runs that have ended (their janitor was killed or never ran)."""
        for name in os.listdir(base):
            parts = name.split("-")
            if len(parts) != 3 or parts[0] != "run" or not parts[1].isdigit():
                continue
            if not _alive(int(parts[1]), "" if parts[2] == "0" else parts[2]):
                shutil.rmtree(os.path.join(base, name), ignore_errors=True)

    def _start_janitor(self):
        marker = os.path.join(self.path, "janitor")
        try:
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        os.close(fd)
        with open(os.devnull, "r+b") as devnull:
            subprocess.Popen(  # pylint: disable=consider-using-with
                # -I -S: only the standard library, nothing from the environment or site-packages
                [sys.executable, "-I", "-S", "-c", _JANITOR, str(self.run_pid), self.run_start, self.path],
                stdin=devnull, stdout=devnull, stderr=devnull, close_fds=True, start_new_session=True)


def reuse(store, key, resolve):
    """What this worker keeps in ``store`` under ``key``, while the cache entry it carries (``cache_entry``) needs
    no renewal; else ``resolve()``, kept there for the next call."""
    found = store.get(key)
    entry = getattr(found, "cache_entry", None)
    if found is not None and (entry is None or not needs_renewal(entry)):
        return found
    found = store[key] = resolve()
    return found


def needs_renewal(entry, now=None):
    now = now or time.time()
    remaining = entry["expires_at"] - now
    return entry.get("ttl", 0) > 0 and remaining < entry["ttl"] * RENEW_FRACTION


def expired(entry, now=None):
    now = now or time.time()
    return entry.get("ttl", 0) > 0 and entry["expires_at"] - now < MIN_REMAINING


class _FileLock:
    def __init__(self, path):
        self.path = path
        self.fd = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


# The janitor runs detached with only the standard library: it waits for the run to end, revokes each
# cached token with the connection settings stored beside it, and removes the run's directory.
_JANITOR = r"""
import json, os, shutil, sys, time
pid, start, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def alive():
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if not start:
        return True
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[19] == start
    except (OSError, IndexError):
        return False
while alive() and os.path.isdir(path):
    time.sleep(0.5)
# imported once the run is over: while it runs, this process should cost the machine as little as possible
import ssl, urllib.request
for name in (os.listdir(path) if os.path.isdir(path) else []):
    if not name.endswith(".json"):
        continue
    try:
        with open(os.path.join(path, name)) as handle:
            entry = json.load(handle)
        conn = entry["connection"]
        context = None
        if conn["url"].startswith("https"):
            context = ssl.create_default_context(cafile=conn.get("ca_cert") or None)
            if not conn.get("validate_certs", True):
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            if conn.get("client_cert"):
                context.load_cert_chain(conn["client_cert"], conn.get("client_key"))
        headers = {"X-Vault-Token": entry["token"], "X-Vault-Request": "true"}
        if conn.get("namespace"):
            headers["X-Vault-Namespace"] = conn["namespace"]
        request = urllib.request.Request(conn["url"] + "/v1/auth/token/revoke-self", data=b"{}",
                                         headers=headers, method="POST")
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))
        opener.open(request, timeout=10).close()
    except Exception:
        pass
shutil.rmtree(path, ignore_errors=True)
"""
