"""A flag's notice to an account that is no longer active is re-routed to the team (the duty
clinician, then the leads, then every clinician), on a real SMTP server; never marked
delivered and dropped, never sent to an administrator. A family's reassignment reaches the
new owner's inbox."""

import logging
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.jobs import run_jobs_once
from parentapp.notifications.models import Channel, Notification
from tests.conftest import login
from tests.factories import Factory, pk
from tests.notifications.conftest import SmtpServer
from tests.notifications.mail import body_of
from tests.triage.flagged import Flagged, build, send

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(make: Factory, db: Session) -> Flagged:
    world = build(make, db)
    make.user(Role.ADMIN, email="admin@example.org")
    world.carer.reminders_enabled = world.other_carer.reminders_enabled = False
    # The family's clinician left before their caseload moved (the refusal to deactivate
    # someone with a caseload is newer than some data): their notices must still land.
    world.clinician.active = False
    db.add_all([world.carer, world.other_carer, world.clinician])
    db.commit()
    return world


def urgent_answer(app: Flask, db: Session, world: Flagged) -> None:
    send(app, db, world.carer, now=MONDAY, self_harm="1")
    run_jobs_once(app, now=MONDAY)


def inbox(smtp: SmtpServer) -> list[str]:
    return sorted(str(m["To"]) for m in smtp.handler.messages)


def in_app(db: Session) -> list[int]:
    db.expire_all()
    rows = db.exec(
        select(Notification.recipient_id).where(
            Notification.channel == Channel.IN_APP, Notification.kind == "flag_opened"
        )
    ).all()
    return sorted(rows)


def test_to_the_duty_clinician_first(
    app: Flask, db: Session, world: Flagged, smtp: SmtpServer
) -> None:
    world.colleague.on_duty = True
    db.add(world.colleague)
    db.commit()
    urgent_answer(app, db, world)
    assert inbox(smtp) == [world.colleague.email]
    assert in_app(db) == sorted([pk(world.clinician), pk(world.colleague)])
    original = db.exec(
        select(Notification).where(
            Notification.recipient_id == world.clinician.id, Notification.channel == Channel.EMAIL
        )
    ).one()
    assert original.last_error == f"recipient inactive: re-routed to user(s) {world.colleague.id}"


def test_to_the_leads_when_there_is_no_duty_clinician(
    app: Flask, db: Session, world: Flagged, smtp: SmtpServer
) -> None:
    urgent_answer(app, db, world)
    assert inbox(smtp) == [world.lead.email]


def test_to_every_clinician_of_the_team_when_there_is_no_lead_never_an_administrator(
    app: Flask, db: Session, world: Flagged, smtp: SmtpServer, make: Factory
) -> None:
    another = make.user(Role.CLINICIAN, world.team, email="another@example.org")
    world.lead.active = False
    db.add(world.lead)
    db.commit()
    urgent_answer(app, db, world)
    assert inbox(smtp) == sorted([world.colleague.email, another.email])
    assert "admin@example.org" not in inbox(smtp)


def test_nobody_left_is_logged_at_error_and_nothing_is_sent(
    app: Flask,
    db: Session,
    world: Flagged,
    smtp: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for user in (world.lead, world.colleague):
        user.active = False
        db.add(user)
    db.commit()
    with caplog.at_level(logging.ERROR):
        urgent_answer(app, db, world)
    assert inbox(smtp) == []
    assert f"nobody active in team {world.team.id} to tell" in caplog.text
    db.expire_all()
    errors = db.exec(
        select(Notification.last_error).where(Notification.recipient_id == world.clinician.id)
    ).all()
    assert set(errors) == {"recipient inactive: nobody active in the team"}


def test_an_active_owner_is_told_directly(
    app: Flask, db: Session, world: Flagged, smtp: SmtpServer
) -> None:
    world.clinician.active = True
    db.add(world.clinician)
    db.commit()
    urgent_answer(app, db, world)
    assert inbox(smtp) == [world.clinician.email]


def test_a_reassigned_urgent_flag_reaches_the_new_owners_inbox(
    app: Flask, db: Session, world: Flagged, smtp: SmtpServer
) -> None:
    world.clinician.active = True
    db.add(world.clinician)
    db.commit()
    urgent_answer(app, db, world)
    client = app.test_client()
    login(client, world.lead.email)
    client.post(
        f"/families/{world.family.id}/clinician",
        data={"assigned_clinician_id": str(world.colleague.id)},
    )
    run_jobs_once(app)  # the hand-over happened on today's clock
    [handed] = [
        m for m in smtp.handler.messages if m["Subject"] == "A family's flags are now yours"
    ]
    assert str(handed["To"]) == world.colleague.email
    body = body_of(handed)
    assert "open flags are now yours" in body
    assert "Aisha" not in body and "Khan" not in body and "harm" not in body.lower()


def test_an_email_goes_to_the_address_the_recipient_has_when_it_is_sent(
    app: Flask, db: Session, world: Flagged, smtp: SmtpServer
) -> None:
    world.clinician.active = True
    db.add(world.clinician)
    db.commit()
    send(app, db, world.carer, now=MONDAY, self_harm="1")
    world.clinician.email = "sam.new@example.org"
    db.add(world.clinician)
    db.commit()
    run_jobs_once(app, now=MONDAY)
    assert inbox(smtp) == ["sam.new@example.org"]
