"""The issue's "done when": with the clock advanced, an unacknowledged urgent flag escalates
to the duty clinician and then to the team lead, and each gets an email on a real SMTP server.
The worker's own job run does it all (escalation, then delivery), on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlmodel import Session

from parentapp.jobs import run_jobs_once
from tests.factories import Factory
from tests.notifications.conftest import SmtpServer
from tests.notifications.mail import body_of
from tests.triage.flagged import build, send

RAISED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday, at work in London
DUE = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def recipients(smtp: SmtpServer) -> list[tuple[str, str]]:
    return [(str(m["To"]), str(m["Subject"])) for m in smtp.handler.messages]


def test_escalation_emails_reach_the_duty_clinician_then_the_lead(
    app: Flask, db: Session, make: Factory, smtp: SmtpServer
) -> None:
    world = build(make, db)
    world.colleague.on_duty = True
    # The same job runs remind carers of due check-ins (tests/reminders): only clinicians here.
    world.carer.reminders_enabled = world.other_carer.reminders_enabled = False
    db.add_all([world.colleague, world.carer, world.other_carer])
    db.commit()
    send(app, db, world.carer, now=RAISED, self_harm="2")

    run_jobs_once(app, now=RAISED)
    assert recipients(smtp) == [(world.clinician.email, "New urgent flag to review")]

    run_jobs_once(app, now=DUE - timedelta(seconds=1))
    assert len(smtp.handler.messages) == 1

    run_jobs_once(app, now=DUE)
    assert recipients(smtp)[1:] == [(world.colleague.email, "An urgent flag needs you")]

    run_jobs_once(app, now=DUE + timedelta(minutes=59))
    assert len(smtp.handler.messages) == 2

    run_jobs_once(app, now=DUE + timedelta(hours=1))
    assert recipients(smtp)[2:] == [(world.lead.email, "An urgent flag needs you")]

    # No clinical detail travels by email: not the carer's name, family or answers.
    for message in smtp.handler.messages:
        body = body_of(message)
        assert "Aisha" not in body and "Khan" not in body and "harm" not in body.lower()
