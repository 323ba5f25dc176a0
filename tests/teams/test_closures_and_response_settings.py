"""A lead's settings for promises the team can keep: whose public holidays, closure days, and
how soon a note is read and a request to be contacted answered."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.audit.models import AuditEvent
from parentapp.db import utcnow
from parentapp.teams.models import Team, TeamClosure
from tests.conftest import login
from tests.factories import Factory
from tests.teams.test_settings_page import VALID, stored_team


@pytest.fixture
def team(make: Factory) -> Team:
    return make.team("Riverside")


@pytest.fixture
def lead(make: Factory, team: Team) -> User:
    return make.user(Role.LEAD, team)


@pytest.fixture
def page(client: FlaskClient, lead: User) -> FlaskClient:
    login(client, lead.email)
    return client


def today() -> date:
    return utcnow().astimezone(ZoneInfo("Europe/London")).date()


def closures(db: Session, team: Team) -> list[TeamClosure]:
    db.expire_all()
    query = select(TeamClosure).where(TeamClosure.team_id == team.id)
    return list(db.exec(query.order_by(col(TeamClosure.day))).all())


def actions(db: Session) -> list[str]:
    return [e.action for e in db.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()]


def test_defaults_are_england_one_day_for_notes_and_eight_hours_for_contact(team: Team):
    assert (team.nation, team.note_response_days, team.contact_response_hours) == ("ENG", 1, 8)


def test_the_page_shows_the_new_settings(page: FlaskClient):
    html = page.get("/team/settings").get_data(as_text=True)
    assert 'name="nation"' in html and "Scotland" in html and "Northern Ireland" in html
    assert 'name="note_response_days"' in html and 'name="contact_response_hours"' in html
    assert "Days the team is closed" in html and 'name="day"' in html


def test_nation_and_response_times_are_saved(page: FlaskClient, db: Session, team: Team):
    data = {**VALID, "nation": "SCT", "note_response_days": "3", "contact_response_hours": "4"}
    assert page.post("/team/settings", data=data).status_code == 302
    saved = stored_team(db, team)
    assert (saved.nation, saved.note_response_days, saved.contact_response_hours) == ("SCT", 3, 4)
    assert actions(db)[-1] == "team.settings"


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("note_response_days", "0", False),
        ("note_response_days", "1", True),
        ("note_response_days", "5", True),
        ("note_response_days", "6", False),
        ("contact_response_hours", "0", False),
        ("contact_response_hours", "1", True),
        ("contact_response_hours", "16", True),
        ("contact_response_hours", "17", False),
    ],
)
def test_response_times_within_their_bounds(
    page: FlaskClient, db: Session, team: Team, field: str, value: str, ok: bool
):
    response = page.post("/team/settings", data={**VALID, "invite_expiry_days": "3", field: value})
    saved = stored_team(db, team)
    if ok:
        assert response.status_code == 302
        assert getattr(saved, field) == int(value)
        return
    assert response.status_code == 400
    unit = "days" if field.endswith("days") else "hours"
    low, high = (1, 5) if unit == "days" else (1, 16)
    assert f"Choose between {low} and {high} {unit}." in response.get_data(as_text=True)
    # Refused: nothing changed, not even the other fields.
    assert (saved.note_response_days, saved.contact_response_hours) == (1, 8)
    assert saved.invite_expiry_days == 14


def test_an_unknown_nation_is_refused_and_changes_nothing(
    page: FlaskClient, db: Session, team: Team
):
    response = page.post(
        "/team/settings", data={**VALID, "invite_expiry_days": "3", "nation": "US"}
    )
    assert response.status_code == 400
    assert "Choose the nation whose public holidays" in response.get_data(as_text=True)
    saved = stored_team(db, team)
    assert saved.nation == "ENG" and saved.invite_expiry_days == 14


def test_a_lead_adds_and_removes_a_closure_day(page: FlaskClient, db: Session, team: Team):
    day = today() + timedelta(days=10)
    added = page.post(
        "/team/settings/closures", data={"day": day.isoformat(), "reason": "Training"}
    )
    assert added.status_code == 302
    [closure] = closures(db, team)
    assert (closure.day, closure.reason) == (day, "Training")
    assert "Training" in page.get("/team/settings").get_data(as_text=True)

    removed = page.post("/team/settings/closures/remove", data={"closure_id": str(closure.id)})
    assert removed.status_code == 302
    assert closures(db, team) == []
    assert actions(db)[-2:] == ["team.closure_added", "team.closure_removed"]


def test_today_can_be_closed(page: FlaskClient, db: Session, team: Team):
    response = page.post(
        "/team/settings/closures", data={"day": today().isoformat(), "reason": "Snow"}
    )
    assert response.status_code == 302
    assert [c.day for c in closures(db, team)] == [today()]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "yesterday", "reason": "Training"}, None),  # a past date, built below
        ({"day": "", "reason": "Training"}, "Enter a date such as 24/12/2027."),
        ({"day": "not a date", "reason": "Training"}, "Not a valid date value."),
        ({"day": "+10", "reason": ""}, "Say why the team is closed"),
        ({"day": "+10", "reason": "x" * 81}, "Use a shorter reason (at most 80 characters)."),
        ({"day": "+400", "reason": "Training"}, "Choose a day within the next year."),
    ],
)
def test_bad_closure_input_is_refused_and_changes_nothing(
    page: FlaskClient, db: Session, team: Team, data: dict[str, str], message: str | None
):
    day = data["day"]
    if day == "yesterday":
        day, message = (
            (today() - timedelta(days=1)).isoformat(),
            "Choose today or a day in the future.",
        )
    elif day.startswith("+"):
        day = (today() + timedelta(days=int(day[1:]))).isoformat()
    response = page.post("/team/settings/closures", data={**data, "day": day})
    assert response.status_code == 400
    assert message is not None and message in response.get_data(as_text=True)
    assert closures(db, team) == []


def test_the_same_day_twice_is_refused(page: FlaskClient, db: Session, team: Team):
    data = {"day": (today() + timedelta(days=3)).isoformat(), "reason": "Training"}
    page.post("/team/settings/closures", data=data)
    again = page.post("/team/settings/closures", data=data)
    assert again.status_code == 400
    assert "already closed on that day" in again.get_data(as_text=True)
    assert len(closures(db, team)) == 1


def test_another_teams_closure_cannot_be_removed(
    page: FlaskClient, db: Session, make: Factory, team: Team
):
    other = make.team("Hillside")
    other_lead = make.user(Role.LEAD, other)
    closure = TeamClosure(
        team_id=other.id or 0,
        day=today() + timedelta(days=5),
        reason="Training",
        created_by_id=other_lead.id or 0,
    )
    db.add(closure)
    db.commit()
    response = page.post("/team/settings/closures/remove", data={"closure_id": str(closure.id)})
    assert response.status_code == 404
    assert len(closures(db, other)) == 1
