"""hivemind/utils/crypto.py (1.1.12): RSA keys as hivemind peers hold and present them."""

import base64
import threading

from cryptography import exceptions
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# As hivemind: PSS with MGF1-SHA256 and the largest salt the key allows, SHA-256.
_RSA_PADDING = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH)
_RSA_HASH_ALGORITHM = hashes.SHA256()


class RSAPrivateKey:
    """A fresh RSA-2048 key; signatures come base64-encoded."""

    _process_wide_key = None
    _process_wide_key_lock = threading.RLock()

    def __init__(self):
        self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @classmethod
    def process_wide(cls):
        """The key every hivemind component of this process shares unless it is given one."""
        with cls._process_wide_key_lock:
            if cls._process_wide_key is None:
                cls._process_wide_key = cls()
        return cls._process_wide_key

    def sign(self, data: bytes) -> bytes:
        return base64.b64encode(self._private_key.sign(data, _RSA_PADDING, _RSA_HASH_ALGORITHM))

    def get_public_key(self):
        return RSAPublicKey(self._private_key.public_key())


class RSAPublicKey:
    def __init__(self, public_key):
        self._public_key = public_key

    def verify(self, data: bytes, signature: bytes) -> bool:
        """False for a bad signature or bad base64, as hivemind."""
        try:
            self._public_key.verify(base64.b64decode(signature), data, _RSA_PADDING, _RSA_HASH_ALGORITHM)
            return True
        except (ValueError, exceptions.InvalidSignature):
            return False

    def to_bytes(self) -> bytes:
        """OpenSSH form, b"ssh-rsa AAAA…"."""
        return self._public_key.public_bytes(encoding=serialization.Encoding.OpenSSH, format=serialization.PublicFormat.OpenSSH)

    @classmethod
    def from_bytes(cls, key: bytes):
        loaded = serialization.load_ssh_public_key(key)
        if not isinstance(loaded, rsa.RSAPublicKey):
            raise ValueError("Expected an RSA public key, got %r" % (loaded,))
        return cls(loaded)
