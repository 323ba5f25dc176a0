"""The safety screen and the confirmation say the committed time: each raised flag's due-by
(the team's response time in its working hours, holidays and closures), in the carer's
language and zone, with the zone named when it is not the team's."""

import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from parentapp.checkins import carer_views
from parentapp.checkins import services as checkin_services
from parentapp.checkins.promises import promises
from parentapp.teams.models import TeamClosure
from parentapp.triage.models import Flag
from tests.checkins.conftest import CALM, Home
from tests.conftest import login

FRIDAY_EVENING = datetime(2026, 11, 27, 19, 30, tzinfo=UTC)
CHRISTMAS_EVE = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)  # Thursday; Friday a bank holiday
# Babel puts a (narrow) no-break space before AM/PM.
SPACE = r"\W+"


@pytest.fixture
def carer(client: FlaskClient, home: Home) -> FlaskClient:
    login(client, home.user.email)
    return client


def sent_at(
    monkeypatch: pytest.MonkeyPatch, client: FlaskClient, moment: datetime, **answers: str
) -> str:
    """The page a carer sees after sending the weekly check-in at ``moment``."""
    monkeypatch.setattr(checkin_services, "utcnow", lambda: moment)
    monkeypatch.setattr(carer_views, "utcnow", lambda: moment)
    data = {f"item_{k}": v for k, v in {**CALM, **answers}.items()}
    response = client.post("/checkins/weekly", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client.get(response.location).get_data(as_text=True)


def test_friday_evening_urgent_answer_is_seen_by_monday_afternoon(
    carer: FlaskClient, monkeypatch: pytest.MonkeyPatch
):
    html = sent_at(monkeypatch, carer, FRIDAY_EVENING, self_harm="1")
    assert "Thank you for telling us" in html
    # Four working hours from Monday 09:00.
    assert re.search(
        f"A member of your team will see this by Monday November 30 at 1:00{SPACE}PM", html
    )
    # The team's zone is the carer's: no zone name.
    assert "Greenwich Mean Time" not in html


def test_friday_evening_note_and_contact_request_are_due_monday(
    carer: FlaskClient, monkeypatch: pytest.MonkeyPatch
):
    html = sent_at(monkeypatch, carer, FRIDAY_EVENING, contact="true", note="A hard week")
    assert "Thank you, your answers have been sent" in html
    # A note: one working day; a request to be contacted: eight working hours.
    assert re.search(f"Your note will be read by Monday November 30 at 5:00{SPACE}PM", html)
    assert re.search(
        f"Someone from your team will be in touch by Monday November 30 at 5:00{SPACE}PM", html
    )
    assert "Your clinician will read your note." not in html


def test_before_a_bank_holiday_the_promise_is_after_it(
    carer: FlaskClient, monkeypatch: pytest.MonkeyPatch
):
    # Two working hours on Christmas Eve; Christmas Day and Boxing Day (observed Monday 28th)
    # are not working days: the other two on Tuesday 29th.
    html = sent_at(monkeypatch, carer, CHRISTMAS_EVE, self_harm="2")
    assert re.search(f"will see this by Tuesday December 29 at 11:00{SPACE}AM", html)


def test_a_closure_day_moves_the_promise(
    carer: FlaskClient, db: Session, home: Home, monkeypatch: pytest.MonkeyPatch
):
    db.add(TeamClosure(team_id=home.team.id or 0, day=date(2026, 11, 30), reason="Training",
                       created_by_id=home.clinician.id or 0))  # fmt: skip
    db.commit()
    html = sent_at(monkeypatch, carer, FRIDAY_EVENING, contact="true")
    assert re.search(f"will be in touch by Tuesday December 1 at 5:00{SPACE}PM", html)


def test_a_carer_in_another_zone_sees_their_time_and_the_zone(
    carer: FlaskClient, db: Session, home: Home, monkeypatch: pytest.MonkeyPatch
):
    home.user.time_zone = "Europe/Warsaw"
    db.add(home.user)
    db.commit()
    html = sent_at(monkeypatch, carer, FRIDAY_EVENING, self_harm="1")
    # Monday 13:00 in London is 14:00 in Warsaw.
    assert re.search(
        f"will see this by Monday November 30 at 2:00{SPACE}PM \\(Central European Standard Time\\)",
        html,
    )


def test_with_no_flag_the_working_hours_sentence_stays(
    carer: FlaskClient, monkeypatch: pytest.MonkeyPatch
):
    html = sent_at(monkeypatch, carer, FRIDAY_EVENING)
    assert "when the team is at work: Monday to Friday" in html
    assert "will be read by" not in html and "will see this by" not in html


def test_one_sentence_per_kind_the_soonest_first(app: Flask, home: Home):
    def flag(flag_id: int, category: str, severity: str, due: datetime) -> Flag:
        return Flag(id=flag_id, team_id=1, family_id=1, carer_id=1, owner_id=1,
                    category=category, severity=severity, rule_id="r", ruleset_version="v",
                    opened_at=due, last_triggered_at=due, due_at=due)  # fmt: skip

    monday = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
    later = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    flags = [
        flag(1, "note", "concern", later),
        flag(2, "harm_to_baby", "urgent", later),
        flag(3, "self_harm", "urgent", monday),
        flag(4, "note", "urgent", monday),
    ]
    with app.test_request_context():
        said = promises(flags, home.team)
    assert len(said) == 2
    assert re.match(
        f"A member of your team will see this by Monday November 30 at 1:00{SPACE}PM", said[0]
    )
    assert said[1].startswith("Your note will be read by Monday November 30 at 5:00")
