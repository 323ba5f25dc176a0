"""Teams: the unit that owns families, clinicians and settings."""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from parentapp.db import UTCDateTime, utcnow

DEFAULT_INVITE_EXPIRY_DAYS = 14
# A team lead may choose an invitation lifetime between these bounds (days).
INVITE_EXPIRY_BOUNDS = (1, 30)
DEFAULT_MISSED_CHECKINS = 2
# How many consecutive missed check-ins a lead may choose before a disengagement flag.
MISSED_CHECKINS_BOUNDS = (1, 6)
# How soon a flag must be acknowledged, counted in the team's working time. An urgent flag
# waits at most one working day whatever a lead chooses; a concern at most one working week.
DEFAULT_URGENT_RESPONSE_HOURS = 4
URGENT_RESPONSE_BOUNDS = (1, 8)
DEFAULT_CONCERN_RESPONSE_DAYS = 2
CONCERN_RESPONSE_BOUNDS = (1, 5)
# A carer's note is read the same or the next working day; a lead may allow up to a week.
DEFAULT_NOTE_RESPONSE_DAYS = 1
NOTE_RESPONSE_BOUNDS = (1, 5)
# Someone who asked to be contacted hears from the team within about a working day, at most two.
DEFAULT_CONTACT_RESPONSE_HOURS = 8
CONTACT_RESPONSE_BOUNDS = (1, 16)
# Public holidays follow the team's UK nation (the `holidays` package's subdivision codes).
NATIONS = ("ENG", "WLS", "SCT", "NIR")
DEFAULT_NATION = "ENG"
CLOSURE_REASON_MAX = 80
# Closure days are entered one at a time up to a year ahead; working time counts past them.
CLOSURE_DAYS_AHEAD = 366
# A neutral page to leave for at once: weather looks like nothing in a browser's history.
DEFAULT_QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"
QUICK_EXIT_URL_MAX = 255
DISCREET_NAME_MAX = 30


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
    urgent_response_hours: int = Field(
        default=DEFAULT_URGENT_RESPONSE_HOURS,
        sa_column_kwargs={"server_default": str(DEFAULT_URGENT_RESPONSE_HOURS)},
    )
    concern_response_days: int = Field(
        default=DEFAULT_CONCERN_RESPONSE_DAYS,
        sa_column_kwargs={"server_default": str(DEFAULT_CONCERN_RESPONSE_DAYS)},
    )
    note_response_days: int = Field(
        default=DEFAULT_NOTE_RESPONSE_DAYS,
        sa_column_kwargs={"server_default": str(DEFAULT_NOTE_RESPONSE_DAYS)},
    )
    contact_response_hours: int = Field(
        default=DEFAULT_CONTACT_RESPONSE_HOURS,
        sa_column_kwargs={"server_default": str(DEFAULT_CONTACT_RESPONSE_HOURS)},
    )
    # Which UK nation's public holidays are not working time.
    nation: str = Field(
        default=DEFAULT_NATION, max_length=3, sa_column_kwargs={"server_default": DEFAULT_NATION}
    )
    # Home-use safety: a name and icon on the phone that do not say what the app is for, and
    # where the quick-exit control goes (a neutral site that replaces the page in history).
    discreet_name: str | None = Field(default=None, max_length=DISCREET_NAME_MAX)
    discreet_icon: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    quick_exit_url: str = Field(
        default=DEFAULT_QUICK_EXIT_URL,
        max_length=QUICK_EXIT_URL_MAX,
        sa_column_kwargs={"server_default": DEFAULT_QUICK_EXIT_URL},
    )
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


class TeamClosure(SQLModel, table=True):
    """A day the team is closed (a training day, a local holiday): not working time, so no
    response time counts through it. A date in the team's own zone."""

    __tablename__ = "team_closure"
    __table_args__ = (sa.UniqueConstraint("team_id", "day", name="uq_team_closure_day"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    day: date
    reason: str = Field(max_length=CLOSURE_REASON_MAX)
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
