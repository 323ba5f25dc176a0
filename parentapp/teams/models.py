"""Teams: the unit that owns families, clinicians and settings."""

from datetime import datetime, time

from sqlmodel import Field, SQLModel

from parentapp.db import UTCDateTime, utcnow

DEFAULT_INVITE_EXPIRY_DAYS = 14
# A team lead may choose an invitation lifetime between these bounds (days).
INVITE_EXPIRY_BOUNDS = (1, 30)
DEFAULT_MISSED_CHECKINS = 2
# How many consecutive missed check-ins a lead may choose before a disengagement flag.
MISSED_CHECKINS_BOUNDS = (1, 6)


class Team(SQLModel, table=True):
    """A perinatal or parent-infant mental health team."""

    __tablename__ = "team"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    time_zone: str = Field(default="Europe/London", max_length=64)
    invite_expiry_days: int = Field(default=DEFAULT_INVITE_EXPIRY_DAYS)
    missed_checkins_threshold: int = Field(
        default=DEFAULT_MISSED_CHECKINS,
        sa_column_kwargs={"server_default": str(DEFAULT_MISSED_CHECKINS)},
    )
    # Existing teams get the defaults through server defaults when this column is added.
    # Working hours in the team's own zone; carers are told answers are read in these hours.
    # Days are ISO weekday numbers (1 = Monday), comma-separated.
    working_days: str = Field(
        default="1,2,3,4,5", max_length=20, sa_column_kwargs={"server_default": "1,2,3,4,5"}
    )
    working_start: time = Field(default=time(9, 0), sa_column_kwargs={"server_default": "09:00:00"})
    working_end: time = Field(default=time(17, 0), sa_column_kwargs={"server_default": "17:00:00"})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CrisisContact(SQLModel, table=True):
    """A place a carer can get help at once; shown on the safety screen in this order."""

    __tablename__ = "crisis_contact"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    position: int = Field(default=0)
    name: str = Field(max_length=120)
    phone: str | None = Field(default=None, max_length=40)
    text_number: str | None = Field(default=None, max_length=40)
    # When it is available and what it is for, in the team's words (e.g. "24 hours, free").
    description: str | None = Field(default=None, max_length=255)
