"""Password hashing with argon2id and the password rules people are held to."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from parentapp.config import Settings

# ASVS 6.2.1 asks for at least 8 characters; staff accounts open clinical records of many
# families, so theirs need more. No composition rules (6.2.5).
CARER_MIN_LENGTH = 8
STAFF_MIN_LENGTH = 12
MAX_LENGTH = 128  # ASVS 6.2.9 asks that at least 64 be allowed

# A name or email local part this long or longer is refused anywhere inside a password; a
# shorter one ("jo") would refuse ordinary words that happen to contain it.
_PERSONAL_PART_MIN = 4

# Passwords seen most often in breaches are refused outright (ASVS 6.2.4 asks for at least the
# top 3,000; this holds over 10,000). The list is zxcvbn's "passwords" frequency list (Dropbox's
# strength estimator, through its Python port zxcvbn-python; MIT licence): the 30,000 passwords
# seen most often in Mark Burnett's corpus of 10 million usernames and passwords, released
# through xato.net in 2015, lowercased. zxcvbn drops passwords its pattern matchers catch
# (repeats, sequences, dates) and words more common in its other lists, so the three such
# passwords that the earlier local list refused are added back.
COMMON_PASSWORDS = frozenset(
    [password.lower() for password in FREQUENCY_LISTS["passwords"]]
    + ["00000000", "12341234", "87654321"]
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


def min_length(*, staff: bool) -> int:
    """The fewest characters a new password may have: more for staff than for carers."""
    return STAFF_MIN_LENGTH if staff else CARER_MIN_LENGTH


def password_problem(password: str, *, staff: bool, email: str = "", name: str = "") -> str | None:
    """Why a new password is not acceptable, as an untranslated message id, or None.

    ``staff`` is true for clinicians, leads and administrators, who need longer passwords.
    """
    if len(password) < min_length(staff=staff):
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        return "common"
    # Spaces are ignored on both sides: "Dr Amara Okafor" is also typed "dramaraokafor2026".
    compact = "".join(lowered.split())
    email = "".join(email.lower().split())
    local_part = email.split("@")[0]
    name = "".join(name.lower().split())
    if compact and compact in {email, local_part, name}:
        return "personal"
    if any(len(part) >= _PERSONAL_PART_MIN and part in compact for part in (local_part, name)):
        return "personal"
    return None
