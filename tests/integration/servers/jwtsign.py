"""A tiny JWT signer for tests (RS256 and ES256 with ``cryptography``; no PyJWT). Test-only: nothing that ships uses it.

As a library::

    key = new_key("ES256"); token = sign(key, "ES256", {"sub": "x", "aud": "vault"}, ttl=300)

As a command, for playbooks::

    python jwtsign.py keygen --alg RS256 --out /dir/ci       # writes /dir/ci.key (0600) and /dir/ci.pub.pem
    python jwtsign.py sign --alg RS256 --key /dir/ci.key --claims '{"sub": "x"}' [--ttl 300] [--kid k1]

``sign`` adds ``iat``, ``nbf`` and ``exp`` (now + ttl) unless the claims carry them, and prints the token.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

ALGS = ("RS256", "ES256")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_key(alg):
    if alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError("unsupported alg %r" % alg)


def private_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def load_key(path):
    with open(path, "rb") as handle:
        return serialization.load_pem_private_key(handle.read(), password=None)


def jwk(key, kid):
    """The public half of an RSA key as a JWK (for a JWKS document)."""
    numbers = key.public_key().public_numbers()
    length = (numbers.n.bit_length() + 7) // 8
    return {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
            "n": b64url(numbers.n.to_bytes(length, "big")), "e": b64url(numbers.e.to_bytes(3, "big").lstrip(b"\0"))}


def sign(key, alg, claims, ttl=300, kid=None):
    now = int(time.time())
    body = dict(claims)
    body.setdefault("iat", now)
    body.setdefault("nbf", now - 5)
    body.setdefault("exp", now + ttl)
    header = {"alg": alg, "typ": "JWT"}
    if kid:
        header["kid"] = kid
    signing_input = ("%s.%s" % (b64url(json.dumps(header, separators=(",", ":")).encode()),
                                b64url(json.dumps(body, separators=(",", ":")).encode()))).encode("ascii")
    if alg == "RS256":
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    elif alg == "ES256":
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # JWS wants raw r||s, not DER
    else:
        raise ValueError("unsupported alg %r" % alg)
    return signing_input.decode("ascii") + "." + b64url(signature)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    keygen = sub.add_parser("keygen")
    keygen.add_argument("--alg", choices=ALGS, required=True)
    keygen.add_argument("--out", required=True, help="path prefix: writes PREFIX.key and PREFIX.pub.pem")
    signer = sub.add_parser("sign")
    signer.add_argument("--alg", choices=ALGS, required=True)
    signer.add_argument("--key", required=True)
    signer.add_argument("--claims", required=True, help="JSON object")
    signer.add_argument("--ttl", type=int, default=300)
    signer.add_argument("--kid")
    args = parser.parse_args(argv)
    if args.command == "keygen":
        key = new_key(args.alg)
        fd = os.open(args.out + ".key", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_pem(key))
        with open(args.out + ".pub.pem", "wb") as handle:
            handle.write(public_pem(key))
        return 0
    sys.stdout.write(sign(load_key(args.key), args.alg, json.loads(args.claims), args.ttl, args.kid))
    return 0


if __name__ == "__main__":
    sys.exit(main())
