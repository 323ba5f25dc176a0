"""The referral pages: a referrer sends one and follows it (status only, their own only); the
team takes it along; the joined carer sees its steps on their home page."""

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, func, select

from parentapp.audit.models import AuditEvent
from parentapp.db import utcnow
from parentapp.referrals.models import Referral
from tests.conftest import LoginAs, login
from tests.factories import Factory
from tests.referrals.helpers import Setting, build, send


@pytest.fixture
def setting(make: Factory, db: Session) -> Setting:
    return build(make, db)


def form(setting: Setting, **changes: str | None) -> dict[str, str]:
    born = (utcnow().date() - timedelta(days=40)).isoformat()
    fields: dict[str, str | None] = {
        "team_id": str(setting.team.id),
        "carer_name": "Amira Khan",
        "carer_email": "amira@example.org",
        "carer_phone": "",
        "language": "ar",
        "infant_name": "Noor",
        "date_of_birth": born,
        "reasons": "low_mood",
        "reason_text": "Low since the birth.",
        "urgency": "routine",
        "consent": "y",
    }
    fields.update(changes)
    # A box nobody ticked is not sent at all.
    return {key: value for key, value in fields.items() if value is not None}


def referrals(db: Session) -> int:
    return int(db.exec(select(func.count()).select_from(Referral)).one())


def test_a_referrer_sends_a_referral_and_sees_its_status(
    db: Session, setting: Setting, login_as: LoginAs
) -> None:
    client = login_as(setting.referrer)
    page = client.get("/referrals/new")
    assert page.status_code == 200 and "Riverside" in page.get_data(as_text=True)
    response = client.post("/referrals/new", data=form(setting))
    assert response.status_code == 302 and response.location.endswith("/referrals")
    referral = db.exec(select(Referral)).one()
    assert (referral.language, referral.reasons, referral.consent) == ("ar", ["low_mood"], True)
    listing = client.get("/referrals").get_data(as_text=True)
    assert f"R-{referral.id:05d}" in listing and "Received" in listing
    status = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Received on" in status
    # Status only: what the referrer wrote is the team's to read, not shown back.
    assert "Low since the birth" not in status


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": ""}, "Tick to confirm the family agreed to be referred"),
        ({"carer_email": "", "carer_phone": ""}, "Give an email address or a phone number"),
        ({"reasons": None}, "Tick at least one reason"),
        ({"carer_email": "not an email"}, "Enter an email address like name@example.com"),
        ({"date_of_birth": "2020-01-01"}, "The date of birth must be in the past two years"),
        ({"reason_text": ""}, "Say in your own words why you are referring"),
    ],
)
def test_a_wrong_referral_is_refused_beside_its_field(
    db: Session, setting: Setting, login_as: LoginAs, changes: dict[str, str | None], message: str
) -> None:
    response = login_as(setting.referrer).post("/referrals/new", data=form(setting, **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert referrals(db) == 0


def test_a_referral_to_another_team_is_refused(
    db: Session, setting: Setting, login_as: LoginAs
) -> None:
    client = login_as(setting.referrer)
    for team_id in (str(setting.other_team.id), "99999999999999999999", "x"):
        response = client.post("/referrals/new", data=form(setting, team_id=team_id))
        assert response.status_code == 400
        assert "Choose the team to refer to." in response.get_data(as_text=True)
    assert referrals(db) == 0


def test_the_refusal_is_translated(db: Session, setting: Setting, login_as: LoginAs) -> None:
    client = login_as(setting.referrer)
    client.post("/language", data={"language": "es"})
    response = client.post("/referrals/new", data=form(setting, consent=""))
    assert response.status_code == 400
    assert "Tick to confirm the family agreed" not in response.get_data(as_text=True)


def test_a_referrer_sees_only_their_own_referrals(
    app: Flask, db: Session, setting: Setting, login_as: LoginAs
) -> None:
    theirs = send(app, db, setting.other_referrer, setting.team, carer_name="Someone Else")
    client = login_as(setting.referrer)
    assert "Someone Else" not in client.get("/referrals").get_data(as_text=True)
    assert client.get(f"/referrals/{theirs.id}").status_code == 404
    assert client.get("/referrals/99999999999999999999").status_code == 404
    denied = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "access.denied", AuditEvent.actor_id == setting.referrer.id
        )
    ).all()
    # The huge id never reaches the view: the route itself does not match it.
    assert len(denied) == 1


def test_a_referrer_sees_no_family_data(
    app: Flask, db: Session, make: Factory, setting: Setting, login_as: LoginAs
) -> None:
    family = make.family(setting.team, setting.clinician)
    client = login_as(setting.referrer)
    referral = send(app, db, setting.referrer, setting.team)
    for path in (
        "/team/referrals",
        f"/team/referrals/{referral.id}",
        f"/families/{family.id}",
        "/flags",
        "/clinic",
        "/home",
    ):
        assert client.get(path).status_code == 403, path


def test_the_team_reads_accepts_and_the_joined_carer_sees_the_steps(
    app: Flask, db: Session, setting: Setting, login_as: LoginAs
) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    client = login_as(setting.duty)
    queue = client.get("/team/referrals").get_data(as_text=True)
    assert f"R-{referral.id:05d}" in queue and "Amira Khan" in queue
    page = client.get(f"/team/referrals/{referral.id}").get_data(as_text=True)
    assert "Low since the birth" in page and "Hana Visitor" in page
    viewed = db.exec(select(AuditEvent).where(AuditEvent.action == "referral.viewed")).one()
    assert (viewed.actor_id, viewed.target_id) == (setting.duty.id, referral.id)

    accepted = client.post(
        f"/team/referrals/{referral.id}/accept",
        data={"assigned_clinician_id": str(setting.clinician.id), "family_label": ""},
    )
    assert accepted.status_code == 200
    code = re.search(r'id="invite-code">([0-9A-Z-]{14})<', accepted.get_data(as_text=True))
    assert code is not None
    soon = utcnow().date() + timedelta(days=3)
    offered = client.post(
        f"/team/referrals/{referral.id}/offer",
        data={"appointment_date": soon.isoformat(), "appointment_time": "10:30"},
    )
    assert offered.status_code == 302

    carer = app.test_client()
    assert carer.post("/join", data={"code": code.group(1)}).status_code == 302
    joined = carer.post(
        "/join/about",
        data={
            "display_name": "Amira",
            "carer_role": "mother",
            "email": "amira@example.org",
            "password": "a long pass phrase",
            "confirm": "a long pass phrase",
        },
    )
    assert joined.status_code == 302
    carer.post("/consent", data={"agree": "y"})
    home = carer.get("/home").get_data(as_text=True)
    assert "Your referral" in home
    assert "Accepted on" in home and "First appointment offered on" in home
    assert "10:30" in home


def test_a_step_refused_by_the_rules_is_shown_and_changes_nothing(
    app: Flask, db: Session, setting: Setting, login_as: LoginAs
) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    client = login_as(setting.lead)
    response = client.post(
        f"/team/referrals/{referral.id}/decline", data={"reason": "area", "signposted_to": ""}
    )
    assert response.status_code == 400
    assert "Say where the family was pointed instead" in response.get_data(as_text=True)
    made = client.post(f"/team/referrals/{referral.id}/made")
    assert made.status_code == 400 and "already moved on" in made.get_data(as_text=True)
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
    offer = client.post(
        f"/team/referrals/{referral.id}/offer",
        data={"appointment_date": yesterday, "appointment_time": "10:00"},
    )
    assert offer.status_code == 400
    db.refresh(referral)
    assert referral.state == "received"


def test_another_teams_clinician_finds_nothing(
    app: Flask, db: Session, setting: Setting, client: FlaskClient
) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    login(client, setting.other_clinician.email)
    assert client.get(f"/team/referrals/{referral.id}").status_code == 404
    assert client.post(f"/team/referrals/{referral.id}/acknowledge").status_code == 404
    assert referral.id not in [r for r in db.exec(select(col(Referral.id))).all() if r is None]
    db.refresh(referral)
    assert referral.state == "received"


def test_a_lead_adds_a_referrer(db: Session, setting: Setting, login_as: LoginAs) -> None:
    client = login_as(setting.lead)
    response = client.post(
        "/team/referrers",
        data={"email": "mo@example.org", "display_name": "Mo Midwife", "profession": "midwife"},
    )
    assert response.status_code == 302
    page = client.get("/team/referrers").get_data(as_text=True)
    assert "Mo Midwife" in page and "Midwife" in page
    taken = client.post(
        "/team/referrers",
        data={"email": "mo@example.org", "display_name": "Mo Again", "profession": "midwife"},
    )
    assert taken.status_code == 400
    assert "already exists" in taken.get_data(as_text=True)


def test_overdue_referrals_show_on_the_dashboard(
    app: Flask, db: Session, setting: Setting, login_as: LoginAs
) -> None:
    referral = send(app, db, setting.referrer, setting.team, now=utcnow() - timedelta(days=10))
    client = login_as(setting.clinician)
    page = client.get("/flags").get_data(as_text=True)
    assert "1 referral&#39;s next step is overdue." in page or "1 referral's next step" in page
    referral.due_at = utcnow() + timedelta(seconds=60)
    db.add(referral)
    db.commit()
    assert "overdue-referrals" not in client.get("/flags").get_data(as_text=True)
