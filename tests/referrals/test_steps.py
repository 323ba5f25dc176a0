"""The path of a referral and each step's due-by, counted in working time (pure)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parentapp.referrals.steps import STEPS, due_by, may_move
from parentapp.referrals.vocab import State
from parentapp.teams.models import Team

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


def team(**kw: Any) -> Team:
    return Team(name="Riverside", **kw)


def test_the_path_only_goes_forward() -> None:
    assert may_move("received", State.ACKNOWLEDGED)
    assert may_move("received", State.ACCEPTED)  # triaging reads it too
    assert may_move("acknowledged", State.DECLINED)
    assert may_move("accepted", State.CONTACT_OFFERED)
    assert may_move("contact_offered", State.CONTACT_MADE)
    assert may_move("contact_made", State.CLOSED)
    assert not may_move("accepted", State.DECLINED)
    assert not may_move("acknowledged", State.ACKNOWLEDGED)
    assert not may_move("declined", State.CLOSED)
    assert not may_move("closed", State.RECEIVED)
    assert not may_move("received", State.CONTACT_OFFERED)


def test_every_state_is_on_the_path() -> None:
    assert set(STEPS) == set(State)


def test_a_routine_referral_is_read_within_the_note_time() -> None:
    # One working day by default: Monday 10:00 to Tuesday 10:00.
    assert due_by(team(), "received", "routine", MONDAY) == MONDAY + timedelta(days=1)
    assert due_by(team(note_response_days=2), "received", "routine", MONDAY) == MONDAY + timedelta(
        days=2
    )


def test_an_urgent_referral_is_read_within_the_urgent_time() -> None:
    assert due_by(team(), "received", "urgent", MONDAY) == MONDAY + timedelta(hours=4)
    assert due_by(team(urgent_response_hours=2), "received", "urgent", MONDAY) == MONDAY + (
        timedelta(hours=2)
    )


def test_working_time_skips_the_weekend() -> None:
    # Friday 16:00 + 8 working hours: 1 hour on Friday, 7 on Monday (09:00 to 16:00).
    assert due_by(team(), "received", "routine", FRIDAY_4PM) == datetime(
        2026, 11, 30, 16, 0, tzinfo=UTC
    )


def test_triage_and_first_offer_use_the_concern_and_contact_times() -> None:
    assert due_by(team(), "acknowledged", "routine", MONDAY) == MONDAY + timedelta(days=2)
    assert due_by(team(), "accepted", "routine", MONDAY) == MONDAY + timedelta(days=2)
    assert due_by(team(), "accepted", "urgent", MONDAY) == MONDAY + timedelta(days=1)


def test_an_offered_appointment_is_due_a_working_day_after_it() -> None:
    appointment = MONDAY + timedelta(days=3)  # Thursday 10:00
    assert due_by(team(), "contact_offered", "routine", MONDAY, appointment) == (
        appointment + timedelta(days=1)
    )


@pytest.mark.parametrize("state", ["contact_made", "declined", "closed"])
def test_nothing_is_owed_once_finished(state: str) -> None:
    assert due_by(team(), state, "routine", MONDAY) is None
