"""Journeys 1-3 through the test client: a clinician creates a family and invites a carer,
who joins with the code, agrees to the consent screen and lands on their home page."""

import re

from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.families.models import Carer, Family, Invitation
from tests.conftest import login


def test_clinician_creates_family_and_carer_joins(
    app, client: FlaskClient, make, db: Session
) -> None:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    login(client, clinician.email)

    response = client.post(
        "/families/new",
        data={
            "label": "Okoro",
            "assigned_clinician_id": clinician.id,
            "infant_name": "Ada",
            "date_of_birth": "2026-09-01",
        },
    )
    assert response.status_code == 302
    family = db.exec(select(Family).where(Family.label == "Okoro")).one()

    page = client.post(f"/families/{family.id}/invitations", data={"invitee_note": "Mum"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = re.search(r'id="invite-code">([0-9A-Z-]{14})<', html)
    assert shown is not None
    code = shown.group(1)
    assert "<svg" in html  # the QR code

    carer_client = app.test_client()
    response = carer_client.post("/join", data={"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response.location.endswith("/join/about")
    response = carer_client.post(
        "/join/about",
        data={
            "display_name": "Ngozi",
            "carer_role": "mother",
            "email": "ngozi@example.org",
            "password": "a long pass phrase",
            "confirm": "a long pass phrase",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert carer_client.get("/home").location.endswith("/consent")
    response = carer_client.post("/consent", data={"agree": "y"})
    assert response.status_code == 302
    home = carer_client.get("/home")
    assert home.status_code == 200
    assert "Hello, Ngozi" in home.get_data(as_text=True)

    carer = db.exec(
        select(Carer)
        .join(User, col(User.id) == Carer.user_id)
        .where(User.email == "ngozi@example.org")
    ).one()
    assert carer.family_id == family.id and carer.consented_at is not None
    invitation = db.exec(select(Invitation).where(Invitation.family_id == family.id)).one()
    assert invitation.used_by_id == carer.user_id

    # The code is single-use.
    again = app.test_client().post("/join", data={"code": code})
    assert "already been used" in again.get_data(as_text=True)


def test_a_new_carer_starts_with_the_weekly_check_in_due(
    app, client: FlaskClient, make, db: Session
) -> None:
    """Joining schedules the weekly check-in every 7 days, due at once, and the home page says so."""
    from parentapp.checkins.models import Schedule
    from parentapp.families.roles import CarerRole
    from parentapp.families.services import join_family

    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    make.infant(family)
    invitation, _code = make.invitation(family, clinician)
    with app.test_request_context():
        user = join_family(
            session=db,
            invitation_id=invitation.id,
            display_name="Sol",
            email="sol@example.org",
            password="a long pass phrase",
            carer_role=CarerRole.CO_PARENT,
            carer_role_other=None,
        )
    carer = db.exec(select(Carer).where(Carer.user_id == user.id)).one()
    schedule = db.exec(select(Schedule).where(Schedule.carer_id == carer.id)).one()
    assert (schedule.instrument_id, schedule.interval_days, schedule.active) == ("weekly", 7, True)

    carer.consented_at = schedule.starts_at
    db.add(carer)
    db.commit()
    login(client, "sol@example.org", "a long pass phrase")
    assert 'href="/checkins/weekly"' in client.get("/home").get_data(as_text=True)
