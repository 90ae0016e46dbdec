# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A certificate issued from a PKI role (``<mount>/issue/<role>``), kept in files on the host running the module.

The files are the state: a new certificate is issued only when the certificate file is missing or unreadable,
when it does not match the request (common name, DNS/IP/URI/email SANs), when the CA that would sign a new one
did not sign it, when the key file does not hold its key, or when it expires within ``renew_before``. Otherwise
only the chain files and the files' modes and owners are brought in line. Without ``cert_path`` nothing can be
compared and every run issues a certificate.

State (compared and shown in diffs)::

    {"certificate": {"common_name", "dns_sans", "ip_sans", "uri_sans", "email_sans", "issuer",
                     "serial_number", "not_after"} or None,
     "files": {"cert": {"path", "exists", "mode", "owner", "group", "content"}, "key": {...}, ...}}

``content`` is a SHA-256 prefix of the file (masked for the key file), or ``(new)`` for one a run will write.
The private key is never part of the state; it is returned only when there is no ``key_path``.
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import stat
import tempfile
from datetime import timedelta

from ansible.module_utils.common.warnings import warn

from ansible_collections.citadel.secrets.plugins.module_utils._durations import to_seconds
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    CitadelError, OptionError, PartialApplyError)
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _pki
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._pki_role import read_role_issuer

FILES = ("cert", "key", "chain", "fullchain")
NEW = "(new)"


def parse_mode(value, option):
    """A file mode as Ansible's file module takes it: an int (already octal in YAML) or an octal string."""
    if isinstance(value, bool):
        raise OptionError("%s must be an octal mode such as '0600'" % option)
    if isinstance(value, int):
        mode = value
    else:
        try:
            mode = int(str(value).strip(), 8)
        except ValueError:
            raise OptionError("%s must be an octal mode such as '0600', got %r" % (option, value))
    if not 0 <= mode <= 0o7777:
        raise OptionError("%s %r is not a file mode" % (option, value))
    return mode


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _read_text(path):
    try:
        with open(path) as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


class PkiCertificateResource(Resource):
    kind = "PKI certificate"
    result_key = "cert_info"
    secret_paths = ("files.key.content",)

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._issuer = {}         # {"certificate", "ca_chain", "common_name"} of the CA that would sign now
        self._files = {}          # {kind: {"path", "text", ...}} as read
        self._cert = None         # cryptography certificate from cert_path
        self._cert_text = None
        self._issued = None       # the issue response data (holds the private key)
        self.reasons = []
        self._state = "present"

    @property
    def name(self):
        p = self.params
        subject = p.get("common_name") or p.get("cert_path")
        return "certificate %r from role %r in mount %r" % (subject, p.get("pki_role"), (p.get("mount") or "").strip("/"))

    # -- validation ---------------------------------------------------------------------------
    def validate(self):
        p = self.params
        _pki.require_cryptography()
        self.mount = (p.get("mount") or "").strip().strip("/")
        if not self.mount:
            raise OptionError("mount cannot be empty")
        if not (p.get("pki_role") or "").strip() or "/" in p["pki_role"]:
            raise OptionError("pki_role must be a role name without '/'")
        self.paths = {kind: p.get("%s_path" % kind) for kind in FILES if p.get("%s_path" % kind)}
        if not p.get("cert_path"):
            extra = sorted("%s_path" % k for k in self.paths)
            if extra:
                raise OptionError("%s need(s) cert_path: the certificate file is what later runs compare"
                                  % ", ".join(extra))
        seen = {}
        for kind, path in self.paths.items():
            real = os.path.realpath(path)
            if real in seen:
                raise OptionError("%s_path and %s_path are the same file" % (seen[real], kind))
            seen[real] = kind
            if not os.path.isabs(path):
                raise OptionError("%s_path must be an absolute path, got %r" % (kind, path))
            if os.path.isdir(path):
                raise OptionError("%s_path %s is a directory" % (kind, path))
            parent = os.path.dirname(path)
            if not os.path.isdir(parent):
                raise OptionError("%s_path: the directory %s does not exist" % (kind, parent))
            if not os.access(parent, os.W_OK | os.X_OK):
                raise OptionError("%s_path: the directory %s is not writable by this user" % (kind, parent))
            if os.path.exists(path) and not os.access(path, os.R_OK):
                raise OptionError("%s_path %s exists but cannot be read by this user" % (kind, path))
        self.modes = {"key": parse_mode(p.get("key_mode"), "key_mode")}
        cert_mode = parse_mode(p.get("cert_mode"), "cert_mode")
        for kind in ("cert", "chain", "fullchain"):
            self.modes[kind] = cert_mode
        self.uid = self.gid = None
        if p.get("owner") is not None:
            try:
                self.uid = int(p["owner"]) if str(p["owner"]).isdigit() else pwd.getpwnam(p["owner"]).pw_uid
            except KeyError:
                raise OptionError("owner %r is not a user on this host" % p["owner"])
        if p.get("group") is not None:
            try:
                self.gid = int(p["group"]) if str(p["group"]).isdigit() else grp.getgrnam(p["group"]).gr_gid
            except KeyError:
                raise OptionError("group %r is not a group on this host" % p["group"])
        self.renew_before = to_seconds(p.get("renew_before"), "renew_before")
        self.ttl = to_seconds(p.get("ttl"), "ttl")
        if (p.get("state") or "present") == "absent":
            if not self.paths:
                raise OptionError("state=absent removes the files; it needs cert_path (and the other paths to remove)")
            return
        if p.get("revoke"):
            raise OptionError("revoke applies to state=absent")
        cn = (p.get("common_name") or "").strip()
        if not cn:
            raise OptionError("common_name is required with state=present")
        alt = [a.strip() for a in p.get("alt_names") or [] if a and a.strip()]
        self.ips = sorted({_pki.normalise_ip(ip, "ip_sans") for ip in p.get("ip_sans") or []})
        self.uris = sorted({u.strip() for u in p.get("uri_sans") or [] if u and u.strip()})
        dns = {a.lower() for a in alt if "@" not in a}
        emails = {a for a in alt if "@" in a}
        if not p.get("exclude_cn_from_sans"):
            if "@" in cn:
                emails.add(cn)
            else:
                dns.add(cn.lower())
        self.dns, self.emails, self.alt = sorted(dns), sorted(emails), alt

    # -- read ---------------------------------------------------------------------------------
    def read(self):
        self._read_files()
        if (self.params.get("state") or "present") == "present":
            _pki.check_pki_engine(self.client, self.mount)
            self._read_issuer()
        return self._state_from_files()

    def _read_issuer(self):
        p = self.params
        ref = p.get("issuer_ref")
        if not ref:
            ref = read_role_issuer(self.client, self.mount, p["pki_role"])
            if ref is False:
                raise OptionError("PKI role %r does not exist in mount %r; create it with citadel.secrets.vault_pki_role"
                                  % (p["pki_role"], self.mount))
            ref = ref or "default"
        issuer_id = _pki.resolve_issuer(self.client, self.mount, ref)
        if issuer_id is None:
            raise OptionError("issuer %r does not exist in mount %r: create a CA with citadel.secrets.vault_pki_ca "
                              "first" % (ref, self.mount))
        try:
            body = self.client.read("%s/issuer/%s/json" % (self.mount, issuer_id))
        except VaultApiError as exc:
            if any("unable to find" in e for e in exc.errors):
                raise OptionError("issuer %r does not exist in mount %r (%s)" % (ref, self.mount, "; ".join(exc.errors)))
            raise
        data = (body or {}).get("data") or {}
        if not data.get("certificate"):
            raise OptionError("mount %r has no issuer %r: create a CA with citadel.secrets.vault_pki_ca first"
                              % (self.mount, ref))
        cert = _pki.load_certificate(data["certificate"])
        self._issuer = {"ref": ref, "cert": cert, "common_name": _pki.certificate_facts(cert)["common_name"],
                        "chain": _pki.join_pem(_pki.pem_blocks("".join(data.get("ca_chain") or [data["certificate"]])))}

    def _read_files(self):
        self._files, self._cert, self._cert_text = {}, None, None
        for kind, path in self.paths.items():
            info = {"path": path, "exists": os.path.exists(path)}
            if info["exists"]:
                st = os.stat(path)
                info.update(mode="%04o" % stat.S_IMODE(st.st_mode), uid=st.st_uid, gid=st.st_gid,
                            text=_read_text(path))
            self._files[kind] = info
        text = (self._files.get("cert") or {}).get("text")
        if text:
            blocks = _pki.pem_blocks(text)
            try:
                self._cert = _pki.load_certificate(blocks[0]) if blocks else None
                self._cert_text = blocks[0] if blocks else None
            except ValueError:
                self._cert = None

    def _file_state(self, kind):
        info = self._files[kind]
        if not info["exists"]:
            return {"path": info["path"], "exists": False}
        return {"path": info["path"], "exists": True, "mode": info["mode"], "owner": _user(info["uid"]),
                "group": _group(info["gid"]), "content": digest(info["text"] or "")}

    def _state_from_files(self):
        state = {"certificate": None, "files": {kind: self._file_state(kind) for kind in self._files}}
        if self._cert is not None:
            state["certificate"] = self._cert_state(_pki.certificate_facts(self._cert))
        return state

    @staticmethod
    def _cert_state(facts):
        return {"common_name": facts["common_name"], "dns_sans": facts["dns_sans"], "ip_sans": facts["ip_sans"],
                "uri_sans": facts["uri_sans"], "email_sans": facts["email_sans"],
                "issuer": facts["issuer_common_name"], "serial_number": facts["serial_number"],
                "not_after": facts["not_after"]}

    # -- plan -----------------------------------------------------------------------------------
    def target(self, current, state):
        self._state = state
        target = {"certificate": None, "files": {}}
        if state == "absent":
            target["files"] = {kind: {"path": path, "exists": False} for kind, path in self.paths.items()}
            return target
        self.reasons = self._reasons(current)
        if self.reasons:
            target["certificate"] = {
                "common_name": self.params["common_name"].strip(), "dns_sans": self.dns, "ip_sans": self.ips,
                "uri_sans": self.uris, "email_sans": self.emails, "issuer": self._issuer["common_name"],
                "serial_number": NEW, "not_after": NEW}
        else:
            target["certificate"] = dict(current["certificate"])
        for kind, path in self.paths.items():
            entry = {"path": path, "exists": True, "mode": "%04o" % self.modes[kind]}
            now = current["files"][kind]
            entry["owner"] = _user(self.uid) if self.uid is not None else now.get("owner") or _user(os.geteuid())
            entry["group"] = _group(self.gid) if self.gid is not None else now.get("group") or _group(os.getegid())
            if self.reasons:
                entry["content"] = NEW
            elif kind in ("chain", "fullchain"):
                entry["content"] = digest(self._wanted_text(kind, self._cert_text))
            else:
                entry["content"] = now["content"]
            target["files"][kind] = entry
        return target

    def _wanted_text(self, kind, cert_text, chain=None):
        chain = self._issuer["chain"] if chain is None else chain
        if kind == "chain":
            return chain
        if kind == "fullchain":
            return _pki.join_pem([cert_text]) + chain
        raise ValueError(kind)

    def _reasons(self, current):
        p = self.params
        if not p.get("cert_path"):
            return ["no cert_path: every run issues a new certificate"]
        if self._cert is None:
            return ["the certificate file is missing or holds no certificate"]
        reasons = []
        have = current["certificate"]
        if p.get("force"):
            reasons.append("force=true")
        if have["common_name"] != p["common_name"].strip():
            reasons.append("common name is %r, not %r" % (have["common_name"], p["common_name"].strip()))
        for key, want in (("dns_sans", self.dns), ("ip_sans", self.ips), ("uri_sans", self.uris),
                          ("email_sans", self.emails)):
            if have[key] != want:
                reasons.append("%s are %s, not %s" % (key.replace("_", " "), have[key], want))
        if not _pki.issued_by(self._cert, self._issuer["cert"]):
            reasons.append("it was not signed by the issuer %r (%s) that signs now"
                           % (self._issuer["ref"], self._issuer["common_name"]))
        if "key" in self.paths and not self._key_matches():
            reasons.append("the key file is missing or does not hold the certificate's key")
        left = _pki.not_after(self._cert) - _pki.utc_now()
        lifetime = _pki.not_after(self._cert) - _pki.not_before(self._cert)
        margin = timedelta(seconds=self.renew_before) if self.renew_before is not None else lifetime / 3
        if left <= margin:
            reasons.append("it expires at %s, within renew_before (%ds)"
                           % (have["not_after"], int(margin.total_seconds())) if left.total_seconds() > 0
                           else "it expired at %s" % have["not_after"])
        return reasons

    def _key_matches(self):
        text = (self._files.get("key") or {}).get("text")
        if not text:
            return False
        try:
            key = _pki.load_private_key(text)
        except (ValueError, TypeError):
            return False
        return _pki.public_key_bytes(key.public_key()) == _pki.public_key_bytes(self._cert.public_key())

    def differs(self, current, target):
        return current != target

    # -- write ----------------------------------------------------------------------------------
    def apply(self, current, target):
        if self._state == "absent":
            return self._remove(current)
        if self.reasons:
            self._issue()
            data = self._issued
            cert_text = _pki.join_pem([data["certificate"]])
            chain = _pki.join_pem(_pki.pem_blocks("".join(data.get("ca_chain") or [data.get("issuing_ca") or ""])))
            texts = {"cert": cert_text, "key": _pki.join_pem([data["private_key"]]) if data.get("private_key") else None,
                     "chain": chain, "fullchain": cert_text + chain}
        else:
            texts = {kind: self._wanted_text(kind, self._cert_text) for kind in ("chain", "fullchain")}
            texts = {kind: text for kind, text in texts.items()
                     if kind in self.paths and (self._files[kind].get("text") or "") != text}
        try:
            self._write({kind: texts[kind] for kind in self.paths if texts.get(kind) is not None})
            self._fix_attributes()
        except OSError as exc:
            msg = "%s: cannot write %s: %s" % (self.name, exc.filename or "a file", exc.strerror or exc)
            if self.reasons:
                raise PartialApplyError(msg, ["issue certificate %s" % self._issued.get("serial_number")],
                                        ["write files"], "the new certificate was not saved")
            raise CitadelError(msg)
        self._read_files()
        if self._issued is not None and "cert" not in self.paths:
            cert = _pki.load_certificate(self._issued["certificate"])
            return {"certificate": self._cert_state(_pki.certificate_facts(cert)), "files": {}}
        return self._state_from_files()

    def _issue(self):
        p = self.params
        body = {"common_name": p["common_name"].strip(), "format": "pem"}
        if self.alt:
            body["alt_names"] = ",".join(self.alt)
        if self.ips:
            body["ip_sans"] = ",".join(self.ips)
        if self.uris:
            body["uri_sans"] = ",".join(self.uris)
        if self.ttl:
            body["ttl"] = "%ds" % self.ttl
        if p.get("exclude_cn_from_sans"):
            body["exclude_cn_from_sans"] = True
        if p.get("private_key_format") == "pkcs8":
            body["private_key_format"] = "pkcs8"
        if p.get("issuer_ref"):
            path = "%s/issuer/%s/issue/%s" % (self.mount, p["issuer_ref"], p["pki_role"])
        else:
            path = "%s/issue/%s" % (self.mount, p["pki_role"])
        response = self.client.write(path, body) or {}
        for text in response.get("warnings") or []:
            warn("%s: the server warns: %s" % (self.name, text))
        self._issued = response.get("data") or {}
        if not self._issued.get("certificate"):
            raise CitadelError("%s: the server answered without a certificate" % self.name)

    def _write(self, texts):
        """Write every file through a temporary file in the same directory, created 0600, then rename."""
        staged = []
        try:
            for kind, text in texts.items():
                path = self.paths[kind]
                fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                           prefix=".%s." % os.path.basename(path))
                staged.append((tmp, path))
                old = self._files.get(kind) or {}
                uid = self.uid if self.uid is not None else old.get("uid")  # a replaced file keeps its owner
                gid = self.gid if self.gid is not None else old.get("gid")
                with os.fdopen(fd, "w") as handle:
                    os.fchmod(handle.fileno(), self.modes[kind])
                    st = os.fstat(handle.fileno())
                    if (uid is not None and uid != st.st_uid) or (gid is not None and gid != st.st_gid):
                        os.fchown(handle.fileno(), -1 if uid is None else uid, -1 if gid is None else gid)
                    handle.write(text)
            for tmp, path in staged:
                os.replace(tmp, path)
        finally:
            for tmp, dummy in staged:
                if os.path.exists(tmp):
                    os.unlink(tmp)

    def _fix_attributes(self):
        for kind, path in self.paths.items():
            st = os.stat(path)
            if stat.S_IMODE(st.st_mode) != self.modes[kind]:
                os.chmod(path, self.modes[kind])
            if (self.uid is not None and st.st_uid != self.uid) or (self.gid is not None and st.st_gid != self.gid):
                os.chown(path, -1 if self.uid is None else self.uid, -1 if self.gid is None else self.gid)

    def _remove(self, current):
        if self.params.get("revoke") and self._cert_text:
            try:
                self.client.write("%s/revoke" % self.mount, {"certificate": self._cert_text})
            except VaultApiError as exc:
                if not any("already" in e and "revoked" in e for e in exc.errors) and \
                        not any("expired" in e for e in exc.errors):
                    raise
        for kind, path in self.paths.items():
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise CitadelError("%s: cannot remove %s: %s" % (self.name, path, exc.strerror))
        self._read_files()
        return self._state_from_files()

    # -- presentation ---------------------------------------------------------------------------
    def present(self, state):
        return dict((state or {}).get("certificate") or {})

    def extra_result(self, current, target, changed):
        result = {"issued": self._state == "present" and bool(self.reasons), "reasons": list(self.reasons) if self._state == "present" else [],
                  "files": {kind: {k: v for k, v in entry.items() if k != "content"}
                            for kind, entry in ((target or {}).get("files") or {}).items()}}
        if self._issued:
            result["certificate"] = _pki.join_pem([self._issued["certificate"]])
            result["ca_chain"] = _pki.pem_blocks("".join(self._issued.get("ca_chain") or []))
            result["serial_number"] = self._issued.get("serial_number")
            if "key" not in self.paths and self._issued.get("private_key"):
                result["private_key"] = self._issued["private_key"]
        elif self._cert_text and self._state == "present":
            result["certificate"] = self._cert_text
            result["ca_chain"] = _pki.pem_blocks(self._issuer.get("chain") or "")
            result["serial_number"] = _pki.serial_string(self._cert.serial_number)
        return result


def _user(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid):
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)
