"""'Forgot your password?': the same answer for any address, a single-use link for an hour read
from a real SMTP server, in the person's language, and every other session ended."""

import re
from datetime import timedelta
from email.message import Message

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.accounts import passwords
from parentapp.accounts.models import Role, User
from parentapp.audit.models import AuditEvent
from parentapp.notifications.delivery import deliver_all_due
from parentapp.notifications.models import Notification
from parentapp.signin.models import PasswordReset
from tests.factories import PASSWORD, Factory
from tests.notifications.conftest import SmtpServer

NEW_PASSWORD = "a brand new passphrase"
SENT = "If that address has an account, we have sent it a link"


def _ask(client: FlaskClient, email: str) -> str:
    response = client.post("/password/forgot", data={"email": email})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _link(app: Flask, smtp: SmtpServer, to: str) -> tuple[str, Message]:
    deliver_all_due(app)
    mail = [m for m in smtp.handler.messages if m["To"] == to][-1]
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    found = re.search(r"https://parentapp\.test(/password/reset/\S+)", body)
    assert found, body
    return found.group(1), mail


def _refused(db: Session) -> list[str | None]:
    db.expire_all()
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "password.reset_refused"))
    return [e.detail for e in events]


def test_the_answer_is_the_same_for_an_unknown_address(
    client: FlaskClient, make: Factory, db: Session, smtp: SmtpServer, app: Flask
):
    known = make.user(Role.CARER)

    assert SENT in _ask(client, known.email)
    assert SENT in _ask(client, "nobody@example.org")

    deliver_all_due(app)
    assert [m["To"] for m in smtp.handler.messages] == [known.email]


def test_reset_by_email_ends_every_other_session(
    app: Flask, client: FlaskClient, make: Factory, db: Session, smtp: SmtpServer
):
    carer = make.user(Role.CARER)
    elsewhere = app.test_client()
    assert (
        elsewhere.post("/login", data={"email": carer.email, "password": PASSWORD}).status_code
        == 302
    )
    assert elsewhere.get("/account").status_code == 200

    _ask(client, carer.email)
    path, mail = _link(app, smtp, carer.email)
    assert mail["Subject"] == "Reset your password"
    token = path.rsplit("/", 1)[1]
    stored = db.exec(select(PasswordReset)).one()
    assert token not in stored.token_hash
    # Sent, so the sealed token is no longer kept in the outbox either.
    assert all(not n.payload for n in db.exec(select(Notification)).all())

    assert client.get(path).status_code == 200
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert done.status_code == 302 and done.location.endswith("/login")
    db.expire_all()
    with app.app_context():
        assert passwords.verify_password(db.get_one(User, carer.id).password_hash, NEW_PASSWORD)
    assert elsewhere.get("/account").status_code == 302  # the old cookie no longer works
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "password.reset")).one()
    # Used once: the link now refuses, and says so.
    again = client.post(
        path, data={"password": "another new passphrase", "confirm": "another new passphrase"}
    )
    assert again.status_code == 400 and "cannot be used" in again.get_data(as_text=True)
    assert _refused(db) == ["used"]


def test_the_email_is_in_the_persons_language(
    app: Flask, client: FlaskClient, make: Factory, db: Session, smtp: SmtpServer
):
    carer = make.user(Role.CARER)
    carer.locale = "pl"
    db.add(carer)
    db.commit()

    _ask(client, carer.email)
    _path, mail = _link(app, smtp, carer.email)

    assert mail["Content-Language"] == "pl"
    assert mail["Subject"] != "Reset your password"


def test_an_expired_link_is_refused(
    app: Flask, client: FlaskClient, make: Factory, db: Session, smtp: SmtpServer
):
    carer = make.user(Role.CARER)
    _ask(client, carer.email)
    path, _mail = _link(app, smtp, carer.email)
    reset = db.exec(select(PasswordReset)).one()
    reset.expires_at = reset.created_at - timedelta(seconds=1)
    db.add(reset)
    db.commit()

    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 400
    assert _refused(db) == ["expired"]


def test_a_link_for_a_deactivated_account_is_refused(
    app: Flask, client: FlaskClient, make: Factory, db: Session, smtp: SmtpServer
):
    clinician = make.user(Role.CLINICIAN, make.team())
    _ask(client, clinician.email)
    path, _mail = _link(app, smtp, clinician.email)
    clinician.active = False
    db.add(clinician)
    db.commit()

    response = client.get(path)

    assert response.status_code == 400
    assert _refused(db) == ["inactive"]


def test_an_older_link_stops_working_when_a_new_one_is_asked_for(
    app: Flask, client: FlaskClient, make: Factory, db: Session, smtp: SmtpServer
):
    carer = make.user(Role.CARER)
    _ask(client, carer.email)
    first, _mail = _link(app, smtp, carer.email)
    _ask(client, carer.email)
    second, _mail = _link(app, smtp, carer.email)

    assert first != second
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200


@pytest.mark.parametrize("token", ["x", "a" * 43, "../../etc", "%00", "a" * 500])
def test_made_up_links_are_refused(client: FlaskClient, db: Session, token: str):
    response = client.get(f"/password/reset/{token}")
    assert response.status_code in {400, 404}


def test_a_weak_or_mismatched_new_password_changes_nothing(
    app: Flask, client: FlaskClient, make: Factory, db: Session, smtp: SmtpServer
):
    carer = make.user(Role.CARER)
    _ask(client, carer.email)
    path, _mail = _link(app, smtp, carer.email)

    mismatched = client.post(path, data={"password": NEW_PASSWORD, "confirm": "something else"})
    weak = client.post(path, data={"password": "password", "confirm": "password"})

    assert mismatched.status_code == weak.status_code == 400
    assert "not the same" in mismatched.get_data(as_text=True)
    db.expire_all()
    with app.app_context():
        assert passwords.verify_password(db.get_one(User, carer.id).password_hash, PASSWORD)
    assert db.exec(select(PasswordReset)).one().used_at is None


def test_a_carer_is_held_to_the_carers_length_and_staff_to_theirs(
    app: Flask, client: FlaskClient, make: Factory, db: Session, smtp: SmtpServer
):
    carer = make.user(Role.CARER)
    clinician = make.user(Role.CLINICIAN, make.team())
    for person, short, ok in (
        (carer, "seven c", "eight ch"),
        (clinician, "elevenchars", "twelve chars"),
    ):
        _ask(client, person.email)
        path, _mail = _link(app, smtp, person.email)
        assert client.post(path, data={"password": short, "confirm": short}).status_code == 400
        assert client.post(path, data={"password": ok, "confirm": ok}).status_code == 302
