# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server-wide checks: audit devices, root tokens, listeners without TLS.

- ``audit``: ``GET sys/audit`` (sudo); no device at all is critical (nothing records who read which secret).
- ``tokens``: ``LIST auth/token/accessors`` (sudo), then ``auth/token/lookup-accessor`` for each, at most
  ``max_items`` of them and ``concurrency`` at a time. Only the count and non-secret facts (display name, creation
  path and time) are reported, never a token or an accessor.
- ``listeners``: ``GET sys/config/state/sanitized`` lists the listener stanzas of the server configuration; a
  ``tcp`` listener with ``tls_disable`` is flagged (high, or low when it listens on loopback only). The options are
  reported as parsed, so ``tls_disable`` may be a boolean, a number or a string (OpenBao's own documentation shows
  ``1``, a 2.7 dev server reports ``true``).
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timezone

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError

TRUE_STRINGS = ("1", "t", "true", "yes", "y", "on")


def check_audit(audit):
    try:
        body = audit.client.read("sys/audit")
    except CitadelError as exc:
        audit.denied("audit", exc, "the audit device list (sys/audit, needs sudo)")
        return
    data = (body or {}).get("data")
    if data is None:
        data = {k: v for k, v in (body or {}).items() if isinstance(v, dict) and "type" in v}
    devices = sorted(path.strip("/") for path in data)
    audit.count("audit devices", len(devices))
    if not devices:
        audit.add("audit.disabled", "critical", "audit", "sys/audit",
                  "no audit device is enabled: requests, including who read which secret, are not recorded",
                  "enable at least one audit device (two on separate sinks in production): with "
                  "citadel.secrets.vault_audit_device, or an audit stanza in the server configuration "
                  "(OpenBao 2.4 and later)")


def check_root_tokens(audit):
    client, limit = audit.client, audit.options["max_items"]
    try:
        accessors = client.list("auth/token/accessors")
    except CitadelError as exc:
        audit.denied("tokens", exc, "the token accessor list (auth/token/accessors, needs sudo)")
        return
    if len(accessors) > limit:
        audit.incomplete("tokens", "auth/token/accessors",
                         "only %d of %d tokens were looked up (max_items)" % (limit, len(accessors)),
                         "raise max_items to look every token up")
        accessors = accessors[:limit]
    own = audit.cache.get("self_accessor")

    def lookup(accessor):
        body = client.write("auth/token/lookup-accessor", {"accessor": accessor})
        return (body or {}).get("data") or {}

    roots, failed = [], 0
    for accessor, data, error in audit.map(lookup, accessors):
        if error is not None:
            failed += 1  # expired between the list and the lookup, or not allowed
            continue
        if "root" in (data.get("policies") or []):
            roots.append({"display_name": data.get("display_name") or "",
                          "path": data.get("path") or "",
                          "created": _time(data.get("creation_time")),
                          "expires": data.get("expire_time") or "never",
                          "current": accessor == own})
    audit.count("tokens", len(accessors) - failed)
    if failed:
        audit.incomplete("tokens", "auth/token/lookup-accessor",
                         "%d token(s) could not be looked up (expired meanwhile, or permission denied)" % failed,
                         "allow update on auth/token/lookup-accessor for the auditing token")
    if roots:
        never = sum(1 for token in roots if token["expires"] == "never")
        mine = any(token["current"] for token in roots)
        audit.add("tokens.root", "high", "tokens", "auth/token (root tokens)",
                  "%s with the root policy exist%s%s%s" % (
                      "1 token" if len(roots) == 1 else "%d tokens" % len(roots), "s" if len(roots) == 1 else "",
                      (", and it never expires" if len(roots) == 1 else ", %d of them never expire" % never)
                      if never else "",
                      "" if not mine else " (it is the token this audit runs with)" if len(roots) == 1
                      else " (one is the token this audit runs with)"),
                  "revoke root tokens once the initial setup is done (bao token revoke -accessor ACCESSOR, listing "
                  "them with bao list auth/token/accessors); generate one with operator generate-root only when "
                  "needed, and use policies with the least privilege for everything else",
                  count=len(roots), tokens=[dict(token) for token in roots])


def _time(value):
    if isinstance(value, (int, float)) and value > 0:
        return datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value or "")


def is_true(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return str(value or "").strip().lower() in TRUE_STRINGS


def is_loopback(address):
    host = (address or "").strip()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listener_findings(listeners):
    """``[(severity, object, message, details)]`` for the ``listeners`` of a sanitized configuration."""
    results = []
    for index, listener in enumerate(listeners or []):
        if not isinstance(listener, dict):
            continue
        kind = listener.get("type") or "tcp"
        config = listener.get("config") or {}
        if kind != "tcp" or not is_true(config.get("tls_disable")):
            continue
        address = str(config.get("address") or "0.0.0.0:8200")
        loopback = is_loopback(address)
        results.append(("low" if loopback else "high", "listener %d (tcp %s)" % (index, address),
                        "the tcp listener on %s serves plain HTTP (tls_disable)%s" % (
                            address, ": tokens and secrets cross the network unencrypted" if not loopback
                            else "; it listens on loopback only"),
                        {"address": address, "loopback": loopback}))
    return results


def check_listeners(audit):
    try:
        body = audit.client.read("sys/config/state/sanitized")
    except CitadelError as exc:
        audit.denied("listeners", exc, "the server configuration (sys/config/state/sanitized)")
        return
    if body is None:
        audit.incomplete("listeners", "sys/config/state/sanitized",
                         "the server does not serve its sanitized configuration; listeners were not checked",
                         "check the listener stanzas of the server configuration by hand")
        return
    data = body.get("data") or {}
    listeners = data.get("listeners") or []
    audit.count("listeners", len(listeners))
    for sev, obj, message, details in listener_findings(listeners):
        audit.add("listener.tls_disabled", sev, "listeners", obj, message,
                  "serve TLS on every listener: set tls_cert_file and tls_key_file and remove tls_disable "
                  "(terminating TLS on a proxy in front still leaves the hop behind it in clear)", **details)
