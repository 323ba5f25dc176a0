"""A team's working hours: when someone is at work to read what carers send. Pure: no Flask,
no database (``of_team`` aside, which reads the team's closure days), so the arithmetic that
carers are told about can be tested on its own.

Public holidays of the team's UK nation and the days a lead has closed are not working time:
nobody is there to read a carer's answers, so no response time may count through them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import sqlalchemy as sa
from sqlalchemy.orm import object_session
from sqlmodel import col

from parentapp.teams.models import DEFAULT_NATION, NATIONS, Team, TeamClosure

# ISO weekday numbers (1 = Monday ... 7 = Sunday).
WEEKDAYS = range(1, 8)
# A search for the next working day gives up after this many days (closures are refused more
# than a year ahead, and a year has a dozen holidays at most, so this is never reached).
SEARCH_DAYS = 800


@lru_cache(maxsize=64)
def public_holidays(nation: str, year: int) -> frozenset[date]:
    """The public holidays (with substitute days) of a UK nation in ``year``."""
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year).keys())


@dataclass(frozen=True)
class WorkingHours:
    time_zone: str
    days: frozenset[int]
    start: time
    end: time
    # Whose public holidays are days off: a UK nation code ("ENG", "SCT", ...); None: none.
    nation: str | None = None
    # Other days off (the team's closure days), as dates in the team's zone.
    closed: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.days or not self.days <= set(WEEKDAYS):
            raise ValueError(f"working days must be ISO weekdays 1-7, got {sorted(self.days)}")
        if self.start >= self.end:
            raise ValueError("working hours must start before they end")
        if self.nation is not None and self.nation not in NATIONS:
            raise ValueError(f"unknown nation {self.nation!r}")

    def works_on(self, day: date) -> bool:
        """Whether ``day`` (a date in the team's zone) is a working day."""
        if day.isoweekday() not in self.days or day in self.closed:
            return False
        return self.nation is None or day not in public_holidays(self.nation, day.year)


def parse_days(value: str) -> frozenset[int]:
    """ "1,2,3,4,5" (as stored on a team) -> {1, 2, 3, 4, 5}; anything not a weekday is dropped."""
    days = {int(part) for part in value.split(",") if part.strip().isdigit()}
    return frozenset(days & set(WEEKDAYS))


def format_days(days: Iterable[int]) -> str:
    return ",".join(str(day) for day in sorted(set(days)))


def next_working_moment(now: datetime, hours: WorkingHours) -> datetime:
    """The first moment at or after ``now`` when the team is at work, in UTC.

    Inside working hours that is ``now`` itself. Local wall-clock times are used, so a team
    that starts at 09:00 starts at 09:00 on both sides of a clock change.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(hours.time_zone)
    local = now.astimezone(zone)
    day = local.date()
    for offset in range(SEARCH_DAYS):
        candidate = day + timedelta(days=offset)
        if not hours.works_on(candidate):
            continue
        opens = datetime.combine(candidate, hours.start, tzinfo=zone)
        closes = datetime.combine(candidate, hours.end, tzinfo=zone)
        if local < opens:
            return opens.astimezone(UTC)
        if local < closes:
            return now.astimezone(UTC)
    raise ValueError("no working day found: the team is closed for too long")


def _closing(moment: datetime, hours: WorkingHours) -> datetime:
    """The end (UTC) of the working day that ``moment`` (a working moment) falls in."""
    zone = ZoneInfo(hours.time_zone)
    local = moment.astimezone(zone)
    return datetime.combine(local.date(), hours.end, tzinfo=zone).astimezone(UTC)


def add_working_time(start: datetime, duration: timedelta, hours: WorkingHours) -> datetime:
    """The moment (UTC) when ``duration`` of the team's working time has passed since ``start``.

    Time outside working hours does not count: four working hours from 15:00 on a Friday, for a
    team working 09:00-17:00 on weekdays, ends at 11:00 on Monday.
    """
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    moment = next_working_moment(start, hours)
    remaining = duration
    # Each pass uses up one working day; a year of days is far more than any response time.
    for _ in range(366 * 2):
        closes = _closing(moment, hours)
        available = closes - moment
        if remaining <= available:
            return moment + remaining
        remaining -= available
        moment = next_working_moment(closes, hours)
    raise ValueError("duration is too long to count in working time")


def working_day_length(hours: WorkingHours) -> timedelta:
    """How long one working day is (wall-clock, so the same on both sides of a clock change)."""
    day = date(2000, 1, 3)
    return datetime.combine(day, hours.end) - datetime.combine(day, hours.start)


def is_working_time(now: datetime, hours: WorkingHours) -> bool:
    return next_working_moment(now, hours) == now.astimezone(UTC)


DEFAULT_DAYS = frozenset({1, 2, 3, 4, 5})


def closure_days(team: Team) -> frozenset[date]:
    """The days ``team`` has closed, read through the session the team was loaded in (a team
    never stored has none)."""
    session = object_session(team)
    if session is None or team.id is None:
        return frozenset()
    rows = session.execute(
        sa.select(col(TeamClosure.day)).where(col(TeamClosure.team_id) == team.id)
    )
    return frozenset(rows.scalars())


def of_team(team: Team, closed: Iterable[date] | None = None) -> WorkingHours:
    """A team's configured hours, holidays and closure days (``closed``, or read from the
    database). Settings refuse an empty or inverted week, so the fallback to Monday-Friday
    09:00-17:00 only covers rows written some other way; likewise an unknown nation falls
    back to England's holidays rather than to none."""
    days_off = frozenset(closed) if closed is not None else closure_days(team)
    nation = team.nation if team.nation in NATIONS else DEFAULT_NATION
    try:
        return WorkingHours(
            team.time_zone,
            parse_days(team.working_days),
            team.working_start,
            team.working_end,
            nation=nation,
            closed=days_off,
        )
    except ValueError:
        return WorkingHours(
            team.time_zone, DEFAULT_DAYS, time(9, 0), time(17, 0), nation=nation, closed=days_off
        )
