"""Password hashing with argon2id and the password rules people are held to."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from parentapp.config import Settings

MIN_LENGTH = 8  # ASVS 6.2.1; no composition rules (6.2.5)
MAX_LENGTH = 128  # ASVS 6.2.9 asks that at least 64 be allowed

# Passwords seen most often in breaches; refused outright (ASVS 6.2.4, a short local list).
COMMON_PASSWORDS = frozenset(
    [
        "12345678",
        "123456789",
        "1234567890",
        "password",
        "password1",
        "password123",
        "qwertyuiop",
        "qwerty123",
        "11111111",
        "00000000",
        "iloveyou1",
        "iloveyou",
        "abc12345",
        "12341234",
        "87654321",
        "football1",
        "baseball1",
        "letmein1",
        "welcome1",
        "welcome123",
        "sunshine1",
        "princess1",
        "monkey123",
        "dragon123",
        "passw0rd",
        "qwerty12",
        "1q2w3e4r",
        "1qaz2wsx",
        "asdfghjkl",
        "zxcvbnm123",
        "trustno1",
        "superman1",
        "babygirl1",
    ]
)

# A hash that nobody's password matches, checked when an email is unknown so that
# failed logins take the same time whether or not the account exists (ASVS 6.3.8).
_DUMMY_PASSWORD = "not-a-real-password-for-timing"  # noqa: S105


def make_hasher(settings: Settings) -> PasswordHasher:
    """An argon2id hasher with the cost parameters from ``settings``."""
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost_kib,
        parallelism=settings.argon2_parallelism,
    )


def hasher() -> PasswordHasher:
    """The current app's hasher, built once."""
    ph: PasswordHasher | None = current_app.extensions.get("parentapp.hasher")
    if ph is None:
        ph = make_hasher(current_app.config["PARENTAPP_SETTINGS"])
        current_app.extensions["parentapp.hasher"] = ph
    return ph


def hash_password(password: str) -> str:
    return str(hasher().hash(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always spends one hash's time."""
    ph = hasher()
    try:
        if password_hash is None:
            ph.verify(ph.hash(_DUMMY_PASSWORD), password)
            return False
        return bool(ph.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash used weaker parameters than the current ones."""
    return bool(hasher().check_needs_rehash(password_hash))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is not acceptable, as an untranslated message id, or None."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        return "common"
    if lowered in {email.lower(), email.lower().split("@")[0], name.lower()}:
        return "personal"
    return None
