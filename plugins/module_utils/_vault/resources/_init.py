# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Initialising a server (``sys/init``) without ever handing out a plaintext key share or root token.

The server answers an initialisation once, with the unseal (or recovery) key shares and the initial root
token. Every one of those values leaves this module in one of two ways only: encrypted by the server to a PGP
public key (``pgp_keys``, ``root_token_pgp_key``), or written to ``keys_file`` (mode 0600, created exclusively
before the request is sent, so a write that could fail fails before the keys exist). Anything not covered by
one of them is refused before any request; there is no option to return plaintext.

State (compared and shown in diffs)::

    {"initialized", "seal_type", "recovery_seal", "shares", "threshold"}

``shares``/``threshold`` are the unseal key shares for a Shamir seal and the recovery key shares for an
auto-unseal seal.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re

from ansible.module_utils.common.warnings import warn

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._redact import scrub_text
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _sys

DEFAULT_SHARES, DEFAULT_THRESHOLD = 5, 3
MAX_SHARES = 255
_ARMOR_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
_ARMOR_END = "-----END PGP PUBLIC KEY BLOCK-----"
_PUBLIC_KEY_TAG, _SECRET_KEY_TAG = 6, 5


# -- PGP public keys ------------------------------------------------------------------------------
def _first_packet(data):
    """``(tag, body)`` of the first OpenPGP packet in ``data`` (RFC 4880/9580 packet framing)."""
    if not data or not data[0] & 0x80:
        raise ValueError("not an OpenPGP packet")
    head = data[0]
    if head & 0x40:  # new format
        tag = head & 0x3F
        first = data[1]
        if first < 192:
            length, start = first, 2
        elif first < 224:
            length, start = ((first - 192) << 8) + data[2] + 192, 3
        elif first == 255:
            length, start = int.from_bytes(data[2:6], "big"), 6
        else:
            raise ValueError("partial-length public key packet")
    else:
        tag = (head >> 2) & 0x0F
        size = {0: 1, 1: 2, 2: 4}.get(head & 0x03)
        if size is None:
            raise ValueError("indeterminate-length packet")
        length, start = int.from_bytes(data[1:1 + size], "big"), 1 + size
    body = data[start:start + length]
    if len(body) != length or not body:
        raise ValueError("truncated packet")
    return tag, body


def _fingerprint(body):
    version = body[0]
    if version == 4:
        return hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()
    if version in (5, 6):
        prefix = b"\x9a" if version == 5 else b"\x9b"
        return hashlib.sha256(prefix + len(body).to_bytes(4, "big") + body).hexdigest().upper()
    raise ValueError("public key packet version %d is not supported" % version)


def _dearmor(text):
    inside = text.split(_ARMOR_BEGIN, 1)[1].split(_ARMOR_END, 1)[0]
    lines = [line.strip() for line in inside.strip().splitlines()]
    if any(":" in line for line in lines):  # armor headers ("Comment: ...") end at the first blank line
        lines = lines[lines.index(""):] if "" in lines else lines
    return "".join(line for line in lines if line and not re.fullmatch(r"=[A-Za-z0-9+/]{4}", line))


def pgp_public_key(value, option):
    """A public key as the API wants it (base64 of the binary key) and its fingerprint.

    Accepts base64 of the binary key or an ASCII-armored key block. Never echoes the value in an error.
    """
    text = (value or "").strip()
    if not text:
        raise OptionError("%s: empty PGP public key" % option)
    if text.startswith("keybase:"):
        raise OptionError("%s: keybase: identities are resolved by the bao/vault command line only, not by the "
                          "HTTP API; export the public key and pass it base64-encoded or ASCII-armored" % option)
    if _ARMOR_BEGIN in text:
        text = _dearmor(text)
    elif "-----BEGIN PGP" in text:
        raise OptionError("%s: this is not a PGP public key block (a secret key must never be given here)" % option)
    compact = re.sub(r"\s+", "", text)
    try:
        data = base64.b64decode(compact, validate=True)
        tag, body = _first_packet(data)
    except (binascii.Error, ValueError, IndexError) as exc:
        raise OptionError("%s: not a PGP public key (base64 of the binary key, as `gpg --export KEYID | base64 -w0` "
                          "prints it, or an ASCII-armored block): %s" % (option, exc))
    if tag == _SECRET_KEY_TAG:
        raise OptionError("%s: this is a PGP SECRET key; pass the public key (gpg --export, not --export-secret-keys)"
                          % option)
    if tag != _PUBLIC_KEY_TAG:
        raise OptionError("%s: the data does not start with a PGP public key packet (packet type %d)" % (option, tag))
    try:
        fingerprint = _fingerprint(body)
    except ValueError as exc:
        raise OptionError("%s: %s" % (option, exc))
    return base64.b64encode(data).decode("ascii"), fingerprint


# -- the resource ---------------------------------------------------------------------------------
class InitResource(Resource):
    kind = "initialisation"
    result_key = "status"

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self.pgp_keys, self.fingerprints = [], []
        self.root_key = self.root_fingerprint = None
        self.returned = {}

    @property
    def name(self):
        return "server initialisation"

    def validate(self):
        p = self.params
        for option in ("secret_shares", "secret_threshold", "recovery_shares", "recovery_threshold"):
            value = p.get(option)
            if value is not None and not 0 <= value <= MAX_SHARES:
                raise OptionError("%s must be between 0 and %d, got %d" % (option, MAX_SHARES, value))
        if p.get("secret_shares") is not None or p.get("secret_threshold") is not None:
            if p.get("recovery_shares") is not None or p.get("recovery_threshold") is not None:
                raise OptionError("secret_shares/secret_threshold (Shamir seal) and recovery_shares/recovery_threshold "
                                  "(auto-unseal) cannot be combined: a server has one kind of key shares")
        for index, key in enumerate(p.get("pgp_keys") or []):
            encoded, fingerprint = pgp_public_key(key, "pgp_keys[%d]" % index)
            self.pgp_keys.append(encoded)
            self.fingerprints.append(fingerprint)
        if p.get("root_token_pgp_key"):
            self.root_key, self.root_fingerprint = pgp_public_key(p["root_token_pgp_key"], "root_token_pgp_key")
        path = p.get("keys_file")
        if path:
            if os.path.isdir(path):
                raise OptionError("keys_file %s is a directory" % path)
            parent = os.path.dirname(os.path.abspath(path))
            if not os.path.isdir(parent):
                raise OptionError("keys_file: the directory %s does not exist on the host running the module" % parent)
        elif not self.root_key or (not self.pgp_keys and not self._no_shares_asked()):
            missing = []
            if not self.pgp_keys and not self._no_shares_asked():
                missing.append("pgp_keys (one public key per key share)")
            if not self.root_key:
                missing.append("root_token_pgp_key")
            raise OptionError(
                "refusing to initialise: the key shares and the root token would be returned in plaintext. Give %s "
                "so the server encrypts them, or keys_file to have them written to a file with mode 0600 on the "
                "host running the module" % " and ".join(missing))

    def _no_shares_asked(self):
        """OpenBao >= 2.4 with auto-unseal can initialise without recovery keys (recovery_shares=0)."""
        return self.params.get("recovery_shares") == 0

    # -- read and plan ----------------------------------------------------------------------------
    def read(self):
        status = _sys.seal_status(self.client)
        return {"initialized": status["initialized"], "seal_type": status["seal_type"],
                "recovery_seal": status["recovery_seal"], "shares": status["shares"],
                "threshold": status["threshold"]}

    def _plan_shares(self, current):
        """``(kind, shares, threshold)`` for this server's seal; raise OptionError for the wrong kind."""
        p = self.params
        recovery = current["recovery_seal"]
        kind, other = ("recovery", "secret") if recovery else ("secret", "recovery")
        if p.get(other + "_shares") is not None or p.get(other + "_threshold") is not None:
            raise OptionError(
                "this server uses a %s seal, so it is initialised with %s_shares/%s_threshold, not %s_*"
                % (current["seal_type"], kind, kind, other))
        shares = p.get(kind + "_shares")
        threshold = p.get(kind + "_threshold")
        if shares is None:
            shares = len(self.pgp_keys) or DEFAULT_SHARES
        if threshold is None:
            threshold = min(DEFAULT_THRESHOLD, shares)
        if shares == 0 and not recovery:
            raise OptionError("secret_shares must be at least 1")
        if threshold > shares:
            raise OptionError("%s_threshold (%d) cannot exceed %s_shares (%d)" % (kind, threshold, kind, shares))
        if shares > 0 and threshold < 1:
            raise OptionError("%s_threshold must be at least 1" % kind)
        if shares > 1 and threshold < 2:
            raise OptionError("%s_threshold must be at least 2 when there is more than one share" % kind)
        if self.pgp_keys and len(self.pgp_keys) != shares:
            raise OptionError("pgp_keys has %d key(s) but %s_shares is %d: give one public key per share"
                              % (len(self.pgp_keys), kind, shares))
        if shares and not self.pgp_keys and not self.params.get("keys_file"):
            raise OptionError("refusing to initialise: the %s key shares would be returned in plaintext; give pgp_keys "
                              "or keys_file" % kind)
        return kind, shares, threshold

    def target(self, current, state):
        if current["initialized"]:
            self._warn_if_different(current)
            return current
        kind, shares, threshold = self._plan_shares(current)
        self._plan = (kind, shares, threshold)
        path = self.params.get("keys_file")
        if path and os.path.lexists(path):
            raise OptionError("keys_file %s already exists; refusing to overwrite it (it may hold the keys of another "
                              "server): move it away or choose another path" % path)
        return dict(current, initialized=True, shares=shares, threshold=threshold)

    def _warn_if_different(self, current):
        p = self.params
        kind = "recovery" if current["recovery_seal"] else "secret"
        asked = (p.get(kind + "_shares"), p.get(kind + "_threshold"))
        if (asked[0] is not None and asked[0] != current["shares"]) or \
                (asked[1] is not None and asked[1] != current["threshold"]):
            warn("the server is already initialised with %d %s key share(s) and a threshold of %d; vault_init does "
                 "not rekey (use the server's rekey operation for that)" % (current["shares"], kind, current["threshold"]))

    # -- apply ------------------------------------------------------------------------------------
    def apply(self, current, target):
        kind, shares, threshold = self._plan
        body = {"root_token_pgp_key": self.root_key} if self.root_key else {}
        if kind == "secret":
            body.update(secret_shares=shares, secret_threshold=threshold)
            if self.pgp_keys:
                body["pgp_keys"] = self.pgp_keys
        else:
            body.update(recovery_shares=shares, recovery_threshold=threshold)
            if self.pgp_keys:
                body["recovery_pgp_keys"] = self.pgp_keys
        handle = self._open_keys_file()
        try:
            with self.client.single_attempt():
                answer = self.client.write("sys/init", body, method="PUT")
        except CitadelError as exc:
            self._discard_keys_file(handle)
            if "already initialized" in exc.msg.lower():
                raise CitadelError("the server reports it is already initialised (another client initialised it "
                                   "between this module's read and its request): %s" % exc.msg)
            raise CitadelError("initialisation failed: %s. If the answer was lost in transit the server may be "
                               "initialised without anyone holding its keys: check sys/init before retrying" % exc.msg)
        self._deliver(answer or {}, kind, shares, threshold, handle)
        return target

    def _open_keys_file(self):
        path = self.params.get("keys_file")
        if not path:
            return None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CitadelError("keys_file %s cannot be created (nothing was sent to the server): %s"
                               % (path, exc.strerror))
        os.fchmod(fd, 0o600)  # whatever the umask
        return os.fdopen(fd, "w")

    def _discard_keys_file(self, handle):
        if handle is not None:
            handle.close()
            os.unlink(self.params["keys_file"])

    def _deliver(self, answer, kind, shares, threshold, handle):
        """Write keys_file and keep only encrypted values for the result."""
        secret_keys = (answer.get("keys_base64") or [], answer.get("keys") or [])
        recovery_keys = (answer.get("recovery_keys_base64") or [], answer.get("recovery_keys") or [])
        keys_b64 = recovery_keys[0] if kind == "recovery" else secret_keys[0]
        root_token = answer.get("root_token") or ""
        if handle is not None:
            document = {
                "unseal_keys_b64": secret_keys[0], "unseal_keys_hex": secret_keys[1],
                "unseal_shares": shares if kind == "secret" else 0,
                "unseal_threshold": threshold if kind == "secret" else 0,
                "recovery_keys_b64": recovery_keys[0], "recovery_keys_hex": recovery_keys[1],
                "recovery_keys_shares": shares if kind == "recovery" else 0,
                "recovery_keys_threshold": threshold if kind == "recovery" else 0,
                "root_token": root_token,
                "pgp_encrypted": {"keys": bool(self.pgp_keys), "root_token": bool(self.root_key)},
            }
            try:
                with handle:
                    json.dump(document, handle, indent=2)
                    handle.write("\n")
                    handle.flush()
                    os.fsync(handle.fileno())
            except OSError as exc:
                secrets = list(secret_keys[0]) + list(secret_keys[1]) + list(recovery_keys[0]) + \
                    list(recovery_keys[1]) + [root_token]
                raise CitadelError(
                    "the server WAS initialised but writing keys_file %s failed: %s. Keys that were not PGP-encrypted "
                    "are lost; wipe the server's storage and initialise again"
                    % (self.params["keys_file"], scrub_text(exc.strerror or str(exc), secrets)))
            self.returned["keys_file"] = self.params["keys_file"]
        if self.pgp_keys:
            self.returned["encrypted_keys"] = list(keys_b64)
            self.returned["pgp_fingerprints"] = list(self.fingerprints)
        if self.root_key:
            self.returned["encrypted_root_token"] = root_token
            self.returned["root_token_pgp_fingerprint"] = self.root_fingerprint

    def extra_result(self, current, target, changed):
        return dict(self.returned)
