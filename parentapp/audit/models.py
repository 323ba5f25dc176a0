"""The audit log: who did what, when and from where; never health answers."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from parentapp.db import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """One recorded action. ``detail`` holds identifiers and outcomes, never clinical content."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    action: str = Field(max_length=64, index=True)
    target_type: str | None = Field(default=None, max_length=32)
    target_id: int | None = Field(default=None)
    ip_address: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, max_length=255)
