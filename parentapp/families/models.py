"""Families, their carers and infants, and invitations to join."""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from parentapp.db import UTCDateTime, utcnow


class Family(SQLModel, table=True):
    """A family known to a team, with one assigned clinician who owns its concerns."""

    __tablename__ = "family"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    # A label the team recognises (e.g. a surname or case reference); carers do not see it.
    label: str = Field(max_length=120)
    assigned_clinician_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class Infant(SQLModel, table=True):
    """A baby in the family, from pregnancy (due date) to age two (date of birth)."""

    __tablename__ = "infant"

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    name: str = Field(max_length=80)
    date_of_birth: date | None = Field(default=None)
    due_date: date | None = Field(default=None)
    # Ten digits, mod-11 checked (families/nhs.py); the FHIR identifier where given.
    nhs_number: str | None = Field(default=None, max_length=10)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Carer(SQLModel, table=True):
    """A carer's membership of a family; their answers stay private from other carers."""

    __tablename__ = "carer"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", unique=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    carer_role: str = Field(max_length=24)
    carer_role_other: str | None = Field(default=None, max_length=80)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    consented_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_version: str | None = Field(default=None, max_length=16)
    # Reminders when a check-in is due (web push, email as the fallback), never in quiet hours
    # (local times in the carer's zone, else the team's; start after end spans midnight).
    reminders_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    quiet_start: time | None = Field(
        default=time(22, 0), sa_column_kwargs={"server_default": "22:00:00"}
    )
    quiet_end: time | None = Field(
        default=time(8, 0), sa_column_kwargs={"server_default": "08:00:00"}
    )
    invitation_id: int | None = Field(default=None, foreign_key="invitation.id")
    nhs_number: str | None = Field(default=None, max_length=10)
    # Account closure (UK GDPR Art. 17(3)(c) and 18): the carer asks, the assigned clinician or
    # a lead confirms. From then on the account is gone but the clinical record is kept,
    # restricted: only the team's leads read it, each time with a reason (closure/).
    closure_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    restricted_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    restriction_ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    restriction_ended_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    # Set by the retention job once the record has been kept its full period: a lead decides
    # what happens next; nothing is destroyed automatically.
    retention_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Invitation(SQLModel, table=True):
    """A single-use, expiring code that lets one carer join a family."""

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    # SHA-256 of the normalised code; the code is shown once to the clinician and never stored.
    code_hash: str = Field(max_length=64, unique=True, index=True)
    # Who the invitation is for, in the clinician's words (e.g. "Dad"); never shown to others.
    invitee_note: str | None = Field(default=None, max_length=80)
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
