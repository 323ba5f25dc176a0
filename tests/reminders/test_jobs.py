"""The reminder job, run with the clock passed in: when reminders go, by which channel, and
that they stop. Push goes to a fake push service on localhost; email to a real SMTP server."""

import base64
import json
from datetime import datetime, time, timedelta
from email.message import Message as EmailMessage
from typing import Any

import http_ece
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from flask import Flask
from sqlmodel import Session, col, select

from parentapp.checkins.models import CheckIn
from parentapp.families.roles import CarerRole
from parentapp.jobs import JOBS, job_name, run_jobs_once
from parentapp.notifications.models import Notification
from parentapp.reminders import jobs
from parentapp.reminders.jobs import _claim, owed_reminders, send_reminders
from parentapp.reminders.models import PushSubscription, Reminder
from tests.factories import Factory, add_schedule, carer_row
from tests.notifications.conftest import SmtpServer
from tests.reminders.conftest import DUE, Keys, PushService, Reminded, subscribe
from tests.reminders.subscriptions import Browser

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def sent(db: Session) -> list[tuple[str, str, datetime]]:
    """(kind, channel, due_at) of every reminder, in the order sent."""
    db.expire_all()
    rows = db.exec(select(Reminder).order_by(col(Reminder.id))).all()
    return [(r.kind, r.channel, r.due_at) for r in rows]


def emails_queued(db: Session) -> list[Notification]:
    db.expire_all()
    return list(db.exec(select(Notification).where(Notification.kind == "reminder")).all())


def body_of(message: EmailMessage) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def do_checkin(db: Session, reminded: Reminded, at: datetime) -> None:
    db.add(
        CheckIn(
            carer_id=reminded.carer.id or 0,
            family_id=reminded.carer.family_id,
            schedule_id=reminded.schedule.id,
            instrument_id="weekly",
            instrument_version="1.0",
            ruleset_version="1.0",
            locale="en",
            submitted_at=at,
        )
    )
    db.commit()


def test_the_job_runs_before_delivery() -> None:
    names = [job_name(job) for job in JOBS]
    assert names.index("send_reminders") < names.index("deliver_notifications")


def test_first_reminder_when_due_not_before(app: Flask, db: Session, reminded: Reminded) -> None:
    send_reminders(app, DUE - MINUTE)
    assert sent(db) == []

    summary = send_reminders(app, DUE)

    # Push is off in this test: the reminder goes to the outbox as an email.
    assert sent(db) == [("first", "email", DUE)]
    [email] = emails_queued(db)
    assert email.recipient_id == reminded.user.id
    assert email.channel == "email"
    assert email.payload == {"follow_up": False}
    assert "1 by email" in summary


def test_running_twice_sends_one_reminder(app: Flask, db: Session, reminded: Reminded) -> None:
    send_reminders(app, DUE)
    send_reminders(app, DUE)
    send_reminders(app, DUE + 5 * MINUTE)

    assert sent(db) == [("first", "email", DUE)]
    assert len(emails_queued(db)) == 1


def test_a_reminder_another_worker_claimed_is_not_sent(
    app: Flask, db: Session, reminded: Reminded
) -> None:
    """Two workers both decide a reminder is owed; the unique row lets only one send it."""
    owed = owed_reminders(db, reminded.carer, [reminded.schedule], DUE, timedelta(hours=24))
    assert [o.kind for o in owed] == ["first"]
    send_reminders(app, DUE)  # the other worker, first to insert

    assert _claim(db, reminded.carer, owed, DUE) == []
    assert len(sent(db)) == 1


def test_follow_up_after_the_set_hours_and_never_a_third(
    app: Flask, db: Session, reminded: Reminded
) -> None:
    send_reminders(app, DUE)
    send_reminders(app, DUE + 24 * HOUR - MINUTE)
    assert [kind for kind, _, _ in sent(db)] == ["first"]

    send_reminders(app, DUE + 24 * HOUR)
    assert sent(db) == [("first", "email", DUE), ("follow_up", "email", DUE)]
    assert [e.payload for e in emails_queued(db)] == [{"follow_up": False}, {"follow_up": True}]

    for hours in (25, 48, 72, 6 * 24):
        send_reminders(app, DUE + hours * HOUR)
    assert len(sent(db)) == 2


def test_follow_up_hours_come_from_settings(app: Flask, db: Session, reminded: Reminded) -> None:
    app.config["PARENTAPP_SETTINGS"] = app.config["PARENTAPP_SETTINGS"].with_(
        reminder_follow_up=timedelta(hours=3)
    )
    send_reminders(app, DUE)
    send_reminders(app, DUE + 3 * HOUR)
    assert [kind for kind, _, _ in sent(db)] == ["first", "follow_up"]


def test_a_done_checkin_stops_reminders(app: Flask, db: Session, reminded: Reminded) -> None:
    send_reminders(app, DUE)
    do_checkin(db, reminded, DUE + HOUR)

    send_reminders(app, DUE + 24 * HOUR)
    send_reminders(app, DUE + 48 * HOUR)

    assert [kind for kind, _, _ in sent(db)] == ["first"]


def test_a_checkin_done_before_it_is_due_needs_no_reminder(
    app: Flask, db: Session, reminded: Reminded
) -> None:
    do_checkin(db, reminded, DUE - HOUR)  # the next one is due a week later
    send_reminders(app, DUE)
    send_reminders(app, DUE + 24 * HOUR)
    assert sent(db) == []


def test_quiet_hours_hold_the_reminder_until_they_end(
    app: Flask, db: Session, reminded: Reminded
) -> None:
    # Due at 23:00 London time, inside the default quiet hours (22:00 to 08:00).
    reminded.schedule.starts_at = DUE.replace(hour=23)
    db.add(reminded.schedule)
    db.commit()
    night = DUE.replace(hour=23)

    send_reminders(app, night)
    send_reminders(app, night + 3 * HOUR)  # 02:00
    send_reminders(app, night + 9 * HOUR - MINUTE)  # 07:59
    assert sent(db) == []

    send_reminders(app, night + 9 * HOUR)  # 08:00, quiet hours over

    assert sent(db) == [("first", "email", night)]


def test_quiet_hours_follow_the_carer_time_zone(
    app: Flask, db: Session, reminded: Reminded
) -> None:
    # Noon UTC is 17:00 in Karachi: a carer there with quiet hours from 16:00 is not disturbed.
    reminded.user.time_zone = "Asia/Karachi"
    reminded.carer.quiet_start = time(16, 0)
    reminded.carer.quiet_end = time(20, 0)
    db.add_all([reminded.user, reminded.carer])
    db.commit()

    send_reminders(app, DUE)
    assert sent(db) == []
    send_reminders(app, DUE + 3 * HOUR)  # 20:00 in Karachi
    assert [kind for kind, _, _ in sent(db)] == ["first"]


def test_follow_up_waits_for_quiet_hours_to_end(
    app: Flask, db: Session, reminded: Reminded
) -> None:
    reminded.carer.quiet_start = time(11, 0)
    reminded.carer.quiet_end = time(13, 0)
    db.add(reminded.carer)
    db.commit()
    send_reminders(app, DUE + HOUR)  # 13:00: quiet hours just ended

    send_reminders(app, DUE + 25 * HOUR - MINUTE)  # 12:59 next day, still quiet
    assert [kind for kind, _, _ in sent(db)] == ["first"]
    send_reminders(app, DUE + 25 * HOUR)
    assert [kind for kind, _, _ in sent(db)] == ["first", "follow_up"]


def test_no_quiet_hours_means_any_time(app: Flask, db: Session, reminded: Reminded) -> None:
    reminded.schedule.starts_at = DUE.replace(hour=3)
    reminded.carer.quiet_start = reminded.carer.quiet_end = None
    db.add_all([reminded.schedule, reminded.carer])
    db.commit()

    send_reminders(app, DUE.replace(hour=3))

    assert [kind for kind, _, _ in sent(db)] == ["first"]


def test_a_carer_who_turned_reminders_off_gets_none(
    app: Flask, db: Session, reminded: Reminded
) -> None:
    reminded.carer.reminders_enabled = False
    db.add(reminded.carer)
    db.commit()

    for hours in (0, 24, 48):
        send_reminders(app, DUE + hours * HOUR)

    assert sent(db) == []
    assert emails_queued(db) == []


def test_a_check_in_missed_for_a_whole_interval_is_due_again(
    app: Flask, db: Session, reminded: Reminded
) -> None:
    send_reminders(app, DUE)
    send_reminders(app, DUE + 24 * HOUR)
    send_reminders(app, DUE + 7 * 24 * HOUR)

    week_later = DUE + timedelta(days=7)
    assert sent(db)[2:] == [("first", "email", week_later)]


def test_several_due_check_ins_make_one_message(
    app: Flask, db: Session, reminded: Reminded
) -> None:
    add_schedule(db, reminded.carer, "phq9", starts_at=DUE, interval_days=14)

    send_reminders(app, DUE)

    assert len(sent(db)) == 2  # one row per schedule
    assert len(emails_queued(db)) == 1  # one email


# --- push -----------------------------------------------------------------------------------


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid_claims(authorization: str, public_key: str) -> dict[str, object]:
    """Check the VAPID (RFC 8292) header's signature against our public key; its claims."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    header, payload, signature = fields["t"].split(".")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64decode(fields["k"]))
    raw = b64decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if bad
    claims: dict[str, object] = json.loads(b64decode(payload))
    return claims


def test_push_reaches_the_push_service_encrypted_and_signed(
    app: Flask,
    db: Session,
    reminded: Reminded,
    vapid: Keys,
    push_service: PushService,
    browser: Browser,
) -> None:
    subscription = subscribe(db, reminded.user, browser, push_service.url())

    summary = send_reminders(app, DUE)

    [request] = push_service.received
    assert request.path == "/push/phone-1"
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str(24 * 3600)
    claims = vapid_claims(headers["authorization"], vapid.public)
    assert claims["sub"] == "mailto:ops@parentapp.test"
    assert claims["aud"] == push_service.url("")
    # Only the browser holding the subscription's private key can read the message.
    assert b"check-in" not in request.body
    plain = http_ece.decrypt(
        request.body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
    )
    assert json.loads(plain) == {
        "title": "Parent check-in",
        "body": "Your check-in is ready.",
        "url": "/home",
    }
    assert sent(db) == [("first", "push", DUE)]
    assert emails_queued(db) == []
    db.refresh(subscription)
    assert subscription.last_success_at == DUE
    assert "1 reminder(s) pushed" in summary


def test_push_title_is_the_team_discreet_name(
    app: Flask,
    db: Session,
    reminded: Reminded,
    vapid: Keys,
    push_service: PushService,
    browser: Browser,
) -> None:
    reminded.team.discreet_name = "Diary"
    db.add(reminded.team)
    db.commit()
    subscribe(db, reminded.user, browser, push_service.url())

    send_reminders(app, DUE)

    [request] = push_service.received
    plain = http_ece.decrypt(
        request.body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
    )
    assert json.loads(plain)["title"] == "Diary"


def test_every_device_of_the_carer_gets_it(
    app: Flask, db: Session, reminded: Reminded, vapid: Keys, push_service: PushService
) -> None:
    subscribe(db, reminded.user, Browser.new(), push_service.url("/push/phone"))
    subscribe(db, reminded.user, Browser.new(), push_service.url("/push/tablet"))

    send_reminders(app, DUE)

    assert sorted(r.path for r in push_service.received) == ["/push/phone", "/push/tablet"]
    assert sent(db) == [("first", "push", DUE)]


def test_a_gone_subscription_is_removed_and_email_sent_instead(
    app: Flask,
    db: Session,
    reminded: Reminded,
    vapid: Keys,
    push_service: PushService,
    browser: Browser,
) -> None:
    subscribe(db, reminded.user, browser, push_service.url())
    push_service.status = 410

    send_reminders(app, DUE)

    assert len(push_service.received) == 1
    db.expire_all()
    assert db.exec(select(PushSubscription)).all() == []
    assert sent(db) == [("first", "email", DUE)]
    assert len(emails_queued(db)) == 1


def test_a_failing_push_service_keeps_the_subscription_and_emails(
    app: Flask,
    db: Session,
    reminded: Reminded,
    vapid: Keys,
    push_service: PushService,
    browser: Browser,
) -> None:
    subscribe(db, reminded.user, browser, push_service.url())
    push_service.status = 503

    send_reminders(app, DUE)

    db.expire_all()
    assert len(db.exec(select(PushSubscription)).all()) == 1
    assert sent(db) == [("first", "email", DUE)]


def test_an_unreachable_push_service_falls_back_to_email(
    app: Flask, db: Session, reminded: Reminded, vapid: Keys, browser: Browser
) -> None:
    subscribe(db, reminded.user, browser, "http://127.0.0.1:9/push/nobody-listens")

    send_reminders(app, DUE)

    assert sent(db) == [("first", "email", DUE)]


def test_one_device_accepting_is_enough(
    app: Flask, db: Session, reminded: Reminded, vapid: Keys, push_service: PushService
) -> None:
    subscribe(db, reminded.user, Browser.new(), "http://127.0.0.1:9/push/old-phone")
    subscribe(db, reminded.user, Browser.new(), push_service.url())

    send_reminders(app, DUE)

    assert sent(db) == [("first", "push", DUE)]
    assert emails_queued(db) == []


def test_email_reaches_the_smtp_server(
    app: Flask, db: Session, reminded: Reminded, smtp: SmtpServer
) -> None:
    """No subscription: the whole worker run queues the email and delivers it."""
    run_jobs_once(app, now=DUE)

    [message] = smtp.handler.messages
    assert message["To"] == reminded.user.email
    assert message["Subject"] == "Your check-in is ready"
    body = body_of(message)
    assert "Your check-in is ready." in body
    assert "https://parentapp.test/home" in body
    # Nothing about which questionnaire, the answers or the team.
    for word in ("weekly", "PHQ", "GAD", "Riverside", "mood"):
        assert word.lower() not in body.lower()

    run_jobs_once(app, now=DUE + 5 * MINUTE)
    assert smtp.handler.count() == 1


def test_follow_up_email_says_it_is_still_waiting(
    app: Flask, db: Session, reminded: Reminded, smtp: SmtpServer
) -> None:
    run_jobs_once(app, now=DUE)
    run_jobs_once(app, now=DUE + 24 * HOUR)

    assert smtp.handler.count() == 2
    body = body_of(smtp.handler.messages[1])
    assert "still waiting" in body


def test_a_failure_for_one_carer_does_not_stop_the_others(
    app: Flask, db: Session, reminded: Reminded, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    family = make.family(reminded.team, reminded.clinician)
    other = carer_row(db, make.carer(family, CarerRole.FATHER))
    add_schedule(db, other, "weekly", starts_at=DUE, interval_days=7)
    real = jobs.remind_carer

    def broken_for_the_first(**kwargs: Any) -> str | None:
        if kwargs["carer"].id == reminded.carer.id:
            raise sa.exc.OperationalError("SELECT", {}, Exception("database went away"))
        return real(**kwargs)

    monkeypatch.setattr(jobs, "remind_carer", broken_for_the_first)

    summary = send_reminders(app, DUE)

    assert "1 carer(s) failed" in summary
    db.expire_all()
    assert [r.carer_id for r in db.exec(select(Reminder)).all()] == [other.id]
