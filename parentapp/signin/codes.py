"""The codes a person types as a second factor: authenticator-app codes (RFC 6238) and
recovery codes. Pure: no database, no Flask."""

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp

DIGITS = 6
STEP_SECONDS = 30
# One step either side: a phone's clock a little out, or a code typed as it changed.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
# Letters and digits that cannot be misread for one another (no i, l, o, 0 or 1): 16 of them
# hold 79 random bits, written as four groups of four.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 16


def new_secret() -> str:
    """A fresh base32 secret of 160 bits, as RFC 4226 recommends."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_code_shape(text: str) -> str | None:
    """Six digits, however they were spaced; None when it is not that shape."""
    digits = re.sub(r"[\s-]", "", text)
    return digits if re.fullmatch(rf"\d{{{DIGITS}}}", digits) else None


def matching_step(secret: str, code: str, *, now: datetime, after_step: int) -> int | None:
    """The time step ``code`` belongs to, if it is right for a step near ``now`` that is later
    than ``after_step`` (the last one used: a code is good once, RFC 6238 section 5.2)."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = totp.timecode(now)
    found = None
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        step = current + offset
        # Every candidate is compared, in constant time, so the answer's timing tells nothing.
        if hmac.compare_digest(totp.generate_otp(step), code) and step > after_step:
            found = step
    return found


def new_recovery_codes() -> list[str]:
    return [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]


def shown_recovery_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def recovery_code_shape(text: str) -> str | None:
    """The code as stored (lower case, no spaces or dashes), or None when it is not one."""
    plain = re.sub(r"[\s-]", "", text).lower()
    if len(plain) == _RECOVERY_LENGTH and all(c in _RECOVERY_ALPHABET for c in plain):
        return plain
    return None


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
