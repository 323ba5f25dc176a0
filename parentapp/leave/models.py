"""A period of leave and who covers it."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from parentapp.db import UTCDateTime, utcnow


class Leave(SQLModel, table=True):
    """Leave from ``starts_on`` to ``ends_on`` inclusive, as dates in the team's time zone."""

    __tablename__ = "leave"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    cover_id: int = Field(foreign_key="user_account.id", index=True)
    starts_on: date
    ends_on: date
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Ended early or called off; the row stays so the record of who covered when is kept.
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
