# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A certificate authority in a PKI mount: one issuer (with its key) plus the mount's AIA URLs.

Uses the multi-issuer API that both HashiCorp Vault (1.11 and later) and OpenBao serve:
``<mount>/issuers/generate/root/<internal|exported|existing>`` for a root,
``<mount>/issuers/generate/intermediate/<...>`` + ``<signing mount>/root/sign-intermediate`` +
``<mount>/intermediate/set-signed`` for an intermediate, ``<mount>/issuer/<id>`` for its settings,
``<mount>/config/issuers`` for the default issuer and ``<mount>/config/urls`` for the AIA URLs.

Identity: the issuer named ``issuer_name``; failing that (or without ``issuer_name``), the one issuer that
holds a key, has no name (or the asked one) and whose certificate has subject CN ``common_name`` and is
self-signed for a root, not self-signed for an intermediate. A key named ``issuer_name`` without an issuer is
an intermediate waiting for its signed certificate (a run that stopped after the CSR): it is reused.

State (compared, shown in diffs, returned under ``issuer``)::

    {"issuer": {"issuer_id", "issuer_name", "key_id", "type", "common_name", "signed_by", "key_type",
                "key_bits", "serial_number", "not_after", "leaf_not_after_behavior", "default"} or None,
     "pending": True,          # only while an intermediate's key waits for a signed certificate
     "urls": {...}}            # only when the task manages urls

Subject, key and validity are fixed once the CA exists: asking for different ones fails (rotate by creating a
new issuer under another ``issuer_name``). The PEM certificate and chain are returned but kept out of the
compared state; an exported private key exists only in the response of the request that created it.
"""

from __future__ import annotations

import copy

from ansible.module_utils.common.warnings import warn

from ansible_collections.citadel.secrets.plugins.module_utils import _redact
from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    CitadelError, OptionError)
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource, run_steps
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _pki
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError

SUBJECT_KEYS = ("organization", "ou", "country", "locality", "province")
URL_KEYS = ("issuing_certificates", "crl_distribution_points", "ocsp_servers")
#: fields of ``<mount>/issuer/<id>`` that a POST there sets; a POST resets any it omits, so all are sent
ISSUER_READ_ONLY = ("issuer_id", "key_id", "certificate", "ca_chain", "revoked", "revocation_time",
                    "revocation_time_rfc3339")
FIXED_HINT = ("a CA's subject, key and validity are fixed when it is created; to replace it, create a new issuer "
              "under another issuer_name (with set_default: true) and retire the old one. Nothing was changed")


def _mount(value, option):
    value = (value or "").strip().strip("/")
    if not value:
        raise OptionError("%s cannot be empty" % option)
    return value


class PkiCaResource(Resource):
    kind = "PKI CA"
    result_key = "issuer"

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._pem = {}            # certificate and ca_chain of the issuer found
        self._raw_issuer = None   # the issuer as last read (for write-back of its settings)
        self._pending_key = None  # {"key_id", "key_type", "subject_key_id"} of a key waiting for a certificate
        self._default = {}        # <mount>/config/issuers
        self._given = None        # certificates of the ``certificate`` option
        self._csr = None
        self._private_key = None
        self._state = "present"

    @property
    def name(self):
        p = self.params
        return "PKI CA %r in mount %r" % (p.get("issuer_name") or p.get("common_name"), (p.get("mount") or "").strip("/"))

    # -- validation ---------------------------------------------------------------------------
    def validate(self):
        p = self.params
        self.mount = _mount(p.get("mount"), "mount")
        _pki.check_name(p.get("issuer_name"), "issuer_name")
        if (p.get("state") or "present") == "absent":
            if not p.get("issuer_name") and not p.get("common_name"):
                raise OptionError("state=absent needs issuer_name or common_name to find the CA")
            return
        if not p.get("common_name"):
            raise OptionError("common_name is required with state=present")
        intermediate = p.get("type") == "intermediate"
        if not intermediate:
            wrong = [k for k in ("signing_mount", "certificate") if p.get(k)]
            if wrong:
                raise OptionError("%s only apply to type=intermediate" % ", ".join(wrong))
        self.signing_mount = None
        if intermediate and p.get("signing_mount"):
            self.signing_mount = _mount(p["signing_mount"], "signing_mount")
        if intermediate and not p.get("signing_mount") and not p.get("issuer_name"):
            raise OptionError("an intermediate that is not signed by a signing_mount in this task needs issuer_name: "
                              "its key is created under that name so that a later run (with certificate) finds it")
        if p.get("key_type") == "ed25519" and p.get("key_bits") not in (None, 0):
            raise OptionError("key_bits does not apply to key_type=ed25519")
        if p.get("key_type"):
            _pki.check_key_bits(p["key_type"], p.get("key_bits"))
        elif p.get("key_bits"):
            _pki.check_key_bits("rsa", p["key_bits"])
        self.ttl = to_seconds(p.get("ttl"), "ttl")
        if p.get("max_path_length") is not None and p["max_path_length"] < -1:
            raise OptionError("max_path_length must be -1 (no limit) or a number of CAs below this one")
        if p.get("certificate"):
            _pki.require_cryptography()
            self._given = _pki.parse_certificate_option(p["certificate"], "certificate")
            facts = _pki.certificate_facts(self._given[0])
            if facts["common_name"] != p["common_name"]:
                raise OptionError("certificate is issued to %r, not to common_name %r"
                                  % (facts["common_name"], p["common_name"]))
            if facts["self_signed"]:
                raise OptionError("certificate is self-signed; an intermediate's certificate is signed by another CA")
        _pki.require_cryptography()

    # -- read ---------------------------------------------------------------------------------
    def read(self):
        p = self.params
        self._pem, self._raw_issuer, self._pending_key = {}, None, None
        _pki.check_pki_engine(self.client, self.mount)
        issuers = _pki.pki_list(self.client, self.mount, "issuers")
        self._default = ((self.client.read("%s/config/issuers" % self.mount) or {}).get("data") or {})
        raw = self._find(issuers)
        state = {"issuer": None}
        if raw is not None:
            self._raw_issuer = raw
            state["issuer"] = self._issuer_state(raw)
        elif p.get("issuer_name"):
            self._pending_key = self._find_key(p["issuer_name"])
            if self._pending_key:
                state["pending"] = True
        if p.get("urls") is not None and self._state_wanted() == "present":
            body = self.client.read("%s/config/urls" % self.mount) or {}
            state["urls"] = self._urls_state(body.get("data") or {})
        return state

    def _state_wanted(self):
        return self.params.get("state") or "present"

    def _read_issuer(self, issuer_id):
        body = self.client.read("%s/issuer/%s" % (self.mount, issuer_id))
        return (body or {}).get("data")

    def _find(self, issuers):
        p = self.params
        wanted_name = p.get("issuer_name")
        if wanted_name:
            named = [i for i, info in issuers.items() if info.get("issuer_name") == wanted_name]
            if named:
                return self._read_issuer(named[0])
        if not p.get("common_name"):
            return None
        want_root = None
        if self._state_wanted() == "present" or p.get("type"):
            want_root = (p.get("type") or "root") == "root"
        matches = []
        for issuer_id, info in sorted(issuers.items()):
            if info.get("issuer_name") and (not wanted_name or info["issuer_name"] != wanted_name):
                continue  # named something else: another CA
            if "key_id" in info and not info["key_id"]:
                continue  # a certificate imported without its key (the root in an intermediate mount)
            raw = self._read_issuer(issuer_id)
            if not raw or not raw.get("key_id") or raw.get("issuer_name") not in ("", None, wanted_name):
                continue
            facts = _pki.certificate_facts(_pki.load_certificate(raw["certificate"]))
            if facts["common_name"] != p["common_name"]:
                continue
            if want_root is not None and facts["self_signed"] != want_root:
                continue
            matches.append(raw)
        if len(matches) > 1:
            raise OptionError("%d unnamed issuers in mount %r have common name %r; set issuer_name to say which one "
                              "(it is given to the first match only when it is unique)"
                              % (len(matches), self.mount, p["common_name"]))
        return matches[0] if matches else None

    def _find_key(self, key_name):
        keys = _pki.pki_list(self.client, self.mount, "keys")
        for key_id, info in keys.items():
            if info.get("key_name") == key_name:
                body = self.client.read("%s/key/%s" % (self.mount, key_id)) or {}
                data = body.get("data") or {}
                return {"key_id": key_id, "key_type": data.get("key_type"),
                        "subject_key_id": data.get("subject_key_id")}
        return None

    def _issuer_state(self, raw):
        cert = _pki.load_certificate(raw["certificate"])
        facts = _pki.certificate_facts(cert)
        self._pem = {"certificate": _pki.join_pem([raw["certificate"]]),
                     "ca_chain": [_pki.join_pem([c]) for c in raw.get("ca_chain") or []]}
        return {
            "issuer_id": raw.get("issuer_id"),
            "issuer_name": raw.get("issuer_name") or "",
            "key_id": raw.get("key_id") or "",
            "type": "root" if facts["self_signed"] else "intermediate",
            "common_name": facts["common_name"],
            "signed_by": facts["issuer_common_name"],
            "key_type": facts["key_type"],
            "key_bits": facts["key_bits"],
            "serial_number": facts["serial_number"],
            "not_after": facts["not_after"],
            "leaf_not_after_behavior": raw.get("leaf_not_after_behavior") or "err",
            "default": bool(raw.get("issuer_id")) and self._default.get("default") == raw.get("issuer_id"),
        }

    @staticmethod
    def _urls_state(data):
        state = {key: list(data.get(key) or []) for key in URL_KEYS}
        state["enable_templating"] = bool(data.get("enable_templating"))
        return state

    # -- plan -----------------------------------------------------------------------------------
    def target(self, current, state):
        p = self.params
        self._state = state
        target = copy.deepcopy(current)
        if state == "absent":
            issuer = current["issuer"]
            if issuer is not None and issuer["type"] != p["type"]:
                raise OptionError("%s is a %s CA; set type=%s to delete it (nothing was deleted)"
                                  % (self.name, issuer["type"], issuer["type"]))
            if issuer is not None and p.get("common_name") and issuer["common_name"] != p["common_name"]:
                raise OptionError("%s has the common name %r, not %r; nothing was deleted"
                                  % (self.name, issuer["common_name"], p["common_name"]))
            target["issuer"] = None
            target.pop("pending", None)
            return target
        if p.get("urls") is not None:
            target["urls"].update({k: v for k, v in p["urls"].items() if v is not None})
        issuer = current["issuer"]
        if issuer is not None:
            self._check_fixed(issuer)
            new = dict(issuer)
            if p.get("issuer_name"):
                new["issuer_name"] = p["issuer_name"]
            if p.get("leaf_not_after_behavior"):
                new["leaf_not_after_behavior"] = p["leaf_not_after_behavior"]
            if p.get("set_default"):
                new["default"] = True
            target["issuer"] = new
            return target
        if p["type"] == "intermediate" and not self.signing_mount and not self._given:
            target["pending"] = True
            return target
        if self._given and not self._pending_key:
            raise OptionError("certificate is given but no key named %r waits for it in mount %r; run the task "
                              "without certificate first to create the key and get its CSR" % (p["issuer_name"], self.mount))
        if self._given and self._pending_key.get("subject_key_id"):
            ski = _pki.subject_key_id(self._given[0].public_key())
            if ski != self._pending_key["subject_key_id"].lower():
                raise OptionError("certificate was not issued for the key %r waiting in mount %r (its public key "
                                  "differs); nothing was imported" % (p["issuer_name"], self.mount))
        signer = self._signer() if self.signing_mount else None
        target.pop("pending", None)
        target["issuer"] = self._predicted()
        if signer is not None:
            target["issuer"]["signed_by"] = signer["common_name"]
        return target

    def _signer(self):
        """The signing issuer's facts; fails before any write when it is missing or would refuse the ttl."""
        ref = self.params.get("signing_issuer") or "default"
        _pki.check_pki_engine(self.client, self.signing_mount)
        issuer_id = _pki.resolve_issuer(self.client, self.signing_mount, ref)
        if issuer_id is None:
            raise OptionError("signing_issuer %r does not exist in mount %r" % (ref, self.signing_mount))
        try:
            body = self.client.read("%s/issuer/%s" % (self.signing_mount, issuer_id))
        except VaultApiError as exc:
            if exc.status == 404 or any("no handler for route" in e for e in exc.errors):
                _pki.check_pki_mount(exc, self.signing_mount)
            if any("unable to find" in e for e in exc.errors):
                raise OptionError("signing_issuer %r does not exist in mount %r (%s)"
                                  % (ref, self.signing_mount, "; ".join(exc.errors)))
            raise
        raw = (body or {}).get("data") or {}
        if not raw.get("certificate"):
            raise OptionError("signing_issuer %r does not exist in mount %r" % (ref, self.signing_mount))
        if not raw.get("key_id"):
            raise OptionError("signing_issuer %r in mount %r has no key and cannot sign" % (ref, self.signing_mount))
        cert = _pki.load_certificate(raw["certificate"])
        facts = _pki.certificate_facts(cert)
        if self.ttl and (raw.get("leaf_not_after_behavior") or "err") == "err":
            remaining = (_pki.not_after(cert) - _pki.utc_now()).total_seconds()
            if self.ttl > remaining:
                raise OptionError("ttl=%ds would outlive the signing CA %r (valid until %s) and it refuses to sign "
                                  "beyond that (leaf_not_after_behavior=err); shorten ttl"
                                  % (self.ttl, facts["common_name"], facts["not_after"]))
        return facts

    def _predicted(self):
        p = self.params
        if self._given:
            facts = _pki.certificate_facts(self._given[0])
            key_type, key_bits, signed_by = facts["key_type"], facts["key_bits"], facts["issuer_common_name"]
            serial, expiry = facts["serial_number"], facts["not_after"]
        else:
            key_type = (self._pending_key or {}).get("key_type") or p.get("key_type") or "rsa"
            key_bits = p.get("key_bits") or _pki.DEFAULT_KEY_BITS.get(key_type)
            if self._pending_key and not p.get("key_bits") and key_type != "ed25519":
                key_bits = None  # the waiting key's size is not readable
            signed_by = p["common_name"] if p["type"] == "root" else None
            serial = expiry = None
        default = bool(p.get("set_default") or not self._default.get("default")
                       or self._default.get("default_follows_latest_issuer"))
        return {
            "issuer_id": None, "issuer_name": p.get("issuer_name") or "", "key_id": None, "type": p["type"],
            "common_name": p["common_name"], "signed_by": signed_by, "key_type": key_type, "key_bits": key_bits,
            "serial_number": serial, "not_after": expiry,
            "leaf_not_after_behavior": p.get("leaf_not_after_behavior") or "err", "default": default,
        }

    def _check_fixed(self, issuer):
        p = self.params
        wrong = []
        if issuer["type"] != p["type"]:
            wrong.append("it is a %s CA, not %s" % (issuer["type"], p["type"]))
        if issuer["common_name"] != p["common_name"]:
            wrong.append("its common name is %r, not %r" % (issuer["common_name"], p["common_name"]))
        if p.get("key_type") and issuer["key_type"] != p["key_type"]:
            wrong.append("its key type is %s, not %s" % (issuer["key_type"], p["key_type"]))
        if p.get("key_bits") and issuer["key_bits"] != p["key_bits"]:
            wrong.append("its key has %d bits, not %d" % (issuer["key_bits"], p["key_bits"]))
        if self._given and _pki.fingerprint(self._given[0]) != \
                _pki.fingerprint(_pki.load_certificate(self._pem["certificate"])):
            wrong.append("it has a different certificate than the one given")
        if wrong:
            raise CitadelError("%s exists but %s: %s" % (self.name, "; ".join(wrong), FIXED_HINT))

    # -- write ----------------------------------------------------------------------------------
    def apply(self, current, target):
        steps = []
        if self._state == "absent":
            steps = self._absent_steps(current)
        else:
            if "urls" in target and target["urls"] != current.get("urls"):
                delta = {k: v for k, v in target["urls"].items() if current["urls"].get(k) != v}
                steps.append(("AIA URLs (%s)" % ", ".join(sorted(delta)),
                              lambda: self.client.write("%s/config/urls" % self.mount, delta)))
            if current["issuer"] is None and target["issuer"] is not None:
                steps.extend(self._create_steps())
            elif target.get("pending") and not current.get("pending"):
                steps.append(("key and CSR", self._generate_csr))
            if target["issuer"] is not None:
                steps.append(("issuer settings", lambda: self._settle(target["issuer"])))
        run_steps(self.name, steps, outcome="set up")
        return self.read()

    def _subject(self):
        p = self.params
        body = {"common_name": p["common_name"]}
        for key in SUBJECT_KEYS:
            if p.get(key):
                body[key] = list(p[key])
        return body

    def _key_request(self, kind, quiet=False):
        """Path and body to generate a root or an intermediate CSR, reusing a waiting key when there is one."""
        p = self.params
        body = self._subject()
        if self._pending_key:
            body["key_ref"] = self._pending_key["key_id"]
            if p.get("exported") and not quiet:
                warn("%s: the key %r already existed (from an earlier run), so it is not exported again"
                     % (self.name, p.get("issuer_name")))
            return "%s/issuers/generate/%s/existing" % (self.mount, kind), body
        if p.get("issuer_name"):
            body["key_name"] = p["issuer_name"]
        if p.get("key_type"):
            body["key_type"] = p["key_type"]
        if p.get("key_bits"):
            body["key_bits"] = p["key_bits"]
        return "%s/issuers/generate/%s/%s" % (self.mount, kind, "exported" if p.get("exported") else "internal"), body

    def _validity(self, body):
        p = self.params
        if self.ttl:
            body["ttl"] = "%ds" % self.ttl
        if p.get("max_path_length") is not None:
            body["max_path_length"] = p["max_path_length"]
        if p.get("permitted_dns_domains"):
            body["permitted_dns_domains"] = list(p["permitted_dns_domains"])
        return body

    def _create_steps(self):
        p = self.params
        if p["type"] == "root":
            return [("generate root", self._generate_root)]
        steps = []
        if not self._given:
            steps.append(("key and CSR", self._generate_csr))
        if self.signing_mount:
            steps.append(("sign by %s/%s" % (self.signing_mount, p.get("signing_issuer") or "default"), self._sign))
        steps.append(("import signed certificate", self._set_signed))
        return steps

    def _generate_root(self):
        path, body = self._key_request("root")
        if self.params.get("issuer_name"):
            body["issuer_name"] = self.params["issuer_name"]
        data = (self.client.write(path, self._validity(body)) or {}).get("data") or {}
        self._private_key = data.get("private_key")
        self._new_issuer = data.get("issuer_id")

    def _generate_csr(self, again=False):
        path, body = self._key_request("intermediate", quiet=again)
        data = (self.client.write(path, body) or {}).get("data") or {}
        self._csr = data.get("csr")
        self._private_key = self._private_key or data.get("private_key")
        self._new_key = data.get("key_id")

    def _sign(self):
        p = self.params
        body = self._validity(self._subject())
        body.update(csr=self._csr, format="pem", use_csr_values=False,
                    issuer_ref=p.get("signing_issuer") or "default")
        try:
            data = (self.client.write("%s/root/sign-intermediate" % self.signing_mount, body) or {}).get("data") or {}
        except VaultApiError as exc:
            if exc.status == 404 and any("no handler for route" in e for e in exc.errors):
                _pki.check_pki_mount(exc, self.signing_mount)
            raise
        chain = data.get("ca_chain") or [data.get("certificate"), data.get("issuing_ca")]
        if _pki.pem_blocks(chain[0] or "") != _pki.pem_blocks(data.get("certificate") or ""):
            chain = [data.get("certificate")] + list(chain)
        self._bundle = _pki.join_pem(chain)

    def _set_signed(self):
        if self._given:
            self._bundle = _pki.join_pem([_pki.join_pem([c]) for c in _pki.pem_blocks(self.params["certificate"])])
            key_id = (self._pending_key or {}).get("key_id") or getattr(self, "_new_key", None)
        else:
            key_id = getattr(self, "_new_key", None) or (self._pending_key or {}).get("key_id")
        body = self.client.write("%s/intermediate/set-signed" % self.mount, {"certificate": self._bundle}) or {}
        mapping = (body.get("data") or {}).get("mapping") or {}
        ours = [issuer for issuer, key in mapping.items() if key and key == key_id]
        if not ours:
            raise CitadelError("the signed certificate was imported into mount %r but does not match the key %s "
                               "generated for it" % (self.mount, key_id))
        self._new_issuer = ours[0]

    def _settle(self, wanted):
        """Name, leaf_not_after_behavior and default of the (now existing) issuer."""
        issuer_id = (wanted.get("issuer_id") or getattr(self, "_new_issuer", None))
        raw = self._read_issuer(issuer_id) or {}
        body = {k: v for k, v in raw.items() if k not in ISSUER_READ_ONLY and v is not None}
        change = {}
        if wanted["issuer_name"] and (raw.get("issuer_name") or "") != wanted["issuer_name"]:
            change["issuer_name"] = wanted["issuer_name"]
        if (raw.get("leaf_not_after_behavior") or "err") != wanted["leaf_not_after_behavior"]:
            change["leaf_not_after_behavior"] = wanted["leaf_not_after_behavior"]
        if change:
            body.update(change)
            self.client.write("%s/issuer/%s" % (self.mount, issuer_id), body)
        if wanted["default"]:
            config = (self.client.read("%s/config/issuers" % self.mount) or {}).get("data") or {}
            if config.get("default") != issuer_id:
                self.client.write("%s/config/issuers" % self.mount, {
                    "default": issuer_id,
                    "default_follows_latest_issuer": bool(config.get("default_follows_latest_issuer"))})

    def _absent_steps(self, current):
        steps = []
        issuer = current.get("issuer")
        if issuer is not None:
            steps.append(("delete issuer %s" % issuer["issuer_id"],
                          lambda: self.client.delete("%s/issuer/%s" % (self.mount, issuer["issuer_id"]))))
            key_id = issuer.get("key_id")
            if key_id:
                steps.append(("delete key %s" % key_id, lambda: self._delete_key_if_unused(key_id)))
        if current.get("pending"):
            key_id = self._pending_key["key_id"]
            steps.append(("delete waiting key %s" % key_id,
                          lambda: self.client.delete("%s/key/%s" % (self.mount, key_id))))
        return steps

    def _delete_key_if_unused(self, key_id):
        issuers = _pki.pki_list(self.client, self.mount, "issuers")
        for issuer_id, info in issuers.items():
            used_by = info.get("key_id") if "key_id" in info else (self._read_issuer(issuer_id) or {}).get("key_id")
            if used_by == key_id:
                return
        self.client.delete("%s/key/%s" % (self.mount, key_id))

    # -- presentation ---------------------------------------------------------------------------
    def present(self, state):
        issuer = (state or {}).get("issuer")
        if not issuer:
            return {}
        result = _redact.mask(issuer, self.secret_paths)
        if issuer.get("issuer_id") and self._pem:
            result.update(copy.deepcopy(self._pem))
        return result

    def extra_result(self, current, target, changed):
        result = {"pending": bool((target or {}).get("pending"))}
        if "urls" in (target or {}):
            result["urls"] = target["urls"]
        if result["pending"] and self._csr is None and not self.check_mode and self._pending_key:
            # reading back a waiting CSR: generating one from the existing key stores nothing on the server
            try:
                self._generate_csr(again=True)
            except CitadelError as exc:
                warn("%s: the CSR of the waiting key could not be produced again: %s" % (self.name, exc.msg))
        if self._csr:
            result["csr"] = _pki.join_pem([self._csr])
        if self._private_key:
            result["private_key"] = self._private_key
        return result
