"""Second factors, recovery codes and password-reset links."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from parentapp.db import UTCDateTime, utcnow


class TotpFactor(SQLModel, table=True):
    """An authenticator app enrolled by one person (RFC 6238: 6 digits, 30-second steps)."""

    __tablename__ = "totp_factor"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", unique=True, index=True)
    # Base32, as the app was given it: it must be read back to check a code, so it cannot be
    # hashed; it is never shown again after enrolment.
    secret: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The time step of the last code accepted: a code is good once, even within its step.
    last_step: int = Field(default=0)


class Passkey(SQLModel, table=True):
    """A passkey (WebAuthn credential) registered by one person: a second factor, or the only
    one needed to sign in, since it proves both the device and (with user verification) the
    person, and cannot be phished."""

    __tablename__ = "passkey"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    credential_id: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False, unique=True))
    public_key: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    # The authenticator's counter: a value that goes backwards means a cloned key.
    sign_count: int = Field(default=0)
    name: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RecoveryCode(SQLModel, table=True):
    """One of the ten single-use codes shown once at enrolment; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    # SHA-256 of the code: 79 random bits each, so a fast hash is enough (unlike a password).
    code_hash: str = Field(max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PasswordReset(SQLModel, table=True):
    """A link sent to reset a forgotten password: single use, an hour at most."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    # SHA-256 of the token in the link; the token itself is never stored.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
