"""The issue's "done when": an urgent answer on an acknowledged flag reaches the owner's inbox
on a real SMTP server, through the worker's own job run, with no clinical details."""

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlmodel import Session, select

from parentapp.jobs import run_jobs_once
from parentapp.triage.lifecycle import acknowledge
from parentapp.triage.models import Flag
from parentapp.triage.vocab import Category
from tests.factories import Factory
from tests.notifications.conftest import SmtpServer
from tests.notifications.mail import body_of
from tests.triage.flagged import build, send

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_an_urgent_answer_on_an_acknowledged_flag_is_emailed_to_its_owner(
    app: Flask, db: Session, make: Factory, smtp: SmtpServer
) -> None:
    world = build(make, db)
    world.carer.reminders_enabled = world.other_carer.reminders_enabled = False
    db.add_all([world.carer, world.other_carer])
    db.commit()
    send(app, db, world.carer, now=MONDAY, self_harm="1")
    run_jobs_once(app, now=MONDAY)
    flag = db.exec(
        select(Flag).where(Flag.carer_id == world.carer.id, Flag.category == Category.SELF_HARM)
    ).one()
    acknowledge(session=db, actor=world.clinician, flag_id=flag.id or 0, note="called", now=MONDAY)
    assert len(smtp.handler.messages) == 1

    later = MONDAY + timedelta(days=1)
    send(app, db, world.carer, now=later, self_harm="3")
    run_jobs_once(app, now=later)

    [_, repeat] = smtp.handler.messages
    assert (str(repeat["To"]), str(repeat["Subject"])) == (
        world.clinician.email,
        "A new urgent answer to review",
    )
    body = body_of(repeat)
    assert "acknowledging again" in body
    assert "Aisha" not in body and "Khan" not in body and "harm" not in body.lower()
