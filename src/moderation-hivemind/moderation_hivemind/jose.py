"""The few JOSE pieces the peer side needs: base64url, RFC 7638 thumbprints, the experiment's JWKS and compact JWS (PS256)."""

import base64
import functools
import hashlib
import json
import logging
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

logger = logging.getLogger(__name__)


class DocumentError(Exception):
    """A signed document that must not be believed: malformed, unsigned, or not signed by the experiment."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(c not in _B64URL for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _uint(n: int) -> bytes:
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def rsa_jwk(public_key: rsa.RSAPublicKey) -> Dict[str, str]:
    numbers = public_key.public_numbers()
    return {"kty": "RSA", "n": b64url(_uint(numbers.n)), "e": b64url(_uint(numbers.e))}


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 thumbprint (SHA-256) of an RSA public key: the server's peer-key fingerprint."""
    jwk = rsa_jwk(public_key)
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


@functools.lru_cache(maxsize=4096)
def ssh_key_fingerprint(openssh_public_key: bytes) -> Optional[str]:
    """The fingerprint of a peer's OpenSSH public key (as hivemind tokens carry it), or None when it is not an RSA key."""
    try:
        key = serialization.load_ssh_public_key(bytes(openssh_public_key).strip())
    except (ValueError, TypeError):
        return None
    return thumbprint(key) if isinstance(key, rsa.RSAPublicKey) else None


def hivemind_token_id(signature: bytes) -> str:
    """The id a hivemind_access token is revoked by: "h:" + base64url of the first 16 bytes of SHA-256 of its signature."""
    return "h:" + b64url(hashlib.sha256(bytes(signature)).digest()[:16])


def verify_compact_jws(jws: str, expected_type: str, key_for: Callable[[str], Optional[rsa.RSAPublicKey]]) -> Dict[str, Any]:
    """
    The payload of a compact JWS whose header says PS256 and ``expected_type`` and whose signature matches the key
    ``key_for(kid)`` returns (one of the experiment's published keys). Raises DocumentError otherwise: never "none",
    never another algorithm, never a key the document names itself.
    """
    parts = jws.strip().split(".") if isinstance(jws, str) else []
    if len(parts) != 3:
        raise DocumentError("not a compact JWS")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError as e:
        raise DocumentError("malformed JWS: %s" % e) from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise DocumentError("malformed JWS")
    if header.get("alg") != "PS256" or header.get("typ") != expected_type:
        raise DocumentError("not a PS256 %s (alg=%r, typ=%r)" % (expected_type, header.get("alg"), header.get("typ")))
    kid = header.get("kid")
    key = key_for(kid) if isinstance(kid, str) else None
    if key is None:
        raise DocumentError("signed with a key the experiment does not publish (kid=%r)" % (kid,))
    try:
        key.verify(signature, (parts[0] + "." + parts[1]).encode("ascii"),
                   padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    except InvalidSignature:
        raise DocumentError("the signature does not match the experiment's key %s" % kid) from None
    return payload


class ExperimentKeys:
    """
    The experiment's published public keys (``GET …/jwks``), fetched with ETag, and again when a document names a key not
    seen yet or a token did not verify (after a rotation) — at most once per ``refetch_interval`` seconds, so forged
    kids or tokens cannot make a peer hammer the server. Only pollers' threads fetch: a request never waits for it.
    """

    def __init__(self, server, path: str, refetch_interval: float = 10.0, clock: Callable[[], float] = time.monotonic):
        self._server, self._path, self._refetch_interval, self._clock = server, path, refetch_interval, clock
        self._keys = {}  # type: Dict[str, rsa.RSAPublicKey]
        self._etag = None  # type: Optional[str]
        self._fetched_at = None  # type: Optional[float]
        self._wanted = False
        self._lock = threading.Lock()

    def get(self, kid: str) -> Optional[rsa.RSAPublicKey]:
        """The key named ``kid``, fetching the JWKS once more when it is not known (for pollers verifying documents)."""
        if kid not in self._keys and self._may_fetch():
            self.fetch()
        return self._keys.get(kid)

    def all(self) -> List[rsa.RSAPublicKey]:
        """The keys known now, without waiting for the network."""
        return list(self._keys.values())

    def want_fresh(self) -> None:
        """Asks the next ``refresh_if_wanted()`` (a poller's tick) to fetch the keys again: a token did not verify."""
        self._wanted = True

    def refresh_if_wanted(self) -> None:
        if self._wanted and self._may_fetch():
            self._wanted = False
            self.fetch()

    def _may_fetch(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self._refetch_interval

    def fetch(self) -> None:
        with self._lock:
            self._fetched_at = self._clock()
            try:
                response = self._server.get(self._path, headers={"If-None-Match": self._etag} if self._etag else {})
            except Exception as e:  # the server is unreachable: keep the keys we have
                logger.warning("Could not fetch the experiment's public keys: %s", e)
                return
            if response.status_code == 304:
                return
            if response.status_code != 200:
                logger.warning("The experiment's public keys answered %s", response.status_code)
                return
            try:
                document = response.json()
            except ValueError:  # a proxy's page, not the server's keys: keep the keys we have
                logger.warning("The experiment's public keys answered something that is not JSON (%s)", response.headers.get("Content-Type"))
                return
            keys, self._etag = parse_jwks(document), response.headers.get("ETag")
            self._keys = dict(keys)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_lock"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()


def parse_jwks(document: Any) -> List[Tuple[str, rsa.RSAPublicKey]]:
    """The RSA signing keys of a JWKS, by kid; entries that are not RSA keys are skipped."""
    result = []
    for jwk in (document.get("keys") if isinstance(document, dict) else None) or []:
        try:
            if jwk.get("kty") != "RSA" or not isinstance(jwk.get("kid"), str) or jwk.get("use", "sig") != "sig":
                continue
            n = int.from_bytes(b64url_decode(jwk["n"]), "big")
            e = int.from_bytes(b64url_decode(jwk["e"]), "big")
            result.append((jwk["kid"], rsa.RSAPublicNumbers(e, n).public_key()))
        except (AttributeError, KeyError, ValueError, TypeError):
            logger.warning("Skipped a malformed key in the experiment's JWKS")
    return result
