"""Quiet hours: a pure function of the moment, the two times and the time zone."""

from datetime import UTC, datetime, time, timedelta

import pytest

from parentapp.reminders.quiet import in_quiet_hours

NIGHT = (time(22, 0), time(8, 0))  # spans midnight
AFTERNOON = (time(13, 0), time(15, 30))  # within one day
SECOND = timedelta(seconds=1)


def utc(hour: int, minute: int = 0, day: int = 5) -> datetime:
    # January: London is on UTC, so these read as London times too.
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "quiet"),
    [
        (utc(22) - SECOND, False),  # just before the start
        (utc(22), True),  # at the start
        (utc(22) + SECOND, True),  # just after the start
        (utc(23, 59), True),
        (utc(0, 0, day=6), True),  # across midnight
        (utc(3, 0, day=6), True),
        (utc(8, 0, day=6) - SECOND, True),  # just before the end
        (utc(8, 0, day=6), False),  # at the end: quiet hours are over
        (utc(8, 0, day=6) + SECOND, False),  # just after the end
        (utc(12), False),
    ],
)
def test_night_quiet_hours(now: datetime, quiet: bool) -> None:
    assert in_quiet_hours(now, *NIGHT, "Europe/London") is quiet


@pytest.mark.parametrize(
    ("now", "quiet"),
    [
        (utc(13) - SECOND, False),
        (utc(13), True),
        (utc(13) + SECOND, True),
        (utc(15, 30) - SECOND, True),
        (utc(15, 30), False),
        (utc(15, 30) + SECOND, False),
        (utc(23), False),
        (utc(2), False),
    ],
)
def test_quiet_hours_within_a_day(now: datetime, quiet: bool) -> None:
    assert in_quiet_hours(now, *AFTERNOON, "Europe/London") is quiet


@pytest.mark.parametrize(
    ("start", "end"), [(None, None), (time(22), None), (None, time(8)), (time(9), time(9))]
)
def test_no_quiet_hours(start: time | None, end: time | None) -> None:
    for hour in range(24):
        assert not in_quiet_hours(utc(hour), start, end, "Europe/London")


def test_local_time_in_the_zone_given() -> None:
    # 21:30 UTC is 16:30 in New York (quiet hours not started) and 03:00 in Karachi's night.
    now = utc(21, 30)
    assert not in_quiet_hours(now, *NIGHT, "America/New_York")
    assert in_quiet_hours(now, *NIGHT, "Asia/Karachi")


def test_follows_summer_time() -> None:
    # In July London is UTC+1: 21:30 UTC is 22:30 there, inside the night's quiet hours.
    july = datetime(2026, 7, 6, 21, 30, tzinfo=UTC)
    assert in_quiet_hours(july, *NIGHT, "Europe/London")
    assert not in_quiet_hours(july, *NIGHT, "UTC")
