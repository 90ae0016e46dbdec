# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Raft snapshots: save one to a file (``GET sys/storage/raft/snapshot``) or restore one from a file
(``POST sys/storage/raft/snapshot``, or ``snapshot-force`` for a snapshot of another cluster).

A snapshot holds the whole encrypted data set and the keyring, so its bytes never enter a result or a
message: it is streamed to a temporary file (mode 0600) next to ``dest``, checked against the checksums inside
it (as the command line does) and renamed into place; a restore checks ``src`` the same way and streams it to
the server. Results carry the path, size and SHA-256.

Save state: ``{"path", "exists", "mode", "size", "sha256"}`` (``sha256`` is ``(new)`` for a planned save).
Restore state: ``{"path", "size", "sha256", "restored"}``; a restore is always a change. The task returns once
the active node serves authenticated requests again.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tarfile
import tempfile

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _sys
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError

PATH = "sys/storage/raft/snapshot"
GZIP_MAGIC = b"\x1f\x8b"
NEW = "(new)"
CHUNK = 1 << 20


def verify_archive(path):
    """Check a snapshot archive the way the bao/vault CLI does: it has the sealed checksum file, and every file
    listed in SHA256SUMS is there with that digest. A standby may hand out an incomplete snapshot; this catches it.
    Returns ``None`` when the archive is sound, else the reason."""
    digests, sums = {}, None
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                handle = archive.extractfile(member)
                if member.name == "SHA256SUMS":
                    sums = handle.read().decode("utf-8", "replace")
                    continue
                digest = hashlib.sha256()
                for block in iter(lambda: handle.read(CHUNK), b""):
                    digest.update(block)
                digests[member.name] = digest.hexdigest()
    except (tarfile.TarError, OSError, EOFError) as exc:
        return "it is not a readable gzip tar archive (%s)" % exc
    if sums is None or "SHA256SUMS.sealed" not in digests:
        return "SHA256SUMS or SHA256SUMS.sealed is missing"
    for line in sums.splitlines():
        if not line.strip():
            continue
        expected, _sep, name = line.strip().partition("  ")
        if digests.get(name.strip()) != expected:
            return "%s does not match its checksum" % name.strip()
    return None


def _file_facts(path):
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
            size += len(block)
    return {"size": size, "sha256": digest.hexdigest()}


class RaftSnapshotResource(Resource):
    kind = "Raft snapshot"
    result_key = "snapshot"

    @property
    def name(self):
        p = self.params
        return "Raft snapshot %s %s" % ("to" if p.get("dest") else "from", p.get("dest") or p.get("src"))

    @property
    def saving(self):
        return bool(self.params.get("dest"))

    def validate(self):
        p = self.params
        if self.saving:
            if p.get("force"):
                raise OptionError("force applies to a restore (src); it has no meaning when saving to dest")
            dest = p["dest"]
            if os.path.isdir(dest):
                raise OptionError("dest %s is a directory; give the path of the snapshot file" % dest)
            parent = os.path.dirname(os.path.abspath(dest))
            if not os.path.isdir(parent):
                raise OptionError("dest: the directory %s does not exist on the host running the module" % parent)
            return
        src = p["src"]
        if not os.path.isfile(src):
            raise OptionError("src %s is not a file on the host running the module" % src)
        try:
            with open(src, "rb") as handle:
                magic = handle.read(2)
        except OSError as exc:
            raise OptionError("src %s cannot be read: %s" % (src, exc.strerror))
        if magic != GZIP_MAGIC:
            raise OptionError("src %s is not a Raft snapshot (a snapshot is a gzip archive)" % src)
        problem = verify_archive(src)
        if problem:
            raise OptionError("src %s is not a complete Raft snapshot: %s" % (src, problem))

    # -- read and plan ----------------------------------------------------------------------------
    def read(self):
        if self.saving:
            path = self.params["dest"]
            if not os.path.exists(path):
                return {"path": path, "exists": False}
            st = os.stat(path)
            return {"path": path, "exists": True, "mode": "%04o" % stat.S_IMODE(st.st_mode), "size": st.st_size,
                    "sha256": _file_facts(path)["sha256"]}
        self._check_active_node()
        state = {"path": self.params["src"], "restored": False}
        state.update(_file_facts(self.params["src"]))
        return state

    def _check_active_node(self):
        """A restore must reach the active node: OpenBao answers 204 to a restore sent to a standby, then fails
        it in the background ("node is not the leader") and leaves that standby sealed."""
        found = _sys.leader(self.client)
        if found["ha_enabled"] and not found["is_self"]:
            active = " (%s)" % found["leader_address"] if found["leader_address"] else ""
            raise CitadelError("url %s points at a standby node; a snapshot must be restored on the active node%s. "
                               "(OpenBao accepts a restore on a standby, fails it in the background and leaves the "
                               "standby sealed.)" % (self.client.settings.url, active))

    def target(self, current, state):
        if not self.saving:
            return dict(current, restored=True)
        if current["exists"] and not self.params.get("overwrite"):
            return current
        return {"path": current["path"], "exists": True, "mode": "0600", "size": NEW, "sha256": NEW}

    def differs(self, current, target):
        return self.saving is False or current != target

    # -- apply ------------------------------------------------------------------------------------
    def apply(self, current, target):
        return self._save() if self.saving else self._restore(target)

    def _request(self, method, path, body=None, stream_to=None):
        headers = self.client.headers()
        if body is not None:
            headers["Content-Type"] = "application/octet-stream"
            headers["Content-Length"] = str(os.fstat(body.fileno()).st_size)
        response = self.client.send(method, path, body=body, headers=headers, stream_to=stream_to)
        if response.status_code >= 400:
            raise VaultApiError.from_response(method, path, response)
        return response

    def _save(self):
        dest = self.params["dest"]
        fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(dest), dir=os.path.dirname(os.path.abspath(dest)))
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                self._request("GET", PATH, stream_to=handle)
                handle.flush()
                os.fsync(handle.fileno())
            problem = verify_archive(tmp)
            if problem:
                raise CitadelError("the snapshot the server sent is incomplete or corrupt (%s); nothing was written to "
                                   "%s. Standbys of some versions send incomplete snapshots: point url at the active "
                                   "node" % (problem, dest))
            os.rename(tmp, dest)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        state = {"path": dest, "exists": True, "mode": "0600"}
        state.update(_file_facts(dest))
        return state

    def _restore(self, target):
        path = PATH + ("-force" if self.params.get("force") else "")
        with open(self.params["src"], "rb") as handle:
            with self.client.single_attempt():
                try:
                    self._request("POST", path, body=handle)
                except VaultApiError as exc:
                    hint = ""
                    if not self.params.get("force") and "keyring" in exc.msg.lower():
                        hint = (" The snapshot was taken on another cluster: restoring it needs force: true, and "
                                "afterwards this cluster is unsealed with that cluster's keys.")
                    raise CitadelError(exc.msg + hint, status=exc.status, path=path)
        self._wait_until_serving()
        return target

    def _wait_until_serving(self):
        """The restore is answered at once, but the active node serves authenticated requests only once it has
        reloaded its state (a few seconds): the first token lookup blocks until then, so the task ends with a
        cluster that is ready for the next one. After a forced restore the token may not exist any more."""
        try:
            self.client.read("auth/token/lookup-self")
        except CitadelError:
            pass
