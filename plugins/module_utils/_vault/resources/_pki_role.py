# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PKI roles at ``<mount>/roles/<name>``: what certificates a mount may issue, and how.

The server replaces a whole role on every write (a field left out goes back to its default), so an update
sends the role as read with the changed fields replaced. Only the options a task sets are compared, after
normalising both sides the way the server does: TTLs in seconds, domain and usage lists as sorted sets, key
usages case-insensitively, and ``key_bits`` given by ``key_type`` when the task sets only the type (the server
stores 2048 for rsa, 256 for ec, 0 for ed25519 and any).
"""

from __future__ import annotations

import copy

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _pki
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError

TTL, BOOL, INT, STR, SET, LIST, USAGE = "ttl", "bool", "int", "str", "set", "list", "usage"

#: every role option and how it is normalised
FIELDS = {
    "ttl": TTL, "max_ttl": TTL, "not_before_duration": TTL,
    "allowed_domains": SET, "allowed_domains_template": BOOL, "allow_localhost": BOOL,
    "allow_bare_domains": BOOL, "allow_subdomains": BOOL, "allow_glob_domains": BOOL,
    "allow_wildcard_certificates": BOOL, "allow_any_name": BOOL, "enforce_hostnames": BOOL,
    "allow_ip_sans": BOOL, "allowed_uri_sans": SET, "allowed_uri_sans_template": BOOL, "allowed_other_sans": SET,
    "server_flag": BOOL, "client_flag": BOOL, "code_signing_flag": BOOL, "email_protection_flag": BOOL,
    "key_type": STR, "key_bits": INT, "signature_bits": INT, "use_pss": BOOL,
    "key_usage": USAGE, "ext_key_usage": USAGE, "ext_key_usage_oids": SET,
    "use_csr_common_name": BOOL, "use_csr_sans": BOOL,
    "organization": LIST, "ou": LIST, "country": LIST, "locality": LIST, "province": LIST,
    "street_address": LIST, "postal_code": LIST,
    "generate_lease": BOOL, "no_store": BOOL, "require_cn": BOOL, "cn_validations": SET,
    "basic_constraints_valid_for_non_ca": BOOL, "issuer_ref": STR, "policy_identifiers": SET,
}
#: returned by some servers but refused (or ignored with a warning) when written back
NOT_WRITABLE = ("allow_token_displayname",)

KEY_USAGES = ("digitalsignature", "contentcommitment", "keyencipherment", "dataencipherment", "keyagreement",
              "certsign", "crlsign", "encipheronly", "decipheronly")
EXT_KEY_USAGES = ("any", "serverauth", "clientauth", "codesigning", "emailprotection", "ipsecendsystem",
                  "ipsectunnel", "ipsecuser", "timestamping", "ocspsigning", "microsoftservergatedcrypto",
                  "netscapeservergatedcrypto", "microsoftcommercialcodesigning", "microsoftkernelcodesigning")
CN_VALIDATIONS = ("email", "hostname", "disabled")


def normalise_value(kind, value, option):
    if kind == TTL:
        return to_seconds(value if value not in (None, "") else 0, option)
    if kind == BOOL:
        return bool(value)
    if kind == INT:
        return int(value or 0)
    if kind == STR:
        return "" if value is None else str(value)
    if isinstance(value, str):  # the server may hold a comma-separated string
        value = [v for v in value.split(",") if v.strip()]
    items = [str(v).strip() for v in value or []]
    if kind == USAGE:
        return sorted({v.lower() for v in items})
    if kind == SET:
        return sorted(set(items))
    return items


def normalise_role(data):
    """The server's role as compared state: every known field, normalised."""
    return {key: normalise_value(kind, data.get(key), key) for key, kind in FIELDS.items()}


class PkiRoleResource(Resource):
    kind = "PKI role"
    result_key = "role"
    #: options of citadel.secrets.vault_pki_role (and of a ``pki_roles`` entry of citadel.secrets.vault_config)
    argspec = dict(
        mount=dict(type="str", default="pki"),
        name=dict(type="str", required=True),
        issuer_ref=dict(type="str"),
        ttl=dict(type="raw"),
        max_ttl=dict(type="raw"),
        not_before_duration=dict(type="raw"),
        allowed_domains=dict(type="list", elements="str"),
        allowed_domains_template=dict(type="bool"),
        allow_bare_domains=dict(type="bool"),
        allow_subdomains=dict(type="bool"),
        allow_glob_domains=dict(type="bool"),
        allow_wildcard_certificates=dict(type="bool"),
        allow_any_name=dict(type="bool"),
        allow_localhost=dict(type="bool"),
        enforce_hostnames=dict(type="bool"),
        allow_ip_sans=dict(type="bool"),
        allowed_uri_sans=dict(type="list", elements="str"),
        allowed_uri_sans_template=dict(type="bool"),
        allowed_other_sans=dict(type="list", elements="str"),
        server_flag=dict(type="bool"),
        client_flag=dict(type="bool"),
        code_signing_flag=dict(type="bool"),
        email_protection_flag=dict(type="bool"),
        key_type=dict(type="str", choices=["rsa", "ec", "ed25519", "any"], no_log=False),
        key_bits=dict(type="int", no_log=False),
        signature_bits=dict(type="int"),
        use_pss=dict(type="bool"),
        key_usage=dict(type="list", elements="str", no_log=False),
        ext_key_usage=dict(type="list", elements="str", no_log=False),
        ext_key_usage_oids=dict(type="list", elements="str", no_log=False),
        use_csr_common_name=dict(type="bool"),
        use_csr_sans=dict(type="bool"),
        organization=dict(type="list", elements="str"),
        ou=dict(type="list", elements="str"),
        country=dict(type="list", elements="str"),
        locality=dict(type="list", elements="str"),
        province=dict(type="list", elements="str"),
        street_address=dict(type="list", elements="str"),
        postal_code=dict(type="list", elements="str"),
        generate_lease=dict(type="bool"),
        no_store=dict(type="bool"),
        require_cn=dict(type="bool"),
        cn_validations=dict(type="list", elements="str"),
        basic_constraints_valid_for_non_ca=dict(type="bool"),
        policy_identifiers=dict(type="list", elements="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = {}

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._raw = None

    @property
    def name(self):
        return "PKI role %r in mount %r" % (self.params.get("name"), (self.params.get("mount") or "").strip("/"))

    @property
    def path(self):
        return "%s/roles/%s" % (self.mount, self.params["name"])

    def validate(self):
        p = self.params
        self.mount = (p.get("mount") or "").strip().strip("/")
        if not self.mount:
            raise OptionError("mount cannot be empty")
        if not (p.get("name") or "").strip() or "/" in p["name"]:
            raise OptionError("name must be a role name without '/'")
        self._desired = {}
        for key, kind in FIELDS.items():
            if p.get(key) is not None:
                self._desired[key] = normalise_value(kind, p[key], key)
        d = self._desired
        if d.get("key_type") and "key_bits" not in d:
            d["key_bits"] = _pki.DEFAULT_KEY_BITS[d["key_type"]]
        if "key_bits" in d:
            if d.get("key_type"):
                _pki.check_key_bits(d["key_type"], d["key_bits"])
            elif d["key_bits"] not in set(b for bits in _pki.KEY_BITS.values() for b in bits):
                raise OptionError("key_bits=%d is not a key size the server knows" % d["key_bits"])
        if d.get("signature_bits") not in (None, 0, 256, 384, 512):
            raise OptionError("signature_bits must be 0 (automatic), 256, 384 or 512")
        for key, allowed in (("key_usage", KEY_USAGES), ("ext_key_usage", EXT_KEY_USAGES),
                             ("cn_validations", CN_VALIDATIONS)):
            unknown = sorted(set(d.get(key) or ()) - set(allowed))
            if unknown:
                raise OptionError("%s: unknown value(s) %s" % (key, ", ".join(unknown)))
        if d.get("ttl") and d.get("max_ttl") and d["ttl"] > d["max_ttl"]:
            raise OptionError("ttl (%ds) cannot be longer than max_ttl (%ds)" % (d["ttl"], d["max_ttl"]))
        if p.get("state") == "absent":
            self._desired = {}

    def read(self):
        try:
            body = self.client.read(self.path)
        except VaultApiError as exc:
            _pki.check_pki_mount(exc, self.mount)
        if body is None:
            _pki.check_pki_engine(self.client, self.mount)  # before a create that another engine would accept
            self._raw = None
            return None
        self._raw = dict(body.get("data") or {})
        return normalise_role(self._raw)

    def desired(self):
        return copy.deepcopy(self._desired)

    def target(self, current, state):
        target = super().target(current, state)
        if target is not None and current is not None:
            # the cap that the server enforces on the result, not only on what the task sets
            if target.get("ttl") and target.get("max_ttl") and target["ttl"] > target["max_ttl"]:
                raise OptionError("ttl (%ds) would be longer than max_ttl (%ds) of the role"
                                  % (target["ttl"], target["max_ttl"]))
            if target.get("key_type") and "key_bits" not in self._desired:
                _pki.check_key_bits(target["key_type"], target.get("key_bits"))
        return target

    def _body(self, values):
        body = dict(values)
        for key in values:
            if FIELDS.get(key) in (USAGE, SET, LIST) and self.params.get(key) is not None:
                body[key] = list(self.params[key])  # the user's spelling and order (the server keeps them)
        return body

    def create(self, target):
        self.client.write(self.path, self._body(self._desired))
        return self.read()

    def update(self, current, target, delta):
        body = {k: v for k, v in (self._raw or {}).items() if k not in NOT_WRITABLE and v is not None}
        body.update(self._body(self._desired))
        self.client.write(self.path, body)
        return self.read()

    def delete(self, current):
        self.client.delete(self.path)


def read_role_issuer(client, mount, role):
    """``issuer_ref`` of a role; ``None`` when the token may not read roles (then the mount's default is
    assumed), ``False`` when the role does not exist."""
    try:
        body = client.read("%s/roles/%s" % (mount, role))
    except VaultApiError as exc:
        if exc.status == 403:
            return None
        _pki.check_pki_mount(exc, mount)
    if body is None:
        return False
    return ((body.get("data") or {}).get("issuer_ref")) or "default"
