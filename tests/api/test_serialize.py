"""What a stored check-in reports: when the clinician sees it, and the safety words."""

from datetime import UTC, datetime, time
from typing import Any

import pytest
from flask import Flask

from parentapp.api import serialize
from parentapp.checkins.blueprint import format_when
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.teams.contacts import FALLBACK_CONTACT
from parentapp.teams.hours import WorkingHours

WEEKDAYS_9_TO_5 = WorkingHours("Europe/London", frozenset({1, 2, 3, 4, 5}), time(9), time(17))
# Monday 23 November 2026; London is on UTC in winter.
MONDAY = datetime(2026, 11, 23, tzinfo=UTC)


def _report(app: Flask, at: datetime, urgent: bool = True) -> dict[str, Any]:
    row = CheckIn(
        id=1,
        carer_id=1,
        family_id=1,
        instrument_id="weekly",
        instrument_version="1.0",
        ruleset_version="test",
        locale="en",
        submitted_at=at,
    )
    schedule = Schedule(carer_id=1, instrument_id="weekly", starts_at=MONDAY, interval_days=7)
    with app.test_request_context():
        return serialize.checkin(
            row,
            schedule=schedule,
            urgent=urgent,
            hours=WEEKDAYS_9_TO_5,
            contacts=[FALLBACK_CONTACT],
        )


@pytest.mark.parametrize(
    ("at", "sees_by", "in_hours"),
    [
        (MONDAY.replace(hour=8, minute=59, second=59), MONDAY.replace(hour=9), False),
        (MONDAY.replace(hour=9), MONDAY.replace(hour=9), True),
        (MONDAY.replace(hour=16, minute=59), MONDAY.replace(hour=16, minute=59), True),
        (MONDAY.replace(hour=17), MONDAY.replace(day=24, hour=9), False),
        (MONDAY.replace(day=28, hour=12), MONDAY.replace(day=30, hour=9), False),  # Saturday
    ],
)
def test_clinician_sees_it_at_the_next_working_moment(
    app: Flask, at: datetime, sees_by: datetime, in_hours: bool
) -> None:
    body = _report(app, at)

    assert body["clinician_sees_by"] == serialize.iso(sees_by)
    message = body["safety"]["message"]
    assert ("at work now, until 5:00\u202fPM today" in message) is in_hours
    assert ("not at work right now" in message) is not in_hours
    assert message.startswith("Call 999 or go to A&E now")
    assert message.endswith("Nobody watches this app around the clock.")


def test_out_of_hours_names_the_day_and_time(app: Flask) -> None:
    message = _report(app, MONDAY.replace(day=28, hour=12))["safety"]["message"]
    with app.test_request_context():
        # As the HTML safety screen writes a moment, in the carer's locale and zone.
        monday_nine = format_when(MONDAY.replace(day=30, hour=9))

    assert "Nov" in monday_nine and "9:00" in monday_nine
    assert f"will see this by {monday_nine}, when the team is next at work." in message


def test_no_safety_block_when_not_urgent(app: Flask) -> None:
    body = _report(app, MONDAY.replace(hour=10), urgent=False)

    assert "safety" not in body
    assert body["next_due_at"] == "2026-11-30T10:00:00Z"


def test_timestamps_are_utc_with_a_z() -> None:
    assert serialize.iso(datetime(2026, 6, 1, 12, 30, tzinfo=UTC)) == "2026-06-01T12:30:00Z"
