"""Users, their roles and their revocable login sessions."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from parentapp.db import UTCDateTime, utcnow


class Role(enum.StrEnum):
    """What a person may do in the app; a lead is a clinician with team duties."""

    CARER = "carer"
    CLINICIAN = "clinician"
    LEAD = "lead"
    ADMIN = "admin"
    # A professional outside the team (a health visitor, a GP, a midwife) who refers families
    # to it: sees only their own referrals' progress, never a family's record.
    REFERRER = "referrer"


CLINICAL_ROLES = frozenset({Role.CLINICIAN, Role.LEAD})


class User(SQLModel, table=True):
    """A person who logs in: a carer, a clinician, a team lead or an administrator."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16, index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    locale: str = Field(default="en", max_length=16)
    time_zone: str | None = Field(default=None, max_length=64)
    active: bool = Field(default=True)
    # The team's duty clinician today: sees the whole team's queue and is the first person an
    # unacknowledged urgent flag escalates to. One per team (set by the team lead).
    on_duty: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # Flask-Login's user protocol, written out because its mixin clashes with pydantic fields.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def is_carer(self) -> bool:
        return self.role == Role.CARER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_referrer(self) -> bool:
        return self.role == Role.REFERRER


class LoginSession(SQLModel, table=True):
    """One login on one device; revoking the row ends the session wherever its cookie went."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    # SHA-256 of the random token kept in the signed cookie; the token itself is never stored.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When this session finished signing in: at once for a person who needs no second
    # factor, else when they passed (or enrolled) one. Until then they see only the pages
    # that ask for it. Set once, so that no request has to look up their factors again.
    cleared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ip_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=255)
