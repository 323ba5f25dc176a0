"""The flag dashboard and a flag's summary page, as a clinician sees them."""

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from parentapp.audit.models import AuditEvent
from parentapp.db import utcnow
from parentapp.triage.models import Flag
from tests.conftest import login
from tests.factories import Factory
from tests.triage.flagged import Flagged, build, send


@pytest.fixture
def world(make: Factory, db: Session) -> Flagged:
    return build(make, db)


def _set(db: Session, flag: Flag, **values: object) -> None:
    for key, value in values.items():
        setattr(flag, key, value)
    db.add(flag)
    db.commit()


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_dashboard_lists_own_caseload_urgent_first(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    [concern] = send(app, db, world.carer, contact="true")
    [urgent] = send(app, db, world.carer, self_harm="1")
    send(app, db, world.other_carer, self_harm="2")  # the colleague's family
    assert (concern.severity, urgent.severity) == ("concern", "urgent")
    login(client, world.clinician.email)

    html = _page(client, "/flags")

    assert "Aisha" in html and "Piotr" not in html
    assert html.index("Thoughts of self-harm") < html.index("Asked to be contacted")
    assert "Urgent" in html and "Mother" in html and "Khan" in html


def test_dashboard_orders_by_due_time_within_severity(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    [self_harm] = send(app, db, world.carer, self_harm="1")
    [baby] = send(app, db, world.carer, harm_to_baby="1")
    now = utcnow()
    _set(db, self_harm, due_at=now + timedelta(hours=5))
    _set(db, baby, due_at=now + timedelta(hours=1))
    login(client, world.clinician.email)

    html = _page(client, "/flags")

    assert html.index("harming the baby") < html.index("Thoughts of self-harm")
    _set(db, baby, due_at=None)  # no due time: after those that have one
    html = _page(client, "/flags")
    assert html.index("Thoughts of self-harm") < html.index("harming the baby")


def test_overdue_flag_is_marked_in_words(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    [flag] = send(app, db, world.carer, self_harm="1")
    login(client, world.clinician.email)
    _set(db, flag, due_at=utcnow() + timedelta(minutes=5))
    assert "Overdue" not in _page(client, "/flags")
    _set(db, flag, due_at=utcnow() - timedelta(minutes=5))
    assert "Overdue" in _page(client, "/flags")


def test_only_the_duty_clinician_and_lead_see_the_team_queue(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    send(app, db, world.other_carer, self_harm="2")
    login(client, world.clinician.email)
    assert "Piotr" not in _page(client, "/flags")
    # Asking for the team queue is not enough: an ordinary clinician sees their own caseload.
    page = _page(client, "/flags?queue=team")
    assert "Piotr" not in page
    assert "Show the whole team" not in page

    world.clinician.on_duty = True
    db.add(world.clinician)
    db.commit()
    page = _page(client, "/flags")
    assert "Piotr" in page
    assert "duty clinician" in page
    assert "Piotr" not in _page(client, "/flags?queue=mine")


def test_lead_sees_the_team_by_default(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    send(app, db, world.other_carer, self_harm="2")
    login(client, world.lead.email)
    assert "Piotr" in _page(client, "/flags")
    assert "Piotr" not in _page(client, "/flags?queue=mine")


def test_closed_flags_leave_the_dashboard(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    [flag] = send(app, db, world.carer, self_harm="1")
    _set(db, flag, state="closed", closed_at=utcnow(), outcome="no_action")
    login(client, world.clinician.email)
    assert "No open flags." in _page(client, "/flags")


def test_carers_behind_on_checkins_are_listed(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    from parentapp.checkins.models import Schedule

    schedule = db.exec(select(Schedule).where(Schedule.carer_id == world.carer.id)).one()
    login(client, world.clinician.email)
    # Due since yesterday: due, but not a whole week missed yet.
    assert "Nobody is behind on their check-ins." in _page(client, "/flags")
    schedule.starts_at = utcnow() - timedelta(days=8)
    db.add(schedule)
    db.commit()
    html = _page(client, "/flags")
    assert "Carers behind on check-ins" in html and "Aisha" in html


def test_flag_summary_shows_evidence_scores_and_history(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    send(app, db, world.carer, now=utcnow() - timedelta(days=14))  # baseline: total 3
    send(app, db, world.carer, now=utcnow() - timedelta(days=7), mood="1")  # previous: 4
    flag, _note_flag = send(app, db, world.carer, self_harm="1", mood="2", note="A hard week")
    login(client, world.clinician.email)

    html = _page(client, f"/flags/{flag.id}")

    assert "Answered above “not at all” on a question about thoughts of self-harm." in html
    assert "Have you had thoughts of harming yourself" in html
    assert "<strong>Sometimes</strong>" in html
    assert "+3" in html and "+2" in html  # from baseline 3 and previous 4 to 6
    assert "chart-svg" in html
    assert "A hard week" in html
    assert "Raised" in html
    assert "not a validated translation" not in html
    db.expire_all()
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "flag.viewed")).all()
    assert [(e.actor_id, e.target_id) for e in events] == [(world.clinician.id, flag.id)]
    assert events[0].detail is None


def test_flag_summary_warns_about_unvalidated_translation(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    [flag] = send(app, db, world.carer, self_harm="1")
    from parentapp.checkins.models import CheckIn

    checkin = db.get(CheckIn, flag.checkin_id)
    assert checkin is not None
    checkin.translation_validated = False
    db.add(checkin)
    db.commit()
    login(client, world.clinician.email)
    assert "not a validated translation" in _page(client, f"/flags/{flag.id}")


def test_other_team_gets_not_found(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    [flag] = send(app, db, world.carer, self_harm="1")
    login(client, world.other_team_clinician.email)
    assert client.get(f"/flags/{flag.id}").status_code == 404
    assert client.get("/flags/999999").status_code == 404
    db.expire_all()
    assert not db.exec(select(AuditEvent).where(col(AuditEvent.action) == "flag.viewed")).all()
