"""Schedules (what each carer is asked, how often) and stored check-ins."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from parentapp.db import UTCDateTime, utcnow

DEFAULT_INTERVAL_DAYS = 7


class Schedule(SQLModel, table=True):
    """One instrument a clinician has asked one carer to complete every ``interval_days``."""

    __tablename__ = "checkin_schedule"
    __table_args__ = (
        sa.UniqueConstraint("carer_id", "instrument_id", name="uq_schedule_carer_instrument"),
    )

    id: int | None = Field(default=None, primary_key=True)
    carer_id: int = Field(foreign_key="carer.id", index=True)
    instrument_id: str = Field(max_length=64)
    interval_days: int = Field(default=DEFAULT_INTERVAL_DAYS)
    # The first check-in is due at this moment; later ones every interval after the last one.
    starts_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    active: bool = Field(default=True)
    # Asked for now, whatever the interval (a positive screen's full questionnaire): due from
    # this moment until an answer comes after it (checkins/due.py).
    asked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # For bonding items: which baby the carer answers about (None: the family's only baby).
    infant_id: int | None = Field(default=None, foreign_key="infant.id")
    # The clinician chose an instrument not validated for this carer's role, knowingly.
    role_override: bool = Field(default=False)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CheckIn(SQLModel, table=True):
    """One carer's answers to one instrument version, judged by one ruleset version."""

    __tablename__ = "checkin"
    __table_args__ = (
        sa.UniqueConstraint("carer_id", "idempotency_key", name="uq_checkin_idempotency"),
        # "Latest check-in per carer and instrument" drives due dates and the dashboard.
        sa.Index(
            "ix_checkin_carer_instrument_submitted", "carer_id", "instrument_id", "submitted_at"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    carer_id: int = Field(foreign_key="carer.id", index=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    infant_id: int | None = Field(default=None, foreign_key="infant.id")
    schedule_id: int | None = Field(default=None, foreign_key="checkin_schedule.id")
    instrument_id: str = Field(max_length=64, index=True)
    instrument_version: str = Field(max_length=32)
    ruleset_version: str = Field(max_length=32)
    # The language the carer answered in, and whether that translation is a validated one.
    locale: str = Field(max_length=16)
    translation_validated: bool = Field(default=True)
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # linkId -> answer code (choice), "true"/"false" (boolean); free text lives in ``note``.
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # scale id -> {"value": number | None, "band": str | None, "answered": int, "missing": int}
    scores: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(sa.Text, nullable=True))
    contact_requested: bool = Field(default=False)
    # Client-chosen key (offline retries); the hash tells a true replay from a different payload.
    idempotency_key: str | None = Field(default=None, max_length=64)
    payload_hash: str | None = Field(default=None, max_length=64)
