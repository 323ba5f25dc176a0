"""When a check-in is due: every interval from the last answer, and at once when asked."""

from datetime import UTC, datetime, timedelta

import pytest

from parentapp.checkins.due import due_state

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_due_an_interval_after_the_last_answer() -> None:
    state = due_state(starts_at=START, interval_days=7, last_submitted_at=START, now=START + DAY)
    assert (state.is_due, state.next_due_at, state.missed) == (False, START + 7 * DAY, 0)
    later = due_state(
        starts_at=START, interval_days=7, last_submitted_at=START, now=START + 15 * DAY
    )
    assert (later.is_due, later.missed) == (True, 1)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (START + 2 * DAY - timedelta(seconds=1), False),  # just before the ask
        (START + 2 * DAY, True),  # at it
        (START + 2 * DAY + timedelta(seconds=1), True),  # just after
    ],
)
def test_asked_now_is_due_from_the_ask_although_answered_lately(now: datetime, due: bool) -> None:
    state = due_state(
        starts_at=START,
        interval_days=14,
        last_submitted_at=START + DAY,
        now=now,
        asked_at=START + 2 * DAY,
    )
    assert (state.is_due, state.next_due_at, state.missed) == (due, START + 2 * DAY, 0)


@pytest.mark.parametrize(
    ("answered", "due"),
    [
        (timedelta(seconds=-1), True),  # answered just before the ask: still asked
        (timedelta(0), False),  # an answer at the very moment of the ask answers it
        (timedelta(seconds=1), False),  # answered after the ask: back to the interval
    ],
)
def test_an_answer_after_the_ask_ends_it(answered: timedelta, due: bool) -> None:
    asked = START + 2 * DAY
    state = due_state(
        starts_at=START,
        interval_days=14,
        last_submitted_at=asked + answered,
        now=asked + DAY,
        asked_at=asked,
    )
    assert state.is_due is due
    if not due:
        assert state.next_due_at == asked + answered + 14 * DAY


def test_an_overdue_schedule_keeps_its_missed_check_ins_when_asked() -> None:
    state = due_state(
        starts_at=START,
        interval_days=7,
        last_submitted_at=None,
        now=START + 15 * DAY,
        asked_at=START + 14 * DAY,
    )
    assert (state.is_due, state.next_due_at, state.missed) == (True, START, 2)
