# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transit encryption as a service: encrypt, decrypt and rewrap many values in batch requests.

The server speaks base64 for plaintexts and contexts; ``TransitOperation`` converts text (UTF-8) to and from it
so callers deal in strings, or passes base64 through for binary data. Values are never put into a message:
errors name the item by its position only, so a plaintext passed where a ciphertext was expected (or the other
way round) cannot leak through an error.

HashiCorp Vault answers a batch in which any item failed with HTTP 400 (500 for a server-side failure) and the
per-item ``batch_results`` in the body; OpenBao answers 200 and reports errors per item. Both are handled.
"""

from __future__ import annotations

import base64
import binascii
import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._mounts import normalise_path

OPERATIONS = ("encrypt", "decrypt", "rewrap")
ENCODINGS = ("text", "base64")
#: items per request; a batch this size stays far below the server's default 32 MiB request limit
BATCH_SIZE = 500
_CIPHERTEXT = re.compile(r"^vault:v(\d+):\S+$")


class KeyNotFound(CitadelError):
    """The named key does not exist on the mount."""


def b64(data):
    return base64.b64encode(data).decode("ascii")


def is_base64(text):
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return False
    return True


def ciphertext_version(ciphertext):
    """The key version of a transit ciphertext (``vault:v3:...`` -> 3), ``None`` if it is not one."""
    match = _CIPHERTEXT.match(ciphertext) if isinstance(ciphertext, str) else None
    return int(match.group(1)) if match else None


class TransitOperation:
    """One operation with one key: validate the options once, then ``run(client, values)``."""

    def __init__(self, operation, key, mount="transit", context=None, key_version=None, plaintext_encoding="text"):
        if operation not in OPERATIONS:
            raise OptionError("operation must be one of %s, got %r" % (", ".join(OPERATIONS), operation))
        if not key or not isinstance(key, str) or "/" in key:
            raise OptionError("key must name a transit key (no '/'), got %r" % (key,))
        self.mount = normalise_path(mount or "transit")
        if not self.mount:
            raise OptionError("mount cannot be empty")
        if plaintext_encoding not in ENCODINGS:
            raise OptionError("plaintext_encoding must be one of %s, got %r"
                              % (", ".join(ENCODINGS), plaintext_encoding))
        if key_version is not None:
            if operation == "decrypt":
                raise OptionError("key_version applies to encrypt and rewrap; decrypt uses the version recorded in "
                                  "each ciphertext")
            if isinstance(key_version, bool) or not isinstance(key_version, int) or key_version < 1:
                raise OptionError("key_version must be a positive integer")
        if context is not None and not isinstance(context, str):
            raise OptionError("context must be a string (it is base64-encoded for the server)")
        self.operation, self.key, self.key_version = operation, key, key_version
        self.encoding = plaintext_encoding
        self.context = b64(context.encode("utf-8")) if context else None

    @property
    def path(self):
        return "%s/%s/%s" % (self.mount, self.operation, self.key)

    # -- input -----------------------------------------------------------------------------------
    def item(self, index, value):
        """The batch item for one value; raises with the item's position, never its content."""
        position = "item %d" % (index + 1)
        if self.operation == "encrypt":
            if not isinstance(value, str):
                raise OptionError("%s: encrypt takes strings, got %s" % (position, type(value).__name__))
            if self.encoding == "base64":
                if not is_base64(value):
                    raise OptionError("%s is not valid base64 (plaintext_encoding=base64)" % position)
                item = {"plaintext": value}
            else:
                item = {"plaintext": b64(value.encode("utf-8"))}
        else:
            if ciphertext_version(value) is None:
                raise OptionError("%s is not a transit ciphertext (expected vault:v<version>:<base64>)" % position)
            item = {"ciphertext": value.strip()}
        if self.context:
            item["context"] = self.context
        if self.key_version is not None:
            item["key_version"] = self.key_version
        return item

    # -- output ----------------------------------------------------------------------------------
    def output(self, index, result):
        if self.operation != "decrypt":
            return result.get("ciphertext")
        plaintext = result.get("plaintext") or ""
        if self.encoding == "base64":
            return plaintext
        try:
            return base64.b64decode(plaintext).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise CitadelError("item %d decrypts to binary data that is not UTF-8 text; use plaintext_encoding=base64 "
                               "to get it base64-encoded" % (index + 1))

    # -- the requests ----------------------------------------------------------------------------
    def check_key(self, client):
        """Fail early (and never create a key) when it does not exist. Encrypting to a missing key would
        create it when the token may; a token that may not read the key's settings skips this check."""
        try:
            client.request("GET", "%s/keys/%s" % (self.mount, self.key))
        except VaultApiError as exc:
            if exc.status == 403:
                return
            if exc.status != 404:
                raise
            if any("no handler for route" in e for e in exc.errors):
                raise CitadelError("no secrets engine is mounted at %r" % self.mount, status=404, path=exc.path)
            raise KeyNotFound("transit key %r does not exist on mount %r (this lookup never creates keys; create it "
                              "with citadel.secrets.vault_transit_key)" % (self.key, self.mount), path=exc.path)

    def run(self, client, values):
        items = [self.item(index, value) for index, value in enumerate(values)]
        if not items:
            return []
        self.check_key(client)
        results = []
        for start in range(0, len(items), BATCH_SIZE):
            results.extend(self._batch(client, items[start:start + BATCH_SIZE], start))
        return results

    def _batch(self, client, items, offset):
        body = {"batch_input": items}
        if self.key_version is not None:
            body["key_version"] = self.key_version
        try:
            answer = client.write(self.path, body)
            data = (answer or {}).get("data") or {}
        except VaultApiError as exc:
            data = exc.data or {}
            if not data.get("batch_results"):
                raise CitadelError("%s with key %r failed: %s" % (self.operation, self.key, exc.msg),
                                   status=exc.status, path=exc.path)
        found = data.get("batch_results") or []
        if len(found) != len(items):
            raise CitadelError("%s with key %r: the server returned %d results for %d items"
                               % (self.operation, self.key, len(found), len(items)), path=self.path)
        failed = [(offset + index, result["error"]) for index, result in enumerate(found) if result.get("error")]
        if failed:
            first_index, first_error = failed[0]
            raise CitadelError("%s with key %r failed for %d of %d items (first: item %d: %s)"
                               % (self.operation, self.key, len(failed), len(items), first_index + 1, first_error),
                               path=self.path)
        return [self.output(offset + index, result) for index, result in enumerate(found)]
