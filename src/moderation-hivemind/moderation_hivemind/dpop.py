"""DPoP proofs (RFC 9449) for a peer that reports its own work: signed with the peer's own RSA key, nothing else needed."""

import hashlib
import json
import time
import uuid
from typing import Any, Optional

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .jose import b64url, rsa_jwk


def private_key_of(key: Any) -> rsa.RSAPrivateKey:
    """A ``cryptography`` RSA private key, from one or from hivemind's ``RSAPrivateKey`` (which wraps one)."""
    inner = getattr(key, "_private_key", key)
    if not isinstance(inner, rsa.RSAPrivateKey):
        raise TypeError("expected an RSA private key (cryptography's, or hivemind.utils.crypto.RSAPrivateKey)")
    return inner


def openssh_public_key(key: Any) -> str:
    """The ``ssh-rsa AAAA…`` public key of a private key, as joins and reports name peers."""
    return private_key_of(key).public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def dpop_proof(key: Any, method: str, url: str, access_token: str, issued_at: Optional[float] = None) -> str:
    """
    A proof for one request (``DPoP`` header) signed with the peer's private key (RS256): the public key in the header
    (its RFC 7638 thumbprint is the peer token's ``cnf.jkt``), a fresh ``jti``, the method and URL (without query), the
    time, and ``ath``, the SHA-256 of the peer token. Send it with ``Authorization: DPoP <access_token>``.
    """
    private = private_key_of(key)
    header = {"typ": "dpop+jwt", "alg": "RS256", "jwk": rsa_jwk(private.public_key())}
    claims = {"jti": uuid.uuid4().hex, "htm": method.upper(), "htu": url.split("?", 1)[0].split("#", 1)[0],
              "iat": int(time.time() if issued_at is None else issued_at),
              "ath": b64url(hashlib.sha256(access_token.encode("ascii")).digest())}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return signing_input + "." + b64url(private.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256()))
