"""A team's working hours: when someone is at work to read what carers send. Pure: no Flask,
no database, so the arithmetic that carers are told about can be tested on its own."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parentapp.teams.models import Team

# ISO weekday numbers (1 = Monday ... 7 = Sunday).
WEEKDAYS = range(1, 8)


@dataclass(frozen=True)
class WorkingHours:
    time_zone: str
    days: frozenset[int]
    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.days or not self.days <= set(WEEKDAYS):
            raise ValueError(f"working days must be ISO weekdays 1-7, got {sorted(self.days)}")
        if self.start >= self.end:
            raise ValueError("working hours must start before they end")


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
    # Eight days always reach a working day's start, whichever day and hour ``now`` is.
    for offset in range(8):
        candidate = day + timedelta(days=offset)
        if candidate.isoweekday() not in hours.days:
            continue
        opens = datetime.combine(candidate, hours.start, tzinfo=zone)
        closes = datetime.combine(candidate, hours.end, tzinfo=zone)
        if local < opens:
            return opens.astimezone(UTC)
        if local < closes:
            return now.astimezone(UTC)
    raise AssertionError("unreachable: a working day falls within any eight days")


def is_working_time(now: datetime, hours: WorkingHours) -> bool:
    return next_working_moment(now, hours) == now.astimezone(UTC)


DEFAULT_DAYS = frozenset({1, 2, 3, 4, 5})


def of_team(team: Team) -> WorkingHours:
    """A team's configured hours. Settings refuse an empty or inverted week, so the fallback
    to Monday-Friday 09:00-17:00 only covers rows written some other way."""
    try:
        return WorkingHours(
            team.time_zone, parse_days(team.working_days), team.working_start, team.working_end
        )
    except ValueError:
        return WorkingHours(team.time_zone, DEFAULT_DAYS, time(9, 0), time(17, 0))
