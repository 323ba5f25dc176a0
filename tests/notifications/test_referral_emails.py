"""The referrer's emails, read from a real SMTP server: one per step, in the referrer's own
language, with the referral's number and never the family's name or what was referred for."""

from datetime import timedelta

from flask import Flask
from sqlmodel import Session

from parentapp.notifications.delivery import deliver_all_due
from parentapp.referrals import services
from tests.factories import Factory
from tests.notifications.conftest import SmtpServer
from tests.notifications.mail import body_of
from tests.referrals.helpers import MONDAY, build, send


def test_the_referrer_is_emailed_each_step_without_clinical_details(
    app: Flask, db: Session, make: Factory, smtp: SmtpServer
) -> None:
    setting = build(make, db)
    referral = send(app, db, setting.referrer, setting.team)
    with app.test_request_context():
        services.decline(
            session=db,
            actor=setting.lead,
            referral=referral,
            reason="area",
            signposted_to="The Hillside perinatal team, 0161 000 0000",
            now=MONDAY + timedelta(hours=1),
        )
    deliver_all_due(app, now=MONDAY + timedelta(hours=2))
    to_referrer = [m for m in smtp.handler.messages if m["To"] == setting.referrer.email]
    assert [m["Subject"] for m in to_referrer] == [
        "An update on your referral",
        "An update on your referral",
    ]
    received, declined = (body_of(m) for m in to_referrer)
    number = f"R-{referral.id:05d}"
    assert f"Your referral {number} has been received by the team." in received
    assert f"Your referral {number} has been declined." in declined
    assert "The family lives outside the team's area" in declined
    assert "The Hillside perinatal team, 0161 000 0000" in declined
    assert "https://parentapp.test/referrals" in declined
    for body in (received, declined):
        assert "Amira" not in body and "Noor" not in body and "Low since" not in body


def test_the_referrers_email_is_in_their_language(
    app: Flask, db: Session, make: Factory, smtp: SmtpServer
) -> None:
    setting = build(make, db)
    setting.referrer.locale = "es"
    db.add(setting.referrer)
    db.commit()
    send(app, db, setting.referrer, setting.team)
    deliver_all_due(app, now=MONDAY + timedelta(hours=1))
    message = next(m for m in smtp.handler.messages if m["To"] == setting.referrer.email)
    assert message["Content-Language"] == "es"
    assert "has been received by the team" not in body_of(message)
