"""Due check-ins, done ones and carers who stopped, at the edges of each interval."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from parentapp.families.roles import CarerRole
from parentapp.outcomes.engagement import Due, due_checkins, engagement_figures
from parentapp.outcomes.records import (
    ALL,
    CarerInfo,
    CheckinRow,
    Group,
    Period,
    ScheduleRow,
    TeamRows,
    period_of,
)

DAY, SECOND = timedelta(days=1), timedelta(seconds=1)
PERIOD = period_of(date(2026, 9, 1), date(2026, 11, 29), "UTC")
START = datetime(2026, 9, 7, 9, tzinfo=UTC)  # the schedule's first due moment
NOW = datetime(2026, 12, 15, tzinfo=UTC)  # after the period
CONSENTED = START - 30 * DAY


def weekly(starts_at: datetime = START, asked_until: datetime | None = None) -> ScheduleRow:
    return ScheduleRow(1, "phq9", 7, starts_at, asked_until)


def due(
    submitted: Sequence[datetime],
    schedule: ScheduleRow | None = None,
    *,
    period: Period = PERIOD,
    now: datetime = NOW,
    last_before: datetime | None = None,
    consented_at: datetime | None = CONSENTED,
) -> Due:
    return due_checkins(
        schedule or weekly(),
        submitted,
        last_before=last_before,
        consented_at=consented_at,
        period=period,
        now=now,
    )


def short(end: datetime) -> Period:
    """A period from the schedule's start to just before ``end``'s day ends (for counting a
    handful of due dates)."""
    return Period(START.date(), end.date(), START, end)


def test_nothing_is_due_before_consent() -> None:
    assert due([], consented_at=None) == Due(0, 0)
    # Consent a day after the start: the first check-in falls due then.
    assert due(
        [START + 1 * DAY + SECOND], consented_at=START + DAY, period=short(START + 2 * DAY)
    ) == Due(1, 1)


def test_done_until_the_interval_ends() -> None:
    """Due at START: done by a check-in at START or a second before the week is out; one a
    week later is the next due one, the first is missed."""
    window = short(START + DAY)  # only the first due moment is in the period
    assert due([START], period=window) == Due(1, 1)
    assert due([START + 7 * DAY - SECOND], period=window) == Due(1, 1)
    assert due([START + 7 * DAY], period=window) == Due(1, 0)


def test_an_early_check_in_moves_the_next_due_date() -> None:
    """Sent a day before it was due: not a due one, and the next is due a week after it."""
    early = START + 6 * DAY  # the second is due at START + 7 days; sent a day before
    found = due([START, early, early + 7 * DAY], period=short(START + 14 * DAY))
    # Due: START (done), early + 7 days (done). The early one was not a due check-in.
    assert found == Due(2, 2)


def test_a_check_in_still_within_its_interval_is_not_counted() -> None:
    now = START + 10 * DAY  # the second is due at START + 7 days, its week not out
    assert due([START], now=now, period=short(START + 30 * DAY)) == Due(1, 1)
    assert due([START], now=START + 14 * DAY, period=short(START + 30 * DAY)) == Due(2, 1)


def test_due_dates_before_the_period_are_not_counted() -> None:
    """A schedule two years old, never answered: only the period's own due dates count (and
    two years of weeks cost no time)."""
    old = weekly(starts_at=START - 730 * DAY)
    found = due([], old)
    weeks = (PERIOD.ends_at - PERIOD.starts_at) // (7 * DAY)
    assert found.done == 0 and found.due in {weeks, weeks + 1}
    # The last check-in before the rows read decides the next due date.
    found = due([], old, last_before=PERIOD.ends_at - 3 * DAY)
    assert found == Due(0, 0)


def test_nothing_is_due_once_asking_stopped() -> None:
    stopped = weekly(asked_until=START + 10 * DAY)
    assert due([START], stopped) == Due(2, 1)  # START done, START + 7 days missed


def _rows(schedules: Sequence[ScheduleRow], times: Sequence[datetime]) -> TeamRows:
    return TeamRows(
        carers=(CarerInfo(1, CarerRole.FATHER, "pl", CONSENTED),),
        checkins=tuple(CheckinRow(1, "phq9", at, {"total": 5}) for at in times),
        last_before={},
        schedules=tuple(schedules),
        flags=(),
    )


EVERYONE = (Group(ALL, ALL),)


def _stopped(schedule: ScheduleRow, times: Sequence[datetime]) -> tuple[int, int]:
    found = engagement_figures(_rows([schedule], times), PERIOD, NOW, EVERYONE)[0]
    return found.could_stop, found.stopped


def test_stopped_is_no_check_in_in_the_last_two_intervals() -> None:
    end = PERIOD.ends_at
    assert _stopped(weekly(), [end - 14 * DAY]) == (1, 0)  # at the window's start: not stopped
    assert _stopped(weekly(), [end - 14 * DAY - SECOND]) == (1, 1)  # a second before: stopped
    assert _stopped(weekly(), []) == (1, 1)  # never answered counts as stopped too


def test_a_schedule_younger_than_two_intervals_cannot_have_stopped() -> None:
    end = PERIOD.ends_at
    assert _stopped(weekly(starts_at=end - 14 * DAY), []) == (1, 1)
    assert _stopped(weekly(starts_at=end - 14 * DAY + SECOND), []) == (0, 0)


def test_a_schedule_stopped_before_the_end_cannot_have_stopped_the_carer() -> None:
    ended = weekly(asked_until=PERIOD.ends_at - DAY)
    assert _stopped(ended, []) == (0, 0)


def test_median_days_between_check_ins_in_the_period() -> None:
    times = [START, START + 7 * DAY, START + 21 * DAY, START + 31 * DAY]  # gaps 7, 14, 10
    found = engagement_figures(_rows([weekly()], times), PERIOD, NOW, EVERYONE)[0]
    assert found.median_days_between == 10
    one = engagement_figures(_rows([weekly()], times[:1]), PERIOD, NOW, EVERYONE)[0]
    assert one.median_days_between is None
