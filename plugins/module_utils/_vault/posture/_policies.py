# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ACL policy analysis: a rough parser for policy text (HCL or JSON) and the rules that flag risky grants.

The parser reads what matters for posture and nothing else: each ``path "<glob>" { ... }`` stanza and its
``capabilities`` (or the legacy ``policy = "read|write|sudo|deny"``). Parameter constraints, ``min_wrapping_ttl``
and the like are ignored. The server's parser has the final word on syntax; a stanza this parser cannot
read is skipped.

Rules (a stanza with ``deny`` grants nothing and is never flagged):

- ``policy.sudo``: ``sudo`` anywhere: critical on a broad path, high with write capabilities, else medium
  (read-only sudo is what an auditor needs on ``auth/token/accessors`` and ``sys/config/state/sanitized``).
- ``policy.broad_path``: a glob that names fewer than two path segments literally (``*``, ``sys/*``,
  ``secret/*``, ``secret/+/*``): high with write capabilities (``sudo`` included), medium with read/list only.
  ``cubbyhole/`` is per token and never broad.
- ``policy.privileged_path``: write capabilities on an endpoint that lets a token widen its own rights or
  blind the audit trail (ACL policies, auth methods, mounts, audit devices, raw storage, root generation).
"""

from __future__ import annotations

import json
import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._policy import normalise

WRITE_CAPABILITIES = frozenset(("create", "update", "delete", "patch", "sudo"))
LEGACY = {"deny": ["deny"], "read": ["read", "list"], "write": ["create", "read", "update", "delete", "list"],
          "sudo": ["create", "read", "update", "delete", "list", "sudo"]}
#: per-token storage: a glob over it is not broad
PER_TOKEN = ("cubbyhole/",)

#: (example path the stanza is tested against, what write access to it allows)
PRIVILEGED = (
    ("sys/policies/acl/x", "write ACL policies, and so grant any token anything"),
    ("sys/policy/x", "write ACL policies, and so grant any token anything"),
    ("sys/auth/x", "enable, tune and disable auth methods"),
    ("sys/mounts/x", "enable, tune and disable secrets engines"),
    ("sys/audit/x", "disable audit devices, blinding the audit trail"),
    ("sys/raw/x", "read and write the raw storage, bypassing every policy"),
    ("sys/generate-root/attempt", "generate a new root token"),
    ("auth/token/create-orphan", "create orphan tokens that outlive their creator"),
)

_PATH = re.compile(r'\bpath\s*"((?:[^"\\]|\\.)*)"\s*=?\s*\{')
_CAPS = re.compile(r'\bcapabilities\s*=\s*\[([^\]]*)\]', re.S)
_LEGACY = re.compile(r'\bpolicy\s*=\s*"(\w+)"')
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def strip_comments(text):
    """The text with ``#``, ``//`` and ``/* */`` comments blanked (strings are kept intact)."""
    out, index, in_string = [], 0, False
    while index < len(text):
        char = text[index]
        if in_string:
            out.append(char)
            if char == "\\" and index + 1 < len(text):
                out.append(text[index + 1])
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif char == "#" or text.startswith("//", index):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = len(text) if end < 0 else end + 2
            out.append(" ")
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _block_end(text, start):
    """Index just after the ``}`` closing the ``{`` at ``start - 1`` (strings skipped); ``len(text)`` if none."""
    depth, index, in_string = 1, start, False
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(text)


def _capabilities(body):
    caps = set()
    for match in _CAPS.finditer(body):
        caps.update(value.strip().lower() for value in _STRING.findall(match.group(1)))
    legacy = _LEGACY.search(body)
    if legacy:
        caps.update(LEGACY.get(legacy.group(1).lower(), []))
    return caps


def parse(text):
    """``[(path, capabilities)]`` in document order, from HCL or JSON policy text."""
    text = normalise(text or "")
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            return _parse_json(json.loads(stripped))
        except ValueError:
            pass
    text = strip_comments(text)
    stanzas = []
    for match in _PATH.finditer(text):
        body = text[match.end():_block_end(text, match.end())]
        stanzas.append((match.group(1), _capabilities(body)))
    return stanzas


def _parse_json(document):
    stanzas = []
    paths = document.get("path") if isinstance(document, dict) else None
    blocks = paths if isinstance(paths, list) else [paths]
    for block in blocks:
        if not isinstance(block, dict):
            continue
        for path, body in block.items():
            bodies = body if isinstance(body, list) else [body]
            caps = set()
            for item in bodies:
                if not isinstance(item, dict):
                    continue
                values = item.get("capabilities") or []
                caps.update(str(v).strip().lower() for v in (values if isinstance(values, list) else [values]))
                if item.get("policy"):
                    caps.update(LEGACY.get(str(item["policy"]).lower(), []))
            stanzas.append((path, caps))
    return stanzas


def glob_regex(path):
    """A regex matching the request paths a policy path covers (``+`` one segment, a trailing ``*`` anything)."""
    pattern = []
    for index, char in enumerate(path):
        if char == "*" and index == len(path) - 1:
            pattern.append(".*")
        elif char == "+":
            pattern.append("[^/]+")
        else:
            pattern.append(re.escape(char))
    return re.compile("".join(pattern) + r"\Z")


def is_broad(path):
    """A glob that names fewer than two path segments literally (``*``, ``sys/*``, ``secret/+/*``)."""
    if "*" not in path and "+" not in path:
        return False
    if path.startswith(PER_TOKEN):
        return False
    literal = [part for part in path.split("/") if part and "*" not in part and "+" not in part]
    return len(literal) < 2


def analyse(name, text):
    """``[(finding id, severity, path, message, fix)]`` for one policy."""
    results = []
    for path, caps in parse(text):
        if not caps or "deny" in caps:
            continue
        writes = sorted(caps & WRITE_CAPABILITIES)
        shown = "[%s]" % ", ".join(sorted(caps))
        broad = is_broad(path)
        if "sudo" in caps:
            sev = "critical" if broad else "high" if set(writes) - {"sudo"} else "medium"
            results.append(("policy.sudo", sev, path,
                            'policy %r grants sudo on path "%s" (capabilities %s)' % (name, path, shown),
                            "remove sudo unless the path is a root-protected endpoint the holder must call, and "
                            "narrow the path to that endpoint"))
        if broad:
            results.append(("policy.broad_path", "high" if writes else "medium", path,
                            'policy %r grants %s on the broad path "%s"' % (name, shown, path),
                            "replace the glob with the specific paths the holder needs (at least mount and "
                            "sub-path, for example secret/data/app/*)"))
            continue
        if not writes:
            continue
        matcher = glob_regex(path)
        for probe, allows in PRIVILEGED:
            if matcher.match(probe):
                results.append(("policy.privileged_path", "high", path,
                                'policy %r grants %s on "%s", which lets its holder %s'
                                % (name, shown, path, allows),
                                "keep write access to this endpoint for break-glass or automation policies only "
                                "and grant it to no application"))
                break
    return results


def check(audit):
    """Every ACL policy the token can list (``root`` has no text and is skipped)."""
    try:
        names = [name for name in audit.client.list("sys/policies/acl") if name != "root"]
    except CitadelError as exc:
        audit.denied("policies", exc, "the ACL policy list (sys/policies/acl)")
        return
    for name, body, error in audit.map(lambda n: audit.client.read("sys/policies/acl/%s" % n), sorted(names)):
        obj = "sys/policies/acl/%s" % name
        if error is not None:
            audit.denied("policies", error, "policy %s" % obj)
            continue
        if body is None:
            continue
        audit.count("policies")
        text = ((body.get("data") or body).get("policy")) or ""
        for finding_id, sev, path, message, fix in analyse(name, text):
            audit.add(finding_id, sev, "policies", obj, message, fix, path=path)
