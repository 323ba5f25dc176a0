"""A request to be contacted is emailed to its handler at once, with no clinical details, and
escalates like an urgent flag when nobody acknowledges it by its due-by (the carer was told
by when someone would be in touch). With the clock advanced, on a real SMTP server."""

from datetime import UTC, datetime, timedelta
from email.message import Message

from flask import Flask
from sqlmodel import Session

from parentapp.jobs import run_jobs_once
from tests.factories import Factory
from tests.notifications.conftest import SmtpServer
from tests.notifications.mail import body_of
from tests.triage.flagged import build, send

RAISED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday, at work in London
DUE = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # eight working hours later (the default)


def recipients(smtp: SmtpServer) -> list[str]:
    # The daily digest (sent by the same job run) counts the flag too: not what is tested here.
    return [str(m["To"]) for m in flag_emails(smtp)]


def flag_emails(smtp: SmtpServer) -> list[Message]:
    return [m for m in smtp.handler.messages if m["Subject"] != "Your open flags today"]


def test_a_contact_request_is_emailed_at_once_then_escalates_at_its_due_by(
    app: Flask, db: Session, make: Factory, smtp: SmtpServer
) -> None:
    world = build(make, db)
    world.colleague.on_duty = True
    world.carer.reminders_enabled = world.other_carer.reminders_enabled = False
    db.add_all([world.colleague, world.carer, world.other_carer])
    db.commit()
    [flag] = send(app, db, world.carer, now=RAISED, contact="true")
    assert flag.category == "contact_request" and flag.due_at == DUE

    run_jobs_once(app, now=RAISED)
    assert recipients(smtp) == [world.clinician.email]

    run_jobs_once(app, now=DUE - timedelta(seconds=1))
    assert len(flag_emails(smtp)) == 1

    run_jobs_once(app, now=DUE)
    assert recipients(smtp)[1:] == [world.colleague.email]

    run_jobs_once(app, now=DUE + timedelta(hours=1))
    assert recipients(smtp)[2:] == [world.lead.email]

    for message in smtp.handler.messages:
        body = body_of(message)
        for words in ("Aisha", "Khan", "Ada", "contact", "harm", "mood"):
            assert words.lower() not in body.lower(), words
