#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tls_material
short_description: Keep a private CA and certificates signed by it in a directory
version_added: 0.1.0
description:
  - Creates a private certificate authority in O(path) (C(ca.pem), C(ca.key)) when there is none, and one key and
    certificate per entry of O(certificates) (C(NAME.pem), C(NAME.key)), signed by that CA.
  - A certificate is issued again when it is missing, unreadable, not signed by the CA, does not match its key,
    names other hosts than asked (O(certificates[].common_name), O(certificates[].dns_names),
    O(certificates[].ip_addresses)), or expires within O(renew_before_days). Otherwise nothing changes.
  - The CA is never replaced while its files exist, because every node trusts it. When it expires within
    O(renew_before_days) the module warns.
  - Keys are written with mode V(0600) and the directory gets mode V(0700). Key material never appears in the
    result or the diff.
  - Meant to run on the controller (C(delegate_to) with C(localhost)), which then copies the files to the nodes.
    The C(citadel.secrets.vault_server) role uses it that way.
extends_documentation_fragment:
  - citadel.secrets.attributes
options:
  path:
    description:
      - Directory for the CA and the certificates. Created with mode V(0700) when missing.
    type: path
    required: true
  ca_common_name:
    description:
      - Common name of the CA certificate, used only when the CA is created.
    type: str
    default: citadel.secrets private CA
  ca_valid_days:
    description:
      - Validity of the CA certificate in days, used only when the CA is created.
    type: int
    default: 3650
  valid_days:
    description:
      - Validity of each issued certificate in days.
    type: int
    default: 397
  renew_before_days:
    description:
      - Issue a certificate again when it expires within this many days.
    type: int
    default: 30
  key_type:
    description:
      - Key algorithm for new keys, V(ec) (NIST P-256) or V(rsa) (3072 bits). Existing keys of the other type are
        kept.
    type: str
    choices: [ec, rsa]
    default: ec
  certificates:
    description:
      - The certificates to keep. Each is usable for TLS servers and clients.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - File name stem (C(NAME.pem), C(NAME.key)). Letters, digits, C(.), C(_) and C(-).
        type: str
        required: true
      common_name:
        description:
          - Subject common name. Defaults to O(certificates[].name).
        type: str
      dns_names:
        description:
          - DNS subject alternative names.
        type: list
        elements: str
        default: []
      ip_addresses:
        description:
          - IP subject alternative names.
        type: list
        elements: str
        default: []
requirements:
  - cryptography (on the host running the module; ansible-core itself depends on it)
notes:
  - Certificates that are in O(path) but not in O(certificates) are left alone.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: CA and one certificate per Vault node, on the controller
  citadel.secrets.tls_material:
    path: "{{ playbook_dir }}/tls"
    certificates:
      - name: vault1
        dns_names: [vault1.example.com, localhost]
        ip_addresses: [192.0.2.11, 127.0.0.1]
      - name: vault2
        dns_names: [vault2.example.com, localhost]
        ip_addresses: [192.0.2.12, 127.0.0.1]
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
ca_cert:
  description: Path of the CA certificate (PEM).
  returned: always
  type: str
ca_key:
  description: Path of the CA private key (PEM, mode 0600). Only the path; the key is never returned.
  returned: always
  type: str
ca_created:
  description: Whether this run created the CA (or would, in check mode).
  returned: always
  type: bool
certificates:
  description: One entry per O(certificates) item, in order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The O(certificates[].name).
      type: str
    cert:
      description: Path of the certificate (PEM).
      type: str
    key:
      description: Path of the private key (PEM, mode 0600).
      type: str
    issued:
      description: Whether this run issued the certificate (or would, in check mode).
      type: bool
    reason:
      description: Why it was issued, for example V(missing), V(names differ), V(expiring) (V(null) when it was not).
      type: str
    not_after:
      description: Expiry of the certificate, ISO 8601 in UTC (predicted in check mode).
      type: str
"""

import datetime
import ipaddress
import os
import re
import tempfile
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_ERROR = None

ARGSPEC = dict(
    path=dict(type="path", required=True),
    ca_common_name=dict(type="str", default="citadel.secrets private CA"),
    ca_valid_days=dict(type="int", default=3650),
    valid_days=dict(type="int", default=397),
    renew_before_days=dict(type="int", default=30),
    key_type=dict(type="str", choices=["ec", "rsa"], default="ec"),
    certificates=dict(
        type="list", elements="dict", required=True,
        options=dict(
            name=dict(type="str", required=True),
            common_name=dict(type="str"),
            dns_names=dict(type="list", elements="str", default=[]),
            ip_addresses=dict(type="list", elements="str", default=[]),
        ),
    ),
)

NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _not_after(cert):
    return cert.not_valid_after_utc if hasattr(cert, "not_valid_after_utc") else \
        cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)


def _new_key(key_type):
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def _public_der(key_or_cert):
    public = key_or_cert.public_key()
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _read(path, loader):
    try:
        with open(path, "rb") as f:
            return loader(f.read())
    except (OSError, ValueError, TypeError):
        return None


def _load_key(data):
    return serialization.load_pem_private_key(data, password=None)


def _signed_by(cert, ca_cert):
    if cert.issuer != ca_cert.subject:
        return False
    public = ca_cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
        else:
            public.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
    except Exception:  # pylint: disable=broad-except  # any verification failure means: not ours
        return False
    return True


def _names(cert):
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    dns = sorted(san.get_values_for_type(x509.DNSName))
    ips = sorted(str(ip) for ip in san.get_values_for_type(x509.IPAddress))
    return dns, ips


def _common_name(cert):
    values = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return values[0].value if values else None


class Material:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.path = self.params["path"]
        self.ca_cert_path = os.path.join(self.path, "ca.pem")
        self.ca_key_path = os.path.join(self.path, "ca.key")

    def validate(self):
        p = self.params
        for name in ("ca_valid_days", "valid_days"):
            if p[name] < 1:
                self.module.fail_json(msg="%s must be at least 1, got %d" % (name, p[name]))
        if p["renew_before_days"] < 0 or p["renew_before_days"] >= p["valid_days"]:
            self.module.fail_json(msg="renew_before_days must be between 0 and valid_days - 1 (%d), got %d"
                                  % (p["valid_days"] - 1, p["renew_before_days"]))
        if not p["certificates"]:
            self.module.fail_json(msg="certificates must name at least one certificate")
        seen = set()
        for item in p["certificates"]:
            if not NAME_RE.match(item["name"]) or item["name"] in ("ca",):
                self.module.fail_json(msg="certificates[].name %r is not a usable file name stem (letters, digits, "
                                          "'.', '_', '-'; not 'ca')" % item["name"])
            if item["name"] in seen:
                self.module.fail_json(msg="certificates[].name %r is given twice" % item["name"])
            seen.add(item["name"])
            ips = []
            for ip in item["ip_addresses"]:
                try:
                    ips.append(str(ipaddress.ip_address(ip)))
                except ValueError:
                    self.module.fail_json(msg="certificates[%s].ip_addresses: %r is not an IP address"
                                              % (item["name"], ip))
            item["ip_addresses"] = sorted(set(ips))
            item["dns_names"] = sorted(set(item["dns_names"]))
            if not item.get("common_name"):
                item["common_name"] = item["name"]
        if os.path.exists(self.path) and not os.path.isdir(self.path):
            self.module.fail_json(msg="path %s exists and is not a directory" % self.path)

    def _write(self, path, data, mode):
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".tmp-")
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except Exception:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def _load_ca(self):
        cert = _read(self.ca_cert_path, x509.load_pem_x509_certificate)
        key = _read(self.ca_key_path, _load_key)
        if cert is None and key is None:
            return None, None
        if cert is None or key is None or _public_der(cert) != _public_der(key):
            self.module.fail_json(msg="%s and %s do not hold a matching CA certificate and key; remove both to create "
                                      "a new CA (every node must then trust it)" % (self.ca_cert_path, self.ca_key_path))
        return cert, key

    def _new_ca(self):
        key = _new_key(self.params["key_type"])
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, self.params["ca_common_name"])])
        now = _now()
        cert = (x509.CertificateBuilder()
                .subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5))
                .not_valid_after(now + datetime.timedelta(days=self.params["ca_valid_days"]))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                             content_commitment=False, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, encipher_only=False,
                                             decipher_only=False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        return cert, key

    def _issue(self, item, ca_cert, ca_key, key):
        now = _now()
        sans = [x509.DNSName(n) for n in item["dns_names"]] + \
               [x509.IPAddress(ipaddress.ip_address(ip)) for ip in item["ip_addresses"]]
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, item["common_name"])]))
                   .issuer_name(ca_cert.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=self.params["valid_days"]))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True, key_cert_sign=False,
                                                crl_sign=False, content_commitment=False, data_encipherment=False,
                                                key_agreement=False, encipher_only=False, decipher_only=False),
                                  critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                         ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                                  critical=False))
        if sans:
            builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        return builder.sign(ca_key, hashes.SHA256())

    def _reason(self, item, ca_cert, cert, key):
        if cert is None or key is None:
            return "missing"
        if _public_der(cert) != _public_der(key):
            return "key does not match"
        if ca_cert is None or not _signed_by(cert, ca_cert):
            return "not signed by the CA"
        if _common_name(cert) != item["common_name"] or _names(cert) != (item["dns_names"], item["ip_addresses"]):
            return "names differ"
        if _not_after(cert) - _now() < datetime.timedelta(days=self.params["renew_before_days"]):
            return "expiring"
        return None

    def run(self):
        check = self.module.check_mode
        ca_cert, ca_key = (None, None) if not os.path.isdir(self.path) else self._load_ca()
        ca_created = ca_cert is None
        before, after = {}, {}
        if ca_created and not check:
            if not os.path.isdir(self.path):
                os.makedirs(self.path, mode=0o700)
            ca_cert, ca_key = self._new_ca()
            self._write(self.ca_key_path, _key_pem(ca_key), 0o600)
            self._write(self.ca_cert_path, _cert_pem(ca_cert), 0o644)
        elif ca_cert is not None:
            if _not_after(ca_cert) - _now() < datetime.timedelta(days=self.params["renew_before_days"]):
                self.module.warn("the CA certificate %s expires on %s; create a new CA and roll it out to every node"
                                 % (self.ca_cert_path, _not_after(ca_cert).isoformat()))
        if not check and os.path.isdir(self.path) and (os.stat(self.path).st_mode & 0o777) != 0o700:
            os.chmod(self.path, 0o700)

        results = []
        for item in self.params["certificates"]:
            cert_path = os.path.join(self.path, item["name"] + ".pem")
            key_path = os.path.join(self.path, item["name"] + ".key")
            cert = _read(cert_path, x509.load_pem_x509_certificate)
            key = _read(key_path, _load_key)
            reason = "CA created" if ca_created else self._reason(item, ca_cert, cert, key)
            not_after = _not_after(cert).isoformat() if cert is not None else None
            if cert is not None:
                dns, ips = _names(cert)
                before[item["name"]] = dict(common_name=_common_name(cert), dns_names=dns, ip_addresses=ips,
                                            not_after=not_after)
            if reason:
                if check:
                    not_after = (_now() + datetime.timedelta(days=self.params["valid_days"])).isoformat()
                else:
                    if key is None or reason in ("key does not match", "CA created"):
                        key = _new_key(self.params["key_type"])
                        self._write(key_path, _key_pem(key), 0o600)
                    cert = self._issue(item, ca_cert, ca_key, key)
                    self._write(cert_path, _cert_pem(cert), 0o644)
                    not_after = _not_after(cert).isoformat()
            elif (os.stat(key_path).st_mode & 0o077) and not check:
                os.chmod(key_path, 0o600)
            after[item["name"]] = dict(common_name=item["common_name"], dns_names=item["dns_names"],
                                       ip_addresses=item["ip_addresses"], not_after=not_after)
            results.append(dict(name=item["name"], cert=cert_path, key=key_path, issued=bool(reason), reason=reason,
                                not_after=not_after))

        changed = ca_created or any(r["issued"] for r in results)
        result = dict(changed=changed, ca_cert=self.ca_cert_path, ca_key=self.ca_key_path, ca_created=ca_created,
                      certificates=results)
        if self.module._diff:
            result["diff"] = dict(before=dict(ca=not ca_created, certificates=before),
                                  after=dict(ca=True, certificates=after))
        self.module.exit_json(**result)


def main():
    module = AnsibleModule(argument_spec=ARGSPEC, supports_check_mode=True)
    if not HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib("cryptography"), exception=CRYPTOGRAPHY_ERROR)
    material = Material(module)
    material.validate()
    material.run()


if __name__ == "__main__":
    main()
