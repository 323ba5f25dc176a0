"""Sealing a secret that must wait in the database for a moment, such as a password-reset
token in the outbox until the worker emails it: encrypted with a key derived from
SECRET_KEY, so the database alone does not give the token away."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


def _fernet(secret_key: str) -> Fernet:
    key = hashlib.sha256(b"parentapp-seal:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, value: str) -> str:
    return _fernet(secret_key).encrypt(value.encode()).decode()


def unseal(secret_key: str, sealed: str) -> str | None:
    """The value, or None when it was sealed with another key or changed."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None
