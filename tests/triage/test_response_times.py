"""Response times per kind of flag: urgent is urgent whatever its kind; otherwise a note and a
request to be contacted have their own team settings, and every other flag the concern days."""

from datetime import UTC, datetime, timedelta
from typing import TypedDict, Unpack

import pytest

from parentapp.teams.models import Team
from parentapp.triage.response import due_by, response_time

DAY = timedelta(hours=8)  # the default working day, 09:00-17:00
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class ResponseSettings(TypedDict, total=False):
    urgent_response_hours: int
    concern_response_days: int
    note_response_days: int
    contact_response_hours: int


def team(**settings: Unpack[ResponseSettings]) -> Team:
    return Team(name="Riverside", **settings)


@pytest.mark.parametrize("category", [None, "note", "contact_request", "self_harm", "mood"])
def test_urgent_uses_the_urgent_time_whatever_the_category(category: str | None):
    assert response_time(team(urgent_response_hours=3), "urgent", category) == timedelta(hours=3)


def test_defaults_per_category():
    assert response_time(team(), "concern", "note") == DAY
    assert response_time(team(), "concern", "contact_request") == timedelta(hours=8)
    assert response_time(team(), "concern", "mood") == 2 * DAY
    assert response_time(team(), "concern") == 2 * DAY


def test_the_teams_own_settings_are_used():
    chosen = team(note_response_days=3, contact_response_hours=4, concern_response_days=5)
    assert response_time(chosen, "concern", "note") == 3 * DAY
    assert response_time(chosen, "concern", "contact_request") == timedelta(hours=4)
    assert response_time(chosen, "concern", "deterioration") == 5 * DAY


@pytest.mark.parametrize(
    ("stored", "held_to"),
    [(0, 1), (1, 1), (16, 16), (17, 16)],
)
def test_a_contact_time_written_out_of_bounds_is_held_to_them(stored: int, held_to: int):
    assert response_time(team(contact_response_hours=stored), "concern", "contact_request") == (
        timedelta(hours=held_to)
    )


@pytest.mark.parametrize(("stored", "held_to"), [(0, 1), (1, 1), (5, 5), (6, 5)])
def test_a_note_time_written_out_of_bounds_is_held_to_them(stored: int, held_to: int):
    assert response_time(team(note_response_days=stored), "concern", "note") == held_to * DAY


def test_due_by_counts_the_category_in_working_time():
    # A request to be contacted on Monday 10:00: seven hours on Monday, one on Tuesday.
    assert due_by(team(), "concern", MONDAY, category="contact_request") == datetime(
        2026, 11, 24, 10, 0, tzinfo=UTC
    )
    assert due_by(team(), "concern", MONDAY, category="note") == datetime(
        2026, 11, 24, 10, 0, tzinfo=UTC
    )
    assert due_by(team(), "concern", MONDAY) == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
