# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the three PKI resources share: key type rules, certificate parsing and PKI mount checks.

Certificates are parsed with the Python ``cryptography`` library on the host running the module; its import
is guarded so that a missing library is a clear error when a module needs it, not an import failure.
"""

from __future__ import annotations

import ipaddress
import re
import traceback
from datetime import datetime, timezone

CRYPTOGRAPHY_IMPORT_ERROR = None
try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.x509.oid import NameOID
except ImportError:
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._errors import VaultApiError

#: key types and the bit lengths the server accepts for each (0 = the type's default)
KEY_BITS = {
    "rsa": (0, 2048, 3072, 4096, 8192),
    "ec": (0, 224, 256, 384, 521),
    "ed25519": (0,),
    "any": (0,),
}
#: what the server stores for key_bits 0
DEFAULT_KEY_BITS = {"rsa": 2048, "ec": 256, "ed25519": 0, "any": 0}

_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----.+?-----END \1-----", re.S)


def require_cryptography():
    if CRYPTOGRAPHY_IMPORT_ERROR:
        raise OptionError("the Python library cryptography is required on the host running this module: "
                          "pip install cryptography", traceback=CRYPTOGRAPHY_IMPORT_ERROR)


def check_key_bits(key_type, key_bits, option_prefix=""):
    """Raise OptionError for a key type / bit length pair the server would refuse."""
    if key_type is None or key_bits is None:
        return
    allowed = KEY_BITS[key_type]
    if key_bits not in allowed:
        raise OptionError("%skey_bits=%d is not valid for key_type=%s (allowed: %s)"
                          % (option_prefix, key_bits, key_type, ", ".join(str(b) for b in allowed if b)
                             or "0, the type has a fixed size"))


def check_name(value, option):
    """Issuer and key names: letters, digits, ``-``, ``_`` and ``.``; never ``default``."""
    if value is None:
        return
    if value == "default" or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value):
        raise OptionError("%s %r is not allowed: use letters, digits, '-', '_' or '.', and not 'default'"
                          % (option, value))


def pem_blocks(text, kind="CERTIFICATE"):
    """The PEM blocks of one kind in ``text``, each normalised to end with a newline."""
    return [match.group(0).strip() + "\n" for match in _PEM.finditer(text or "") if match.group(1) == kind]


def join_pem(blocks):
    return "".join(block.strip() + "\n" for block in blocks if block and block.strip())


def load_certificate(pem):
    require_cryptography()
    return x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)


def parse_certificate_option(text, option):
    """The certificates in a user-supplied PEM bundle; OptionError when there is none or one is broken."""
    blocks = pem_blocks(text)
    if not blocks:
        raise OptionError("%s contains no PEM certificate" % option)
    try:
        return [load_certificate(block) for block in blocks]
    except ValueError as exc:
        raise OptionError("%s: a certificate does not parse: %s" % (option, exc))


def serial_string(number):
    """The serial as the server writes it: lowercase hex pairs separated by colons."""
    text = "%x" % number
    if len(text) % 2:
        text = "0" + text
    return ":".join(text[i:i + 2] for i in range(0, len(text), 2))


def _name_cn(name):
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return values[0].value if values else ""


def key_facts(public_key):
    """``(key_type, key_bits)`` of a public key, in the server's vocabulary."""
    if isinstance(public_key, rsa.RSAPublicKey):
        return "rsa", public_key.key_size
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return "ec", public_key.curve.key_size
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return "ed25519", 0
    return type(public_key).__name__, 0


def _utc(cert, attribute):
    value = getattr(cert, attribute + "_utc", None)
    if value is None:  # cryptography < 42
        value = getattr(cert, attribute).replace(tzinfo=timezone.utc)
    return value


def utc_now():
    return datetime.now(timezone.utc)


def not_after(cert):
    return _utc(cert, "not_valid_after")


def not_before(cert):
    return _utc(cert, "not_valid_before")


def sans(cert):
    """``{"dns": [...], "ip": [...], "uri": [...], "email": [...]}`` of a certificate, normalised and sorted."""
    found = {"dns": [], "ip": [], "uri": [], "email": []}
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return found
    found["dns"] = sorted({name.lower() for name in ext.get_values_for_type(x509.DNSName)})
    found["ip"] = sorted({str(ip) for ip in ext.get_values_for_type(x509.IPAddress)})
    found["uri"] = sorted(set(ext.get_values_for_type(x509.UniformResourceIdentifier)))
    found["email"] = sorted(set(ext.get_values_for_type(x509.RFC822Name)))
    return found


def certificate_facts(cert):
    """The facts of a certificate that the modules compare and return (all public)."""
    key_type, key_bits = key_facts(cert.public_key())
    names = sans(cert)
    return {
        "common_name": _name_cn(cert.subject),
        "issuer_common_name": _name_cn(cert.issuer),
        "self_signed": cert.subject == cert.issuer,
        "serial_number": serial_string(cert.serial_number),
        "not_before": not_before(cert).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "not_after": not_after(cert).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "key_type": key_type,
        "key_bits": key_bits,
        "dns_sans": names["dns"],
        "ip_sans": names["ip"],
        "uri_sans": names["uri"],
        "email_sans": names["email"],
    }


def issued_by(cert, issuer_cert):
    """Whether ``issuer_cert``'s key signed ``cert``."""
    try:
        cert.verify_directly_issued_by(issuer_cert)
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def fingerprint(cert):
    return cert.fingerprint(hashes.SHA256()).hex()


def subject_key_id(public_key):
    """The key identifier the server reports for a key (SHA-1 of the public key), as colon-separated hex."""
    digest = x509.SubjectKeyIdentifier.from_public_key(public_key).digest
    return ":".join("%02x" % b for b in digest)


def public_key_bytes(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(pem):
    require_cryptography()
    return serialization.load_pem_private_key(pem.encode() if isinstance(pem, str) else pem, password=None)


def normalise_ip(value, option):
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        raise OptionError("%s: %r is not an IP address" % (option, value))


def check_pki_mount(exc, mount):
    """Turn "no handler for route" (nothing mounted there, or not a PKI engine) into a clear OptionError."""
    if isinstance(exc, VaultApiError) and exc.status in (404, 405) and \
            any("no handler for route" in e or "unsupported path" in e for e in exc.errors):
        raise OptionError("no PKI secrets engine is mounted at %r (%s); enable one with "
                          "citadel.secrets.vault_secrets_engine (engine_type: pki)"
                          % (mount + "/", "; ".join(exc.errors)), status=exc.status, path=exc.path)
    raise exc


def pki_list(client, mount, what):
    """LIST ``<mount>/<what>`` (``issuers`` or ``keys``): ``{id: key_info}``; ``{}`` when there are none."""
    try:
        body = client.request("LIST", "%s/%s" % (mount, what))
    except VaultApiError as exc:
        if exc.status == 404 and not any("no handler for route" in e for e in exc.errors):
            return {}
        check_pki_mount(exc, mount)
    data = (body or {}).get("data") or {}
    info = data.get("key_info") or {}
    return {key: dict(info.get(key) or {}) for key in data.get("keys") or []}


def check_pki_engine(client, mount):
    """Refuse a mount that is not a PKI engine before anything is written there (a KV mount would accept the
    same paths as secrets). Asks ``sys/internal/ui/mounts/<mount>``; a token that may not ask (403) gets the
    benefit of the doubt, and the PKI requests themselves then fail clearly if nothing is mounted."""
    try:
        body = client.request("GET", "sys/internal/ui/mounts/%s" % mount)
    except VaultApiError as exc:
        if exc.status == 403:
            return
        raise
    except CitadelError:
        return
    data = (body or {}).get("data") or {}
    kind = data.get("type")
    if kind and kind != "pki":
        raise OptionError("mount %r is a %s engine, not a PKI engine" % (mount, kind))
    path = (data.get("path") or "").strip("/")
    if path and path != mount:
        raise OptionError("no PKI secrets engine is mounted at %r (the path lies under mount %r); enable one with "
                          "citadel.secrets.vault_secrets_engine (engine_type: pki)" % (mount, path))


def resolve_issuer(client, mount, ref):
    """The ID of issuer ``ref`` (a name, an ID or ``default``) in ``mount``; ``None`` when it does not exist.

    Asked through ``LIST <mount>/issuers`` and ``<mount>/config/issuers`` because reading an issuer that does not
    exist answers HTTP 500, which the retry policy would retry. A token that may not list gets ``ref`` back
    unchanged, and the read that follows answers for itself.
    """
    try:
        if ref == "default":
            body = client.read("%s/config/issuers" % mount) or {}
            return ((body.get("data") or {}).get("default")) or None
        issuers = pki_list(client, mount, "issuers")
    except VaultApiError as exc:
        if exc.status == 403:
            return ref
        raise
    for issuer_id, info in issuers.items():
        if ref in (issuer_id, info.get("issuer_name")):
            return issuer_id
    if any("issuer_name" not in info for info in issuers.values()):
        return ref  # a server that lists no names: let the read decide
    return None
