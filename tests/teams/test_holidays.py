"""Public holidays (per UK nation) and a team's closure days are not working time: no response
time counts through them, and carers are told the next real working moment."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from parentapp.teams.hours import (
    WorkingHours,
    add_working_time,
    is_working_time,
    next_working_moment,
    of_team,
)
from parentapp.teams.models import Team

WEEK = frozenset({1, 2, 3, 4, 5})


def hours(nation: str | None = "ENG", closed: frozenset[date] = frozenset()) -> WorkingHours:
    return WorkingHours("Europe/London", WEEK, time(9, 0), time(17, 0), nation, closed)


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_christmas_and_boxing_day_are_not_working_days_in_england():
    # Christmas Day 2026 is a Friday; Boxing Day (Saturday) is observed on Monday 28th.
    assert not is_working_time(utc(2026, 12, 25, 12, 0), hours())
    assert not is_working_time(utc(2026, 12, 28, 12, 0), hours())
    assert next_working_moment(utc(2026, 12, 24, 17, 0), hours()) == utc(2026, 12, 29, 9, 0)


def test_without_a_nation_christmas_is_a_working_day():
    assert is_working_time(utc(2026, 12, 25, 12, 0), hours(nation=None))


def test_st_andrews_day_is_a_holiday_in_scotland_not_in_england():
    monday_noon = utc(2026, 11, 30, 12, 0)  # St Andrew's Day, a Monday in 2026

    assert is_working_time(monday_noon, hours("ENG"))
    assert not is_working_time(monday_noon, hours("SCT"))
    assert next_working_moment(monday_noon, hours("SCT")) == utc(2026, 12, 1, 9, 0)


def test_the_days_just_before_and_after_a_holiday_are_working_days():
    assert is_working_time(utc(2026, 12, 24, 16, 59), hours())  # Christmas Eve, last minute
    assert is_working_time(utc(2026, 12, 29, 9, 0), hours())  # first minute after


def test_a_closure_day_is_not_working_time():
    closed = frozenset({date(2026, 12, 9)})  # a Wednesday training day

    assert not is_working_time(utc(2026, 12, 9, 12, 0), hours(closed=closed))
    assert is_working_time(utc(2026, 12, 8, 16, 59), hours(closed=closed))
    assert is_working_time(utc(2026, 12, 10, 9, 0), hours(closed=closed))
    # Four working hours from Tuesday 15:00: 2 on Tuesday, none on Wednesday, 2 on Thursday.
    assert add_working_time(utc(2026, 12, 8, 15, 0), timedelta(hours=4), hours(closed=closed)) == (
        utc(2026, 12, 10, 11, 0)
    )


def test_working_time_runs_over_christmas_to_the_next_working_day():
    # Four working hours from 15:00 on Christmas Eve: two then, two on Tuesday 29th.
    due = add_working_time(utc(2026, 12, 24, 15, 0), timedelta(hours=4), hours())
    assert due == utc(2026, 12, 29, 11, 0)


def test_a_teams_nation_decides_and_defaults_to_england():
    team = Team(name="Anywhere")
    assert of_team(team).nation == "ENG"
    team.nation = "SCT"
    assert not is_working_time(utc(2026, 11, 30, 12, 0), of_team(team))
    team.nation = "XX"  # a row written some other way: England's holidays, never none
    assert of_team(team).nation == "ENG"


@pytest.mark.parametrize(
    ("nation", "holiday", "in_england_too"),
    [
        ("WLS", date(2026, 8, 31), True),  # Late Summer Bank Holiday
        ("SCT", date(2026, 8, 3), False),  # Scotland's Summer Bank Holiday
        ("NIR", date(2026, 3, 17), False),  # St Patrick's Day
    ],
)
def test_each_nations_own_holidays(nation: str, holiday: date, in_england_too: bool):
    assert not hours(nation).works_on(holiday)
    assert hours("ENG").works_on(holiday) is not in_england_too


def test_an_unknown_nation_is_refused():
    with pytest.raises(ValueError):
        hours("XX")
