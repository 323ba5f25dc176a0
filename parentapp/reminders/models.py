"""Push subscriptions of carers' browsers, and the reminders sent for each due check-in."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from parentapp.db import UTCDateTime, utcnow


class PushSubscription(SQLModel, table=True):
    """One browser's Web Push subscription (``PushSubscription.toJSON()``) for one user."""

    __tablename__ = "push_subscription"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    # The push service's URL for this browser; unique, so re-subscribing updates the row.
    endpoint: str = Field(sa_column=Column(sa.Text, nullable=False, unique=True))
    p256dh: str = Field(max_length=255)
    auth: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Reminder(SQLModel, table=True):
    """A reminder sent (or being sent) for one due moment of one schedule.

    ``(schedule_id, due_at, kind)`` is unique: however often the job runs, a carer gets at most
    one first reminder and one follow-up for each check-in that falls due.
    """

    __tablename__ = "reminder"
    __table_args__ = (sa.UniqueConstraint("schedule_id", "due_at", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    carer_id: int = Field(foreign_key="carer.id", index=True)
    schedule_id: int = Field(foreign_key="checkin_schedule.id", index=True)
    due_at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(max_length=16)  # "first" | "follow_up"
    # "push" when at least one device accepted it, else "email", or "none" (nothing reached).
    channel: str = Field(max_length=16)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
