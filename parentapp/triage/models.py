"""Flags raised by the rules, and the history of each flag."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from parentapp.db import UTCDateTime, utcnow
from parentapp.triage.vocab import FlagState


class Flag(SQLModel, table=True):
    """A concern about one carer that a clinician must see, own and close.

    At most one flag per carer, category and (for categories kept per baby) infant is not
    closed: a repeat trigger updates it (the partial unique index makes that hold even when two
    check-ins race).
    """

    __tablename__ = "flag"
    __table_args__ = (
        sa.Index(
            "uq_flag_live_per_category",
            "carer_id",
            "category",
            "infant_key",
            unique=True,
            sqlite_where=sa.text("state != 'closed'"),
            postgresql_where=sa.text("state != 'closed'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    carer_id: int = Field(foreign_key="carer.id", index=True)
    # The baby a harm-to-baby flag is about: an answer about a second baby is its own flag.
    infant_id: int | None = Field(default=None, foreign_key="infant.id")
    # infant_id or 0, for the unique index (NULLs never collide in a unique index, so a NULL
    # infant would let a second live flag of the same category in).
    infant_key: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The clinician who owns it: the family's assigned clinician when it was raised.
    owner_id: int = Field(foreign_key="user_account.id", index=True)
    category: str = Field(max_length=32)
    severity: str = Field(max_length=16, index=True)
    safeguarding: bool = Field(default=False)
    rule_id: str = Field(max_length=64)
    ruleset_version: str = Field(max_length=32)
    state: str = Field(default=FlagState.OPEN.value, max_length=16, index=True)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_triggered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    trigger_count: int = Field(default=1)
    # The latest check-in that triggered it (None for disengagement).
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    # What triggered it: {"answers": {linkId: code}, "scores": {...}, "missed": n, ...}.
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # When it must be acknowledged by: the team's response time for its severity, counted in
    # the team's working hours from when it was raised (or became urgent).
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # 0: not escalated; 1: escalated to the duty clinician; 2: escalated to the team lead.
    escalation_level: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    outcome: str | None = Field(default=None, max_length=32)
    outcome_note: str | None = Field(default=None, sa_column=Column(sa.Text, nullable=True))


class FlagEvent(SQLModel, table=True):
    """One change in a flag's life: opened, retriggered, acknowledged, closed, escalated."""

    __tablename__ = "flag_event"

    id: int | None = Field(default=None, primary_key=True)
    flag_id: int = Field(foreign_key="flag.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    kind: str = Field(max_length=32)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    rule_id: str | None = Field(default=None, max_length=64)
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    note: str | None = Field(default=None, sa_column=Column(sa.Text, nullable=True))
    # For escalations: the step reached (1 duty clinician, 2 team lead) and who was told.
    level: int | None = Field(default=None)
    recipient_ids: list[int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
