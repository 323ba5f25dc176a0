"""The link's token and the short code typed by the recipient, and how each is stored.

The token (256 bits) is what makes the link impossible to guess; the code (eight characters
of Crockford's base32, 40 bits) is a second thing the recipient must have, sent by another
route, so a forwarded or misdelivered email alone opens nothing. Five wrong codes lock the
share, so the code's size needs only to beat five guesses.
"""

import hashlib
import hmac
import secrets

from parentapp.families.codes import ALPHABET

LENGTH = 8
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The stored form of a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    """A fresh code, grouped for reading aloud: ``ABCD-EFGH``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(typed: str) -> str | None:
    """The canonical form of what someone typed, or None if it cannot be a code."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(_LOOKALIKES)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_hash(share_token_hash: str, code: str) -> str:
    """The stored form of a share's code, bound to its share (the same code on two shares
    hashes differently)."""
    canonical = normalise(code) or ""
    return hashlib.sha256(f"{share_token_hash}:{canonical}".encode()).hexdigest()


def code_matches(share_token_hash: str, stored: str, typed: str) -> bool:
    if normalise(typed) is None:
        return False
    return hmac.compare_digest(code_hash(share_token_hash, typed), stored)
