"""The carer is told there is a message from their team: once, neutrally (never the words),
by email when no browser takes a push, and as their reminder settings say."""

from datetime import UTC, datetime, time

from flask import Flask
from sqlmodel import Session, select

from parentapp.config import Settings
from parentapp.jobs import JOBS, job_name
from parentapp.notifications.email import compose
from parentapp.notifications.models import Notification
from parentapp.replies.jobs import message_for, notify_replies
from parentapp.replies.models import Reply
from parentapp.replies.services import send_reply
from tests.checkins.conftest import Home
from tests.replies.conftest import send

WORDS = "I saw that sleep has been hard. I will call you on Tuesday."
# Noon in winter in London (UTC): inside no quiet hours but 11:00-13:00.
NOON = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _reply(db: Session, home: Home) -> Reply:
    checkin, _ = send(db, home)
    return send_reply(
        session=db, actor=home.clinician, checkin_id=checkin.id or 0, template_id=None, text=WORDS
    )


def _notices(db: Session) -> list[Notification]:
    db.expire_all()
    return list(db.exec(select(Notification).where(Notification.kind == "team_message")).all())


def test_the_job_runs_before_delivery() -> None:
    names = [job_name(job) for job in JOBS]
    assert names.index("notify_replies") < names.index("deliver_notifications")


def test_an_email_says_only_that_there_is_a_message(
    app: Flask, db: Session, home: Home, settings: Settings
) -> None:
    _reply(db, home)
    assert "by email" in notify_replies(app, NOON)

    [notice] = _notices(db)
    assert (notice.channel, notice.recipient_id, notice.payload) == ("email", home.user.id, {})
    with app.app_context():
        email = compose(notification=notice, recipient=home.user, settings=settings)
    body = email.get_content()
    assert email["Subject"] == "You have a message from your team"
    assert "You have a message from your team" in body and "/messages" in body
    assert WORDS not in body and "sleep" not in body
    [reply] = db.exec(select(Reply)).all()
    assert (reply.notified_by, reply.notified_at) == ("email", NOON)


def test_running_twice_tells_the_carer_once(app: Flask, db: Session, home: Home) -> None:
    _reply(db, home)
    notify_replies(app, NOON)
    notify_replies(app, NOON)
    assert len(_notices(db)) == 1


def test_two_replies_make_one_message(app: Flask, db: Session, home: Home) -> None:
    _reply(db, home)
    _reply(db, home)
    notify_replies(app, NOON)
    assert len(_notices(db)) == 1


def test_reminders_off_means_no_nudge(app: Flask, db: Session, home: Home) -> None:
    home.carer.reminders_enabled = False
    db.add(home.carer)
    db.commit()
    _reply(db, home)
    notify_replies(app, NOON)
    assert _notices(db) == []
    assert [r.notified_by for r in db.exec(select(Reply)).all()] == ["none"]


def test_a_reply_already_read_needs_no_nudge(app: Flask, db: Session, home: Home) -> None:
    reply = _reply(db, home)
    reply.read_at = NOON
    db.add(reply)
    db.commit()
    notify_replies(app, NOON)
    assert _notices(db) == []


def test_quiet_hours_hold_the_nudge_until_they_end(app: Flask, db: Session, home: Home) -> None:
    home.carer.quiet_start, home.carer.quiet_end = time(11, 0), time(13, 0)
    db.add(home.carer)
    db.commit()
    _reply(db, home)

    notify_replies(app, NOON)
    assert _notices(db) == []
    notify_replies(app, NOON.replace(hour=12, minute=59))
    assert _notices(db) == []
    notify_replies(app, NOON.replace(hour=13))
    assert len(_notices(db)) == 1


def test_the_push_is_neutral_and_uses_the_discreet_name(
    db: Session, home: Home, app: Flask
) -> None:
    home.team.discreet_name = "Notes"
    with app.test_request_context():
        message = message_for(home.user, home.team)
    assert (message.title, message.body, message.url) == (
        "Notes",
        "You have a message from your team",
        "/messages",
    )
