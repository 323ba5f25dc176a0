"""When the team is next at work: what carers are told after an urgent answer."""

from datetime import UTC, datetime, time, timedelta

import pytest

from parentapp.teams.hours import (
    WorkingHours,
    add_working_time,
    format_days,
    is_working_time,
    next_working_moment,
    parse_days,
    working_day_length,
)

LONDON = WorkingHours("Europe/London", frozenset({1, 2, 3, 4, 5}), time(9, 0), time(17, 0))


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_friday_evening_waits_until_monday_morning():
    friday_evening = utc(2026, 11, 27, 19, 30)  # London is on GMT in November

    assert next_working_moment(friday_evening, LONDON) == utc(2026, 11, 30, 9, 0)


def test_inside_working_hours_is_now():
    wednesday_morning = utc(2026, 11, 25, 10, 17, 3)

    assert next_working_moment(wednesday_morning, LONDON) == wednesday_morning
    assert is_working_time(wednesday_morning, LONDON)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 11, 25, 8, 59, 59), utc(2026, 11, 25, 9, 0)),  # just before opening
        (utc(2026, 11, 25, 9, 0), utc(2026, 11, 25, 9, 0)),  # opening: now
        (utc(2026, 11, 25, 16, 59, 59), utc(2026, 11, 25, 16, 59, 59)),  # last second
        (utc(2026, 11, 25, 17, 0), utc(2026, 11, 26, 9, 0)),  # closing: tomorrow
        (utc(2026, 11, 28, 12, 0), utc(2026, 11, 30, 9, 0)),  # Saturday
        (utc(2026, 11, 29, 23, 59), utc(2026, 11, 30, 9, 0)),  # Sunday night
        (utc(2026, 11, 26, 23, 0), utc(2026, 11, 27, 9, 0)),  # Thursday night: Friday
    ],
)
def test_at_and_around_the_edges_of_the_working_day(now: datetime, expected: datetime):
    assert next_working_moment(now, LONDON) == expected


def test_local_wall_clock_across_a_clock_change():
    # The clocks go forward on Sunday 29 March 2026: Monday 09:00 BST is 08:00 UTC.
    friday_evening = utc(2026, 3, 27, 18, 0)

    assert next_working_moment(friday_evening, LONDON) == utc(2026, 3, 30, 8, 0)


def test_the_teams_own_time_zone_decides():
    new_york = WorkingHours("America/New_York", LONDON.days, time(9, 0), time(17, 0))
    # 15:00 in London on a Wednesday is 10:00 in New York: at work there.
    now = utc(2026, 11, 25, 15, 0)

    assert next_working_moment(now, new_york) == now
    # 23:00 UTC Friday is 18:00 in New York: Monday 09:00 EST is 14:00 UTC.
    assert next_working_moment(utc(2026, 11, 27, 23, 0), new_york) == utc(2026, 11, 30, 14, 0)


def test_a_weekend_team():
    weekends = WorkingHours("Europe/London", frozenset({6, 7}), time(10, 0), time(14, 0))

    assert next_working_moment(utc(2026, 11, 25, 12, 0), weekends) == utc(2026, 11, 28, 10, 0)
    assert next_working_moment(utc(2026, 11, 29, 14, 0), weekends) == utc(2026, 12, 5, 10, 0)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_working_moment(datetime(2026, 11, 25, 12, 0), LONDON)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("days", "start", "end"),
    [(frozenset(), time(9), time(17)), (frozenset({8}), time(9), time(17)),
     (frozenset({1}), time(17), time(9)), (frozenset({1}), time(9), time(9))],
)  # fmt: skip
def test_an_impossible_week_is_refused(days: frozenset[int], start: time, end: time):
    with pytest.raises(ValueError):
        WorkingHours("Europe/London", days, start, end)


def test_days_round_trip_and_ignore_rubbish():
    assert parse_days("1,2,3,4,5") == {1, 2, 3, 4, 5}
    assert parse_days("7, 1,x,9,,3") == {1, 3, 7}
    assert format_days({5, 1, 3}) == "1,3,5"


# Working time: response times count only the hours the team is at work.


def test_working_time_within_one_day():
    monday_10 = utc(2026, 11, 23, 10, 0)
    assert add_working_time(monday_10, timedelta(hours=4), LONDON) == utc(2026, 11, 23, 14, 0)


def test_working_time_ending_exactly_at_closing_stays_that_day():
    monday_13 = utc(2026, 11, 23, 13, 0)
    assert add_working_time(monday_13, timedelta(hours=4), LONDON) == utc(2026, 11, 23, 17, 0)


def test_working_time_one_second_past_closing_runs_into_the_next_day():
    monday_13 = utc(2026, 11, 23, 13, 0)
    due = add_working_time(monday_13, timedelta(hours=4, seconds=1), LONDON)
    assert due == utc(2026, 11, 24, 9, 0, 1)


def test_working_time_from_friday_afternoon_carries_over_the_weekend():
    friday_15 = utc(2026, 11, 27, 15, 0)
    assert add_working_time(friday_15, timedelta(hours=4), LONDON) == utc(2026, 11, 30, 11, 0)


def test_working_time_from_outside_hours_starts_at_opening():
    saturday = utc(2026, 11, 28, 22, 0)
    assert add_working_time(saturday, timedelta(hours=4), LONDON) == utc(2026, 11, 30, 13, 0)


def test_two_working_days_from_monday_afternoon_is_wednesday_afternoon():
    monday_15 = utc(2026, 11, 23, 15, 0)
    two_days = working_day_length(LONDON) * 2
    assert add_working_time(monday_15, two_days, LONDON) == utc(2026, 11, 25, 15, 0)


def test_working_time_across_the_spring_clock_change_counts_local_hours():
    # London moves to BST on Sunday 29 March 2026: 09:00 local is then 08:00 UTC.
    friday_16 = utc(2026, 3, 27, 16, 0)  # GMT
    assert add_working_time(friday_16, timedelta(hours=2), LONDON) == utc(2026, 3, 30, 9, 0)


def test_zero_working_time_is_the_next_working_moment():
    saturday = utc(2026, 11, 28, 22, 0)
    assert add_working_time(saturday, timedelta(0), LONDON) == utc(2026, 11, 30, 9, 0)


def test_negative_working_time_is_refused():
    with pytest.raises(ValueError):
        add_working_time(utc(2026, 11, 23, 10, 0), timedelta(hours=-1), LONDON)


def test_working_day_length():
    assert working_day_length(LONDON) == timedelta(hours=8)
