# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unsealing one node (``sys/unseal``) with Shamir key shares, one share per request, until it is unsealed.

State (compared and shown in diffs)::

    {"initialized", "sealed", "seal_type", "progress", "threshold", "shares"}

A Raft follower that joins through ``retry_join`` (or ``sys/storage/raft/join``) reports ``initialized: false``
until it has reached the leader, and answers the last share of an attempt with ``sealed: true, progress: 0``
while it joins; both are waited for, up to ``wait_timeout`` seconds. Key values never appear in a message.
"""

from __future__ import annotations

import base64
import binascii
import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._redact import scrub_text
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _sys

_STATE_KEYS = ("initialized", "sealed", "seal_type", "progress", "threshold", "shares")
_WRONG_SHARES = ("combined key", "stored keys", "authentication failed", "failed to decrypt", "invalid key")


def is_key_share(value):
    text = value.strip()
    if re.fullmatch(r"(?:[0-9a-fA-F]{2})+", text):
        return True
    try:
        return bool(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        return False


class UnsealResource(Resource):
    kind = "seal status"
    result_key = "seal_status"

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self.keys = []
        self.submitted = 0

    @property
    def name(self):
        return "seal status"

    def validate(self):
        keys = self.params.get("keys") or []
        for index, key in enumerate(keys):
            if not isinstance(key, str) or not is_key_share(key):
                raise OptionError("keys[%d] is not a key share: shares are hex or base64 strings" % index)
        seen = set()
        for index, key in enumerate(keys):  # (position in the option, share); a repeated share counts once
            if key.strip() not in seen:
                seen.add(key.strip())
                self.keys.append((index, key.strip()))
        if (self.params.get("wait_timeout") or 0) < 0:
            raise OptionError("wait_timeout cannot be negative")

    def _status(self):
        status = _sys.seal_status(self.client)
        self._recovery_seal = status["recovery_seal"]
        return {k: status[k] for k in _STATE_KEYS}

    def _wait_until(self, condition):
        """Poll the seal status until ``condition(status)`` or wait_timeout; return the last status."""
        last = {}

        def probe():
            last["status"] = self._status()
            return condition(last["status"])

        _sys.wait_for(probe, self.params.get("wait_timeout") or 0)
        return last["status"]

    def read(self):
        status = self._status()
        if not status["initialized"]:
            # a Raft follower reports initialized=false until retry_join has reached an unsealed leader
            status = self._wait_until(lambda s: s["initialized"])
        if not status["initialized"]:
            raise CitadelError(
                "the server is not initialised (waited %ss): run citadel.secrets.vault_init on one node first; a Raft "
                "follower becomes initialised once its retry_join (or citadel.secrets.vault_raft_join) reaches an "
                "unsealed leader" % (self.params.get("wait_timeout") or 0))
        return status

    # -- plan ---------------------------------------------------------------------------------------
    def target(self, current, state):
        if not current["sealed"]:
            return current
        if self._recovery_seal:
            raise CitadelError("the server uses auto-unseal (%s seal) and is sealed: it unseals itself when it starts "
                               "and can reach its seal; key shares cannot unseal it (check the seal's KMS or transit "
                               "server and restart the node)" % current["seal_type"])
        progress = 0 if self.params.get("reset") else current["progress"]
        threshold = current["threshold"]
        if progress + len(self.keys) >= threshold and self.keys:
            return dict(current, sealed=False, progress=0)
        if self.params.get("require_unsealed"):
            raise OptionError(
                "the node needs %d key share(s) to unseal, %d already submitted in the current attempt and %d given: "
                "give more keys, or set require_unsealed: false to submit these and leave it sealed"
                % (threshold, progress, len(self.keys)))
        return dict(current, progress=progress + len(self.keys))

    # -- apply --------------------------------------------------------------------------------------
    def apply(self, current, target):
        if self.params.get("reset") and current["progress"]:
            self.client.write("sys/unseal", {"reset": True}, method="PUT")
        answer = None
        for index, key in self.keys:
            answer = self._submit(index, key)
            self.submitted += 1
            if not answer.get("sealed", True):
                break
            if not answer.get("progress"):
                # the last share of an attempt was accepted but the node is still sealed: a Raft follower that
                # is joining the cluster; it unseals once the join completes
                break
        status = self._status()
        if status["sealed"] and answer is not None and not answer.get("progress"):
            status = self._wait_until(lambda s: not s["sealed"])
            if status["sealed"]:
                raise CitadelError(
                    "the key shares were accepted but the node is still sealed after %ss; a Raft follower unseals once "
                    "it has joined the cluster: check that it reaches the leader (retry_join address and CA)"
                    % (self.params.get("wait_timeout") or 0))
        if status["sealed"] and self.params.get("require_unsealed"):
            raise CitadelError(
                "the node is still sealed after %d key share(s) were submitted (progress %d of %d): some of the given "
                "shares were already part of this attempt" % (self.submitted, status["progress"], status["threshold"]))
        return status

    def _submit(self, index, key):
        try:
            return self.client.write("sys/unseal", {"key": key}, method="PUT") or {}
        except CitadelError as exc:
            text = scrub_text(exc.msg, self.params.get("keys") or [])
            if any(marker in text.lower() for marker in _WRONG_SHARES):
                raise CitadelError(
                    "unsealing failed at keys[%d]: the key shares of this attempt do not combine into this server's "
                    "root key (a share is wrong, mistyped or belongs to another server). The server discarded the "
                    "attempt (progress is back to 0). Server said: %s" % (index, text))
            raise CitadelError("unsealing failed at keys[%d]: %s" % (index, text))

    def extra_result(self, current, target, changed):
        return {"keys_submitted": self.submitted}
