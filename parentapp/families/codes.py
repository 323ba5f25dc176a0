"""Invitation codes: short enough to type from a screen, too many to guess.

Twelve characters of Crockford's base32 give 60 bits; with login-style rate limits a
brute-force guess is hopeless within a code's lifetime, and the alphabet leaves out letters
that are easy to confuse (I, L, O, U) and reads them as their look-alikes instead.
"""

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_code() -> str:
    """A fresh random code, grouped for reading aloud: ``ABCD-EFGH-JKMN``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(typed: str) -> str | None:
    """The canonical form of what someone typed, or None if it cannot be a code."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(_LOOKALIKES)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_hash(code: str) -> str:
    """The stored form of a code; the code itself is never stored."""
    canonical = normalise(code)
    if canonical is None:
        raise ValueError("not an invitation code")
    return hashlib.sha256(canonical.encode()).hexdigest()
