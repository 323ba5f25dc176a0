"""Teams: the unit that owns families, clinicians and settings."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from parentapp.db import UTCDateTime, utcnow

DEFAULT_INVITE_EXPIRY_DAYS = 14
# A team lead may choose an invitation lifetime between these bounds (days).
INVITE_EXPIRY_BOUNDS = (1, 30)


class Team(SQLModel, table=True):
    """A perinatal or parent-infant mental health team."""

    __tablename__ = "team"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    time_zone: str = Field(default="Europe/London", max_length=64)
    invite_expiry_days: int = Field(default=DEFAULT_INVITE_EXPIRY_DAYS)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
