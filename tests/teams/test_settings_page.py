"""A lead's settings page: working hours, missed check-ins, and the crisis contacts carers see."""

from datetime import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.audit.models import AuditEvent
from parentapp.teams.contacts import DEFAULT_CONTACTS
from parentapp.teams.models import CrisisContact, Team
from parentapp.teams.services import create_team
from tests.conftest import login
from tests.factories import Factory

VALID = {
    "invite_expiry_days": "14",
    "time_zone": "Europe/London",
    "working_days": ["1", "2", "3", "4", "5"],
    "working_start": "09:00",
    "working_end": "17:00",
    "missed_checkins_threshold": "2",
    "urgent_response_hours": "4",
    "concern_response_days": "2",
    "duty_clinician_id": "0",
}


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


def stored_team(db: Session, team: Team) -> Team:
    db.expire_all()
    row = db.get(Team, team.id)
    assert row is not None
    return row


def contacts(db: Session, team: Team) -> list[CrisisContact]:
    db.expire_all()
    query = select(CrisisContact).where(CrisisContact.team_id == team.id)
    return list(db.exec(query.order_by(col(CrisisContact.position), col(CrisisContact.id))))


def add(db: Session, team: Team, *names: str) -> list[CrisisContact]:
    rows = [
        CrisisContact(team_id=team.id or 0, position=i, name=n, phone=f"0{i}")
        for i, n in enumerate(names)
    ]
    db.add_all(rows)
    db.commit()
    return rows


def test_a_new_team_gets_the_national_crisis_contacts(app: Flask, db: Session):
    with app.test_request_context():
        team = create_team(session=db, name="Hillside")

    rows = contacts(db, team)
    assert [r.name for r in rows] == [
        "Emergency services",
        "NHS 111, mental health option",
        "Samaritans",
        "Shout",
    ]
    assert [(r.phone, r.text_number) for r in rows] == [
        ("999", None),
        ("111", None),
        ("116 123", None),
        (None, "85258"),
    ]
    assert len(rows) == len(DEFAULT_CONTACTS)


def test_working_hours_and_missed_threshold_are_saved(page: FlaskClient, db: Session, team: Team):
    data = {**VALID, "working_days": ["2", "3", "6"], "working_start": "08:30",
            "working_end": "16:00", "missed_checkins_threshold": "4"}  # fmt: skip

    response = page.post("/team/settings", data=data)

    assert response.status_code == 302
    saved = stored_team(db, team)
    assert saved.working_days == "2,3,6"
    assert (saved.working_start, saved.working_end) == (time(8, 30), time(16, 0))
    assert saved.missed_checkins_threshold == 4
    html = page.get("/team/settings").get_data(as_text=True)
    assert 'value="08:30"' in html
    assert (
        '<input checked id="working_days-5" name="working_days" type="checkbox" value="6">' in html
    )
    assert '<input id="working_days-0" name="working_days" type="checkbox" value="1">' in html


@pytest.mark.parametrize("threshold", ["1", "2", "5", "6"])
def test_missed_threshold_within_one_to_six(
    page: FlaskClient, db: Session, team: Team, threshold: str
):
    response = page.post("/team/settings", data={**VALID, "missed_checkins_threshold": threshold})

    assert response.status_code == 302
    assert stored_team(db, team).missed_checkins_threshold == int(threshold)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"missed_checkins_threshold": "0"}, "Choose between 1 and 6 check-ins."),
        ({"missed_checkins_threshold": "7"}, "Choose between 1 and 6 check-ins."),
        ({"working_days": []}, "Choose at least one working day."),
        ({"working_start": "17:00", "working_end": "09:00"}, "The working day must end after it starts."),
        ({"working_start": "09:00", "working_end": "09:00"}, "The working day must end after it starts."),
        ({"working_end": "late"}, "Not a valid time value."),
    ],
)  # fmt: skip
def test_an_impossible_week_is_refused_and_changes_nothing(
    page: FlaskClient, db: Session, team: Team, change: dict[str, object], message: str
):
    response = page.post("/team/settings", data={**VALID, "invite_expiry_days": "3", **change})

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    saved = stored_team(db, team)
    assert saved.invite_expiry_days == 14 and saved.working_days == "1,2,3,4,5"
    assert saved.missed_checkins_threshold == 2


def test_add_edit_and_remove_a_contact(page: FlaskClient, db: Session, team: Team):
    added = page.post("/team/settings/contacts", data={
        "name": "Riverside crisis team", "phone": "0800 123", "description": "Any time"})  # fmt: skip
    [contact] = contacts(db, team)
    first = (contact.name, contact.phone, contact.description)
    edited = page.post(f"/team/settings/contacts/{contact.id}", data={
        f"contact-{contact.id}-name": "Crisis text line",
        f"contact-{contact.id}-text_number": "85258",
    })  # fmt: skip
    [changed] = contacts(db, team)
    removed = page.post(f"/team/settings/contacts/{contact.id}/remove")

    assert added.status_code == edited.status_code == removed.status_code == 302
    assert first == (
        "Riverside crisis team", "0800 123", "Any time")  # fmt: skip
    assert (changed.name, changed.phone, changed.text_number, changed.description) == (
        "Crisis text line", None, "85258", None)  # fmt: skip
    assert contacts(db, team) == []
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]
    assert actions[-3:] == ["team.contact_added", "team.contact_changed", "team.contact_removed"]


def test_a_contact_needs_a_name_and_a_number(page: FlaskClient, db: Session, team: Team):
    no_number = page.post("/team/settings/contacts", data={"name": "Somewhere"})
    no_name = page.post("/team/settings/contacts", data={"phone": "999"})

    assert no_number.status_code == no_name.status_code == 400
    assert "Enter a phone number or a text number." in no_number.get_data(as_text=True)
    assert "Enter the name of the service." in no_name.get_data(as_text=True)
    assert contacts(db, team) == []


def test_a_refused_edit_keeps_what_was_typed(page: FlaskClient, db: Session, team: Team):
    [contact] = add(db, team, "Line")

    response = page.post(f"/team/settings/contacts/{contact.id}", data={
        f"contact-{contact.id}-name": "New name but no number"})  # fmt: skip

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="New name but no number"' in html
    assert contacts(db, team)[0].name == "Line"


def test_contacts_move_up_and_down(page: FlaskClient, db: Session, team: Team):
    first, second, third = add(db, team, "First", "Second", "Third")

    page.post(f"/team/settings/contacts/{third.id}/move", data={"direction": "up"})
    assert [c.name for c in contacts(db, team)] == ["First", "Third", "Second"]
    page.post(f"/team/settings/contacts/{first.id}/move", data={"direction": "down"})
    assert [c.name for c in contacts(db, team)] == ["Third", "First", "Second"]
    # At either end there is nowhere to go: nothing changes.
    page.post(f"/team/settings/contacts/{third.id}/move", data={"direction": "up"})
    page.post(f"/team/settings/contacts/{second.id}/move", data={"direction": "down"})
    assert [c.name for c in contacts(db, team)] == ["Third", "First", "Second"]
    assert (
        page.post(
            f"/team/settings/contacts/{first.id}/move", data={"direction": "sideways"}
        ).status_code
        == 400
    )


def test_another_teams_contacts_are_not_found(page: FlaskClient, db: Session, make: Factory):
    other = make.team("Hillside")
    [theirs] = add(db, other, "Their line")

    responses = [
        page.post(f"/team/settings/contacts/{theirs.id}", data={
            f"contact-{theirs.id}-name": "Mine now", f"contact-{theirs.id}-phone": "1"}),
        page.post(f"/team/settings/contacts/{theirs.id}/remove"),
        page.post(f"/team/settings/contacts/{theirs.id}/move", data={"direction": "up"}),
    ]  # fmt: skip

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert [(c.name, c.phone) for c in contacts(db, other)] == [("Their line", "00")]


def test_the_settings_page_lists_contacts_in_order(page: FlaskClient, db: Session, team: Team):
    add(db, team, "Alpha line", "Beta line")

    html = page.get("/team/settings").get_data(as_text=True)

    assert html.index("Alpha line") < html.index("Beta line")
    assert "Working days" in html and "Missed check-ins before the clinician is told" in html


def test_with_no_contacts_the_lead_is_warned(page: FlaskClient):
    html = page.get("/team/settings").get_data(as_text=True)

    assert "Carers will only be told to call 999." in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"urgent_response_hours": "0"}, "Choose between 1 and 8 hours."),
        ({"urgent_response_hours": "9"}, "Choose between 1 and 8 hours."),
        ({"urgent_response_hours": "four"}, None),
        ({"concern_response_days": "0"}, "Choose between 1 and 5 days."),
        ({"concern_response_days": "6"}, "Choose between 1 and 5 days."),
        ({"duty_clinician_id": "999999"}, None),
    ],
)
def test_response_times_and_duty_outside_bounds_change_nothing(
    page: FlaskClient, db: Session, team: Team, change: dict[str, str], message: str | None
):
    response = page.post("/team/settings", data={**VALID, "invite_expiry_days": "3", **change})

    assert response.status_code == 400
    if message:
        assert message in response.get_data(as_text=True)
    saved = stored_team(db, team)
    assert (saved.invite_expiry_days, saved.urgent_response_hours, saved.concern_response_days) == (
        14,
        4,
        2,
    )


def test_response_times_and_duty_clinician_are_saved(
    page: FlaskClient, db: Session, team: Team, make: Factory
):
    duty = make.user("clinician", team, display_name="Dana Duty")
    data = {**VALID, "urgent_response_hours": "8", "concern_response_days": "1",
            "duty_clinician_id": str(duty.id)}  # fmt: skip

    assert page.post("/team/settings", data=data).status_code == 302

    saved = stored_team(db, team)
    assert (saved.urgent_response_hours, saved.concern_response_days) == (8, 1)
    db.expire_all()
    assert duty.on_duty is True
    html = page.get("/team/settings").get_data(as_text=True)
    assert f'<option selected value="{duty.id}">Dana Duty</option>' in html
