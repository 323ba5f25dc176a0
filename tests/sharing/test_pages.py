"""The pages: a carer shares and sees openings, the link is emailed (read from a real SMTP
server) and opened with its code on a standalone page that is never cached or indexed, a
stopped, expired or unknown link gets one clear page, and the clinician's own pages."""

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.db import utcnow
from parentapp.notifications.delivery import deliver_all_due
from parentapp.notifications.models import Notification
from parentapp.sharing.models import Share, ShareOpening
from tests.conftest import login
from tests.notifications.conftest import SmtpServer
from tests.sharing.conftest import NOTE, Sharing, make_share, share_row, token_of

UNUSABLE = "This link cannot be used"


def _form(world: Sharing, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "recipient_name": "Hana Visitor",
        "recipient_email": "hana@clinic.example",
        "recipient_role": "health_visitor",
        "locale": "pl",
        "days": "7",
        "instruments": "weekly",
        "note_ids": str(world.noted.id),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _carer(app: Flask, world: Sharing) -> FlaskClient:
    client = app.test_client()
    login(client, world.carer_user.email)
    return client


def test_a_carer_shares_and_the_professional_gets_the_link_by_email(
    app: Flask, db: Session, world: Sharing, smtp: SmtpServer
):
    client = _carer(app, world)
    assert "Share with a professional" in client.get("/home").get_data(as_text=True)
    page = client.get("/shares").get_data(as_text=True)
    assert NOTE[:40] in page  # the carer's note, offered to choose

    response = client.post("/shares", data=_form(world))

    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    code = re.search(r'id="share-code"><strong>([0-9A-Z]{4}-[0-9A-Z]{4})<', html)
    assert code, html
    deliver_all_due(app)
    (mail,) = smtp.handler.messages
    assert mail["To"] == "hana@clinic.example"
    assert mail["Content-Language"] == "pl"
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Riverside Perinatal Team" in body
    # Neither the carer's name nor the code is in the email.
    assert "Maya" not in body and code.group(1) not in body
    link = re.search(r"https://parentapp\.test(/shared/\S+)", body)
    assert link, body
    # Sent: the sealed token and address are no longer kept in the outbox.
    db.expire_all()
    sent = db.exec(select(Notification).where(Notification.kind == "share_link")).one()
    assert sent.delivered_at is not None and sent.payload == {}

    professional = app.test_client()
    assert professional.get(link.group(1)).status_code == 200
    opened = professional.post(link.group(1), data={"code": code.group(1)})
    assert opened.status_code == 200
    assert "Maya Jones" in opened.get_data(as_text=True)
    assert NOTE in opened.get_data(as_text=True)

    mine = client.get("/shares").get_data(as_text=True)
    assert "Opened by the person you shared with on" in mine


def test_the_summary_page_is_standalone_not_cached_not_indexed(
    app: Flask, db: Session, world: Sharing
):
    created = make_share(app, db, world)
    path = "/shared/" + token_of(app, db, created.share)
    professional = app.test_client()

    code_page = professional.get(path)
    summary = professional.post(path, data={"code": created.code})

    for response in (code_page, summary):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        html = response.get_data(as_text=True)
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert "site-header" not in html and "<nav" not in html
    assert summary.headers["Referrer-Policy"] == "no-referrer"
    html = summary.get_data(as_text=True)
    assert "Riverside Perinatal Team" in html
    assert "This link stops working on" in html
    assert NOTE not in html  # not chosen
    assert len(db.exec(select(ShareOpening)).all()) == 1


def test_the_summary_is_in_the_language_chosen_for_the_recipient(
    app: Flask, db: Session, world: Sharing
):
    created = make_share(app, db, world, locale="pl")
    path = "/shared/" + token_of(app, db, created.share)

    html = app.test_client().post(path, data={"code": created.code}).get_data(as_text=True)

    assert '<html lang="pl"' in html


def test_a_wrong_code_is_refused_beside_the_field(app: Flask, db: Session, world: Sharing):
    created = make_share(app, db, world)
    path = "/shared/" + token_of(app, db, created.share)

    for typed in ("ZZZZ-ZZZZ", "not a code at all"):
        response = app.test_client().post(path, data={"code": typed})
        assert response.status_code == 400
        assert "That code is not right" in response.get_data(as_text=True)
    empty = app.test_client().post(path, data={"code": ""})
    assert empty.status_code == 400 and "Enter the code." in empty.get_data(as_text=True)
    assert share_row(db, created.share.id).failed_codes == 2


def test_after_five_wrong_codes_the_link_is_locked_and_the_carer_sees_it(
    app: Flask, db: Session, world: Sharing
):
    created = make_share(app, db, world)
    path = "/shared/" + token_of(app, db, created.share)
    guesser = app.test_client()

    statuses = [guesser.post(path, data={"code": "ZZZZ-ZZZZ"}).status_code for _ in range(5)]
    sixth = guesser.post(path, data={"code": created.code})

    assert statuses == [400, 400, 400, 400, 410]
    assert sixth.status_code == 410 and UNUSABLE in sixth.get_data(as_text=True)
    assert "Locked after too many wrong codes" in _carer(app, world).get("/shares").get_data(
        as_text=True
    )


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown"])
def test_a_link_that_no_longer_opens_gets_one_clear_page(
    app: Flask, db: Session, world: Sharing, how: str
):
    created = make_share(app, db, world)
    path = "/shared/" + token_of(app, db, created.share)
    share = share_row(db, created.share.id)
    if how == "revoked":
        response = _carer(app, world).post(f"/shares/{share.id}/revoke")
        assert response.status_code == 302
    elif how == "expired":
        share.expires_at = utcnow() - timedelta(seconds=1)
        db.add(share)
        db.commit()
    else:
        path = "/shared/" + "x" * 43

    for response in (
        app.test_client().get(path),
        app.test_client().post(path, data={"code": created.code}),
    ):
        assert response.status_code == (404 if how == "unknown" else 410)
        html = response.get_data(as_text=True)
        assert UNUSABLE in html and "Maya" not in html
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert len(db.exec(select(ShareOpening)).all()) == 0


def test_a_very_long_token_is_not_a_server_error(app: Flask):
    response = app.test_client().get("/shared/" + "a" * 5000)

    assert response.status_code == 404


def test_days_out_of_range_are_refused_on_the_form(app: Flask, db: Session, world: Sharing):
    client = _carer(app, world)
    for days in ("0", "15", "abc", ""):
        response = client.post("/shares", data=_form(world, days=days))
        assert response.status_code == 400
        assert "Enter a number of days from 1 to 14." in response.get_data(as_text=True)
    assert db.exec(select(Share)).all() == []


def test_another_carer_cannot_stop_a_share(app: Flask, db: Session, world: Sharing):
    created = make_share(app, db, world)
    other = app.test_client()
    login(other, world.co_carer.email)

    response = other.post(f"/shares/{created.share.id}/revoke")

    assert response.status_code == 404
    assert share_row(db, created.share.id).revoked_at is None


def test_the_clinician_shares_for_a_carer_and_stops_it(app: Flask, db: Session, world: Sharing):
    client = app.test_client()
    login(client, world.clinician.email)
    family_id, carer_id = world.family.id, world.carer.id
    assert "Share with a professional" in client.get(f"/families/{family_id}").get_data(
        as_text=True
    )
    assert client.get(f"/families/{family_id}/shares").status_code == 200
    prefix = f"carer-{carer_id}-"
    data = {prefix + k: v for k, v in _form(world).items()}

    refused = client.post(f"/families/{family_id}/carers/{carer_id}/shares", data=data)
    assert refused.status_code == 400
    assert "Tick to say the carer agreed to this share." in refused.get_data(as_text=True)
    assert db.exec(select(Share)).all() == []

    data |= {prefix + "agreed": "y", prefix + "agreed_how": "phone"}
    made = client.post(f"/families/{family_id}/carers/{carer_id}/shares", data=data)
    assert made.status_code == 200
    share = db.exec(select(Share)).one()
    assert share.agreed_how == "phone" and share.created_by_id == world.clinician.id

    stopped = client.post(f"/families/{family_id}/shares/{share.id}/revoke")
    assert stopped.status_code == 302
    assert share_row(db, share.id).revoked_by_id == world.clinician.id


def test_another_teams_clinician_cannot_stop_a_share(app: Flask, db: Session, world: Sharing):
    created = make_share(app, db, world)
    client = app.test_client()
    login(client, world.other_team_clinician.email)

    response = client.post(f"/families/{world.family.id}/shares/{created.share.id}/revoke")

    assert response.status_code == 404
    assert share_row(db, created.share.id).revoked_at is None
