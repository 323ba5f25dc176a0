"""The outbox: rows written with the check-in, delivered over real SMTP, retried with backoff,
and never carrying clinical details."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from parentapp.checkins.services import submit_checkin
from parentapp.db import utcnow
from parentapp.instruments.registry import load_registry
from parentapp.notifications.delivery import deliver_due
from parentapp.notifications.models import Notification
from parentapp.notifications.services import Kind, backoff
from parentapp.triage.evaluate import FlagDecision
from parentapp.triage.models import Flag
from parentapp.triage.services import apply_decision
from parentapp.triage.vocab import Category, Severity
from tests.checkins.conftest import CALM, Home
from tests.notifications.conftest import SmtpServer

pytestmark = pytest.mark.usefixtures("ctx")

NOTE = "I keep thinking about hurting myself tonight"


def submit(db: Session, home: Home, **answers: str) -> Any:
    return submit_checkin(
        session=db, carer=home.carer, instrument_id="weekly", answers={**CALM, **answers},
        infant_id=None, locale="en",
    )  # fmt: skip


def rows(db: Session) -> list[Notification]:
    db.expire_all()
    return list(db.exec(select(Notification).order_by(col(Notification.id))).all())


def test_an_urgent_check_in_writes_in_app_and_email_rows(db: Session, home: Home) -> None:
    result = submit(db, home, self_harm="2")

    [flag] = result.flags
    assert [(r.channel, r.kind, r.recipient_id, r.flag_id) for r in rows(db)] == [
        ("in_app", "flag_opened", home.clinician.id, flag.id),
        ("email", "flag_opened", home.clinician.id, flag.id),
    ]
    assert all(r.delivered_at is None and r.attempts == 0 for r in rows(db))


def test_a_rolled_back_check_in_leaves_no_notification(
    db: Session, home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_commit() -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(db, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        submit(db, home, self_harm="2")
    monkeypatch.undo()

    assert rows(db) == []
    assert db.exec(select(Flag)).all() == []


def test_a_concern_is_in_app_only_and_waits_for_the_digest(db: Session, home: Home) -> None:
    # A note (concern); a request to be contacted is emailed at once (below).
    submit(db, home, note="A hard week")

    assert [(r.channel, r.kind) for r in rows(db)] == [("in_app", "flag_opened")]


def test_a_request_to_be_contacted_is_emailed_at_once_like_an_urgent_flag(
    db: Session, home: Home
) -> None:
    [flag] = submit(db, home, contact="true").flags

    assert (flag.category, flag.severity) == ("contact_request", "concern")
    assert [(r.channel, r.kind, r.recipient_id) for r in rows(db)] == [
        ("in_app", "flag_opened", home.clinician.id),
        ("email", "flag_opened", home.clinician.id),
    ]


def test_a_calm_check_in_notifies_nobody(db: Session, home: Home) -> None:
    submit(db, home)

    assert rows(db) == []


def _decision(severity: Severity) -> FlagDecision:
    return FlagDecision(rule_id=f"test-{severity}", category=Category.MOOD, severity=severity,
                        safeguarding=False, reason="test", evidence={"severity": str(severity)})  # fmt: skip


def test_a_concern_raised_to_urgent_is_emailed_once(db: Session, home: Home) -> None:
    apply_decision(session=db, carer=home.carer, family=home.family, checkin=None,
                   decision=_decision(Severity.CONCERN))  # fmt: skip
    db.commit()
    assert [r.channel for r in rows(db)] == ["in_app"]

    apply_decision(session=db, carer=home.carer, family=home.family, checkin=None,
                   decision=_decision(Severity.URGENT))  # fmt: skip
    db.commit()
    assert [(r.channel, r.kind) for r in rows(db)] == [
        ("in_app", "flag_opened"),
        ("in_app", Kind.FLAG_URGENT.value),
        ("email", Kind.FLAG_URGENT.value),
    ]
    # Another urgent answer on the live urgent flag is news: the owner is told again at once
    # (before, only a counter went up).
    apply_decision(session=db, carer=home.carer, family=home.family, checkin=None,
                   decision=replace_evidence(_decision(Severity.URGENT)))  # fmt: skip
    db.commit()
    assert [(r.channel, r.kind) for r in rows(db)][3:] == [
        ("in_app", Kind.FLAG_REPEAT.value),
        ("email", Kind.FLAG_REPEAT.value),
    ]


def replace_evidence(decision: FlagDecision) -> FlagDecision:
    return replace(decision, evidence={"again": True})


def test_delivery_sends_a_plain_email_with_no_clinical_details(
    app: Flask, db: Session, home: Home, smtp: SmtpServer
) -> None:
    submit(db, home, self_harm="3", mood="3", contact="true", note=NOTE)

    # Three flags (self-harm, urgent; the note, urgent by its words; contact request): an
    # in-app row each, and an email for each flag that cannot wait for the digest.
    emails = [r for r in rows(db) if r.channel == "email"]
    assert deliver_due(app) == len(rows(db))
    assert len(smtp.handler.messages) == len(emails) >= 2

    weekly = load_registry(db).get("weekly")
    forbidden = [NOTE, "hurting", home.user.display_name, home.family.label,
                 home.infant.name or "Ada", "score", "mood", "self-harm", "harm", "answer"]  # fmt: skip
    forbidden += [item.text for item in weekly.items]
    for message in smtp.handler.messages:
        assert message["To"] == home.clinician.email
        text = message.as_string()
        assert "https://parentapp.test/flags" in text
        for words in forbidden:
            assert words.lower() not in text.lower(), words
    assert "New urgent flag to review" in [m["Subject"] for m in smtp.handler.messages]
    assert all(r.delivered_at is not None and r.locked_until is None for r in rows(db))


def test_the_email_follows_the_recipients_language(
    app: Flask, db: Session, home: Home, smtp: SmtpServer
) -> None:
    home.clinician.locale = "pl"
    db.add(home.clinician)
    db.commit()
    submit(db, home, self_harm="1")

    deliver_due(app)

    [message] = smtp.handler.messages
    assert message["Content-Language"] == "pl"


def test_smtp_down_then_up_is_delivered_after_backoff(
    app: Flask, db: Session, home: Home, smtp_port: int
) -> None:
    submit(db, home, self_harm="1")
    start = utcnow()

    # Nothing listens on the port: the email backs off, the in-app row is still delivered.
    assert deliver_due(app, now=start) == 1
    [email] = [r for r in rows(db) if r.channel == "email"]
    assert email.delivered_at is None and email.attempts == 1 and email.locked_until is None
    assert email.last_error and "ConnectionRefused" in email.last_error
    assert email.deliver_after == start + backoff(1) == start + timedelta(minutes=1)

    server = SmtpServer(smtp_port)
    server.start()
    try:
        # Up now, but the row waits for its backoff: just before it, nothing is sent.
        assert deliver_due(app, now=start + timedelta(seconds=59)) == 0
        assert deliver_due(app, now=start + timedelta(minutes=1)) == 1
    finally:
        server.stop()

    assert server.handler.count() == 1
    [email] = [r for r in rows(db) if r.channel == "email"]
    assert email.delivered_at is not None and email.attempts == 1


@pytest.mark.parametrize(
    ("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (8, 60), (30, 60)]
)
def test_backoff_doubles_and_is_capped_at_an_hour(attempts: int, minutes: int) -> None:
    assert backoff(attempts) == timedelta(minutes=minutes)


def test_a_leased_row_waits_for_its_lease(app: Flask, db: Session, home: Home,
                                          smtp: SmtpServer) -> None:  # fmt: skip
    submit(db, home, self_harm="1")
    now = utcnow()
    for row in rows(db):
        row.locked_until = now + timedelta(minutes=2)  # claimed by a worker that then died
        db.add(row)
    db.commit()

    assert deliver_due(app, now=now + timedelta(seconds=119)) == 0
    assert deliver_due(app, now=now + timedelta(minutes=2)) == 2
    assert smtp.handler.count() == 1


def test_the_email_is_composed_in_the_recipients_locale(
    app: Flask, db: Session, home: Home, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask_babel import force_locale

    from parentapp.notifications import email

    seen: list[str] = []
    real = force_locale

    def spy(locale: str) -> Any:
        seen.append(locale)
        return real(locale)

    monkeypatch.setattr(email, "force_locale", spy)
    home.clinician.locale = "en_GB"
    db.add(home.clinician)
    db.commit()
    submit(db, home, self_harm="1")

    deliver_due(app)

    assert seen == ["en_GB"]
    assert smtp.handler.messages[0]["Content-Language"] == "en-GB"
