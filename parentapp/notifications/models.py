"""The notification outbox: rows written in the same transaction as what they announce,
delivered at least once by the worker."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import JSON, Column, Field, SQLModel

from parentapp.db import UTCDateTime, utcnow


class Channel(enum.StrEnum):
    EMAIL = "email"
    IN_APP = "in_app"


class Notification(SQLModel, table=True):
    """One message to one person on one channel. Never holds clinical details."""

    __tablename__ = "notification"

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="user_account.id", index=True)
    channel: str = Field(max_length=16)
    # flag_opened | flag_escalated | digest | ...; the template chosen at delivery time.
    kind: str = Field(max_length=32)
    flag_id: int | None = Field(default=None, foreign_key="flag.id")
    # Counts and identifiers only (e.g. {"urgent": 1, "total": 3}); never answers or notes.
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Not before this moment: retries back off, digests wait for their hour.
    deliver_after: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=255)
    # A worker's lease: a row claimed by a worker that died becomes claimable again after it.
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# The PostgreSQL channel a new outbox row is announced on; the worker LISTENs on it.
OUTBOX_CHANNEL = "parentapp_outbox"


@sa.event.listens_for(Session, "after_flush")
def _announce_new_rows(session: Session, _flush_context: Any) -> None:
    """On PostgreSQL, a flush that adds outbox rows queues a NOTIFY in the same transaction.

    PostgreSQL sends it when the transaction commits and drops it when it rolls back (a rolled
    back savepoint too), so the worker is woken only for rows it can see. One place for every
    writer of the outbox: whatever adds a ``Notification`` through a session wakes the worker.
    Identical notifications in one transaction reach a listener once.
    """
    if not any(isinstance(row, Notification) for row in session.new):
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_notify(OUTBOX_CHANNEL, "")))
