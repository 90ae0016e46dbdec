# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings and the audit context every check family shares.

A finding is a plain dict::

    {"id": "approle.secret_id_ttl", "severity": "high", "check": "approle",
     "object": "auth/approle/role/ci", "message": "...", "fix": "...", "details": {"secret_id_ttl": 0}}

Messages and details are built from names, paths, TTLs and timestamps only: no check ever reads a secret
value (KV checks read metadata, token checks look accessors up, cloud checks list properties).
"""

from __future__ import annotations

import fnmatch
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError

SEVERITIES = ("critical", "high", "medium", "low", "info")
RANK = {name: index for index, name in enumerate(SEVERITIES)}

#: the finding reported when a check could not look at everything (permission denied, a bound reached)
INCOMPLETE = "posture.incomplete"


_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")


def parse_time(value):
    """An aware datetime from a Unix time or an RFC 3339 text (nanoseconds allowed); ``None`` if neither."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc) if value > 0 else None
    match = _TIME.match(str(value or "").strip())
    if not match:
        return None
    base, fraction, zone = match.groups()
    text = base + ("." + fraction[:6].ljust(6, "0") if fraction else "") + ("+00:00" if zone == "Z" else zone)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return None if parsed.year <= 1 else parsed


def format_time(when):
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


def finding(finding_id, severity, check, obj, message, fix, **details):
    if severity not in RANK:
        raise ValueError("unknown severity %r" % severity)
    return {"id": finding_id, "severity": severity, "check": check, "object": obj, "message": message,
            "fix": fix, "details": details}


def sort_key(item):
    return (RANK[item["severity"]], item["id"], item["object"], item["message"])


def summary(findings):
    counts = {name: 0 for name in SEVERITIES}
    for item in findings:
        counts[item["severity"]] += 1
    counts["total"] = len(findings)
    return counts


def ignored(item, rules):
    """Whether a finding matches one of the ``ignore`` rules (``id`` and ``object`` are shell-style globs)."""
    return any(fnmatch.fnmatchcase(item["id"], rule.get("id") or "*")
               and fnmatch.fnmatchcase(item["object"], rule.get("object") or "*") for rule in rules)


class Audit:
    """What the checks of one run share: the client, the options, the findings, a bounded thread pool."""

    def __init__(self, client, options):
        self.client = client
        self.options = options
        self.findings = []
        self.checked = {}
        self.workers = options["concurrency"]
        self.cache = {}
        self.flavour = None
        self.now = datetime.now(timezone.utc)

    def age(self, when):
        """Seconds from an aware datetime to the start of the run (never negative)."""
        return max(0, int((self.now - when).total_seconds()))

    def flavour_hint(self, plugin_version):
        """Built-in plugins report ``vX+builtin.bao`` on OpenBao and ``vX+builtin.vault`` on HashiCorp Vault."""
        text = str(plugin_version or "")
        if self.flavour is None and "+builtin." in text:
            self.flavour = "openbao" if text.endswith(".bao") else "vault" if text.endswith(".vault") else None

    def add(self, finding_id, severity, check, obj, message, fix, **details):
        self.findings.append(finding(finding_id, severity, check, obj, message, fix, **details))

    def count(self, what, number=1):
        self.checked[what] = self.checked.get(what, 0) + number

    def incomplete(self, check, obj, reason, fix):
        self.add(INCOMPLETE, "info", check, obj, reason, fix)

    def denied(self, check, exc, what):
        """Record a request the token may not make (HTTP 403) or the server does not serve; re-raise the rest."""
        status = (getattr(exc, "details", None) or {}).get("status")
        if status not in (400, 403, 404, 405):
            raise exc
        reason = "permission denied" if status == 403 else "not available on this server (HTTP %s)" % status
        self.incomplete(check, getattr(exc, "path", None) or (exc.details or {}).get("path") or what,
                        "%s was not checked: %s" % (what, reason),
                        "give the auditing token the policy in docs/posture_audit.md (read, list and sudo where "
                        "noted), or leave the check out with the checks option")

    def map(self, function, items):
        """``[(item, result, error)]`` for ``function(item)`` over ``items``, at most ``concurrency`` at a time.

        A ``CitadelError`` is returned per item (the caller decides); any other exception propagates.
        """
        items = list(items)

        def call(item):
            try:
                return item, function(item), None
            except CitadelError as exc:
                return item, None, exc

        if len(items) <= 1 or self.workers <= 1:
            return [call(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(self.workers, len(items))) as pool:
            return list(pool.map(call, items))
