# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``token_*`` fields every login role shares (AppRole, JWT/OIDC, Kubernetes, userpass, cert, ...).

Vault and OpenBao store them the same way for every auth method (``tokenutil`` on the server), so one
definition serves every role resource:

- ``ARGSPEC``: the module options, merged into a role module's argument spec (``doc_fragments/vault_token_fields``
  documents them);
- ``desired(params)``: the fields the user set, validated and normalised (raises ``OptionError``);
- ``normalise(data)``: the same fields from a server read, normalised identically (absent means the default);
- ``body(state)``: the request body for a write.

Normalisation, so that a no-op compares equal: TTLs in whole seconds (``"15m"`` is ``900``; ``0`` means
"the mount's default"); ``token_policies`` and ``token_bound_cidrs`` as sorted, de-duplicated lists;
a CIDR of one address (``/32``, ``/128``) written as the bare address, which is how the server reports it;
``token_type`` ``default`` when unset.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError

#: accepted by roles (``default-service``/``default-batch`` exist only on mounts, see ``_mounts.TOKEN_TYPES``)
TOKEN_TYPES = ("default", "service", "batch")
TTL_KEYS = ("token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period")

# no_log=False: settings of issued tokens, not credentials (their names only look like secrets)
ARGSPEC = dict(
    token_policies=dict(type="list", elements="str", no_log=False),
    token_ttl=dict(type="raw", no_log=False),
    token_max_ttl=dict(type="raw", no_log=False),
    token_explicit_max_ttl=dict(type="raw", no_log=False),
    token_period=dict(type="raw"),
    token_num_uses=dict(type="int", no_log=False),
    token_bound_cidrs=dict(type="list", elements="str", no_log=False),
    token_no_default_policy=dict(type="bool"),
    token_type=dict(type="str", choices=list(TOKEN_TYPES)),
)
KEYS = tuple(ARGSPEC)

#: what the server reports for a role that never set the field
DEFAULTS = {
    "token_policies": [], "token_ttl": 0, "token_max_ttl": 0, "token_explicit_max_ttl": 0, "token_period": 0,
    "token_num_uses": 0, "token_bound_cidrs": [], "token_no_default_policy": False, "token_type": "default",
}


def policies(values):
    """Sorted, de-duplicated policy names, blanks dropped (the server trims them; case is kept)."""
    return sorted({str(v).strip() for v in values or () if str(v).strip()})


def cidr(value, option="token_bound_cidrs"):
    """One CIDR or address as the server reports it: ``10.0.0.1/32`` is ``10.0.0.1``; host bits are kept."""
    text = str(value).strip()
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        raise OptionError("%s: %r is not an IP address or CIDR block" % (option, value))
    if iface.network.prefixlen == iface.max_prefixlen:
        return str(iface.ip)
    return "%s/%d" % (iface.ip, iface.network.prefixlen)


def cidrs(values, option="token_bound_cidrs"):
    return sorted({cidr(v, option) for v in values or ()})


def normalise(data):
    """The token fields of a server read (``data`` of ``GET .../role/<name>``), absent ones at their default."""
    data = data or {}
    state = {}
    for key in TTL_KEYS:
        state[key] = to_seconds(data.get(key) or 0, key)
    state["token_policies"] = policies(data.get("token_policies"))
    state["token_bound_cidrs"] = sorted({cidr(v) for v in data.get("token_bound_cidrs") or ()})
    state["token_num_uses"] = int(data.get("token_num_uses") or 0)
    state["token_no_default_policy"] = bool(data.get("token_no_default_policy"))
    state["token_type"] = data.get("token_type") or "default"
    return state


def desired(params):
    """The token fields the user set, normalised; raises ``OptionError`` before any request."""
    state = {}
    for key in TTL_KEYS:
        if params.get(key) is not None:
            state[key] = to_seconds(params[key], key)
    if params.get("token_policies") is not None:
        state["token_policies"] = policies(params["token_policies"])
    if params.get("token_bound_cidrs") is not None:
        state["token_bound_cidrs"] = cidrs(params["token_bound_cidrs"])
    if params.get("token_num_uses") is not None:
        if params["token_num_uses"] < 0:
            raise OptionError("token_num_uses cannot be negative (0 means unlimited)")
        state["token_num_uses"] = params["token_num_uses"]
    if params.get("token_no_default_policy") is not None:
        state["token_no_default_policy"] = bool(params["token_no_default_policy"])
    if params.get("token_type") is not None:
        if params["token_type"] not in TOKEN_TYPES:
            raise OptionError("token_type must be one of %s, got %r" % (", ".join(TOKEN_TYPES), params["token_type"]))
        state["token_type"] = params["token_type"]
    ttl, max_ttl = state.get("token_ttl"), state.get("token_max_ttl")
    if ttl and max_ttl and ttl > max_ttl:
        raise OptionError("token_ttl (%ds) cannot be greater than token_max_ttl (%ds)" % (ttl, max_ttl))
    return state


def check_against(state):
    """Checks that need the merged (current + desired) state: the server refuses ttl > max_ttl."""
    ttl, max_ttl = state.get("token_ttl"), state.get("token_max_ttl")
    if ttl and max_ttl and ttl > max_ttl:
        raise OptionError("token_ttl (%ds) would be greater than token_max_ttl (%ds) stored on the server; "
                          "set token_max_ttl too" % (ttl, max_ttl))


def body(state):
    """Request body for the token fields present in ``state`` (TTLs as seconds, which the server accepts)."""
    return {key: state[key] for key in KEYS if key in state}
