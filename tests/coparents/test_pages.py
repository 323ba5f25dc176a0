"""The co-parent pages through the test client: the carer's request and home section, the
family page's list with approve and decline, the code shown once, the dashboard's count, the
invitation email, and bad input."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from parentapp.config import Settings
from parentapp.coparents.models import Status
from parentapp.families.models import Invitation
from parentapp.notifications.email import compose
from tests.coparents.conftest import Home, notices, requests_of
from tests.factories import Factory
from tests.world import snapshot

OMAR = {"name": "Omar", "carer_role": "father", "email": "omar@example.org", "locale": "pl"}


def ask(client: FlaskClient, **data: str) -> TestResponse:
    return client.post("/home/invite", data=data or OMAR)


def test_a_carer_asks_and_sees_the_request_waiting(login_as, db: Session, home: Home):
    carer = login_as(home.user)
    assert "Ask your team to invite another carer" in carer.get("/home").get_data(as_text=True)
    page = carer.get("/home/invite").get_data(as_text=True)
    assert 'name="phone"' in page and "Polski" in page and "I am not sure" in page

    response = ask(carer)

    assert response.status_code == 302 and response.location.endswith("/home")
    html = carer.get("/home").get_data(as_text=True)
    assert "Your request is sent." in html
    assert "Omar: waiting for your team" in html and "Withdraw" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**OMAR, "email": "", "phone": ""}, "Enter their email address or phone number"),
        ({**OMAR, "email": "omar@"}, "Enter an email address like name@example.com."),
        ({**OMAR, "email": "", "phone": "12345"}, "Enter a phone number like"),
        ({**OMAR, "phone": "1" * 33}, "That phone number is too long."),
        ({**OMAR, "name": ""}, "Enter the name of the person to invite."),
        ({**OMAR, "carer_role": "boss"}, "Not a valid choice"),
        ({**OMAR, "carer_role": "other"}, "Tell us in a few words how they care for the baby."),
        ({**OMAR, "locale": "xx"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_stored(
    login_as, db: Session, home: Home, data: dict[str, str], message: str
):
    carer = login_as(home.user)

    response = ask(carer, **data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert requests_of(db, home.family) == []


def test_a_duplicate_is_refused_with_a_clear_message(login_as, db: Session, home: Home):
    carer = login_as(home.user)
    ask(carer)
    response = ask(carer, **{**OMAR, "email": "OMAR@example.org"})
    assert response.status_code == 400
    assert "A request to invite this person is already waiting" in response.get_data(as_text=True)
    assert len(requests_of(db, home.family)) == 1


def test_the_clinician_sees_it_and_approves_it_by_email(
    login_as, client: FlaskClient, db: Session, home: Home, app: Flask
):
    ask(login_as(home.user))
    client.post("/logout")
    clinician = login_as(home.clinician)
    assert "1 request to invite another carer is waiting" in clinician.get("/flags").get_data(
        as_text=True
    )
    page = clinician.get(f"/families/{home.family.id}").get_data(as_text=True)
    assert "Requests to invite another carer" in page
    assert "omar@example.org" in page and "Asked by Aisha" in page and "Polish" in page
    rid = requests_of(db, home.family)[0].id

    response = clinician.post(f"/families/{home.family.id}/coparent-requests/{rid}/approve")

    assert response.status_code == 302
    page = clinician.get(response.location).get_data(as_text=True)
    assert "The invitation is on its way to Omar by email." in page
    assert "Approved by Sam Patel" in page and "omar@example.org" not in page
    assert "request to invite another carer is waiting" not in clinician.get("/flags").get_data(
        as_text=True
    )
    [email] = notices(db, "invitation")
    settings: Settings = app.config["PARENTAPP_SETTINGS"]
    with app.app_context():
        message = compose(notification=email, recipient=home.clinician, settings=settings)
    assert message["To"] == "omar@example.org" and message["Content-Language"] == "pl"
    body = message.get_content()
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", body)
    assert code is not None and f"/join/{code.group(0)}" in body
    # The family's circumstances are not told to someone outside it.
    assert "Riverside" not in body and "Aisha" not in body and "mental" not in body.lower()


def test_english_invitation_email_reads_well(db: Session, home: Home, app: Flask, make: Factory):
    from parentapp.coparents import services
    from parentapp.families.roles import CarerRole

    with app.test_request_context():
        request = services.ask_to_invite(
            session=db, carer=home.carer, name="Omar", carer_role=CarerRole.FATHER,
            email="omar@example.org", locale="en",
        )  # fmt: skip
        services.approve(
            session=db, actor=home.clinician, family=home.family, request_id=request.id or 0
        )
        [email] = notices(db, "invitation")
        settings: Settings = app.config["PARENTAPP_SETTINGS"]
        message = compose(notification=email, recipient=home.clinician, settings=settings)
    assert message["Subject"] == "You are invited to join a baby's care app"
    assert "Hello Omar," in message.get_content()


def test_a_phone_only_request_shows_the_code_once_to_pass_on(
    login_as, client: FlaskClient, db: Session, home: Home
):
    ask(login_as(home.user), **{**OMAR, "email": "", "phone": "07700 900123"})
    client.post("/logout")
    clinician = login_as(home.clinician)
    rid = requests_of(db, home.family)[0].id

    response = clinician.post(f"/families/{home.family.id}/coparent-requests/{rid}/approve")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "please pass this code on to Omar yourself" in html and "07700900123" in html
    assert re.search(r'id="invite-code">[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}<', html)
    assert "07700900123" not in clinician.get(f"/families/{home.family.id}").get_data(as_text=True)


def test_declining_without_a_reason_is_refused_beside_the_field(
    login_as, client: FlaskClient, db: Session, home: Home, app: Flask
):
    ask(login_as(home.user))
    client.post("/logout")
    clinician = login_as(home.clinician)
    rid = requests_of(db, home.family)[0].id
    url = f"/families/{home.family.id}/coparent-requests/{rid}/decline"
    before = snapshot(app.extensions["parentapp.engine"])

    refused = clinician.post(url, data={f"decline-{rid}-reason": "  "})

    assert refused.status_code == 400
    assert "Give a short reason for the team" in refused.get_data(as_text=True)
    after = snapshot(app.extensions["parentapp.engine"])
    after.pop("audit_event"), before.pop("audit_event")  # the family page view is audited
    assert after == before

    done = clinician.post(url, data={f"decline-{rid}-reason": "Not safe just now"})
    assert done.status_code == 302
    page = clinician.get(done.location).get_data(as_text=True)
    assert "Declined by Sam Patel" in page and "Not safe just now" in page

    client.post("/logout")
    home_page = login_as(home.user).get("/home").get_data(as_text=True)
    assert "Your team could not invite Omar. Please talk to your clinician." in home_page
    assert "Not safe" not in home_page


def test_deciding_twice_says_so_and_stores_nothing_more(
    login_as, client: FlaskClient, db: Session, home: Home
):
    ask(login_as(home.user))
    client.post("/logout")
    clinician = login_as(home.clinician)
    rid = requests_of(db, home.family)[0].id
    base = f"/families/{home.family.id}/coparent-requests/{rid}"
    clinician.post(f"{base}/approve")

    again = clinician.post(f"{base}/approve", follow_redirects=True)
    declined = clinician.post(
        f"{base}/decline", data={f"decline-{rid}-reason": "x"}, follow_redirects=True
    )

    assert "This request has already been decided." in again.get_data(as_text=True)
    assert "This request has already been decided." in declined.get_data(as_text=True)
    db.expire_all()
    assert len(db.exec(select(Invitation)).all()) == 1
    assert requests_of(db, home.family)[0].status == Status.APPROVED


@pytest.mark.parametrize("request_id", ["999", str(2**31), str(2**63 + 5)])
@pytest.mark.parametrize("action", ["approve", "decline"])
def test_ids_that_do_not_exist_or_are_huge_are_not_found(
    login_as, home: Home, request_id: str, action: str
):
    clinician = login_as(home.clinician)
    response = clinician.post(
        f"/families/{home.family.id}/coparent-requests/{request_id}/{action}",
        data={f"decline-{request_id}-reason": "x"},
    )
    assert response.status_code == 404


def test_withdrawing_huge_or_missing_ids_is_not_found(login_as, home: Home):
    carer = login_as(home.user)
    for request_id in ("999", str(2**31), str(2**64)):
        assert carer.post(f"/home/invite/{request_id}/withdraw").status_code == 404


def test_another_teams_request_cannot_be_decided(
    login_as, client: FlaskClient, db: Session, home: Home
):
    ask(login_as(home.user))
    client.post("/logout")
    outsider = login_as(home.outsider)
    rid = requests_of(db, home.family)[0].id
    for action in ("approve", "decline"):
        response = outsider.post(
            f"/families/{home.family.id}/coparent-requests/{rid}/{action}",
            data={f"decline-{rid}-reason": "x"},
        )
        assert response.status_code == 404
    assert requests_of(db, home.family)[0].status == Status.PENDING


def test_a_colleague_sees_the_request_but_cannot_decide(
    login_as, client: FlaskClient, db: Session, home: Home
):
    ask(login_as(home.user))
    client.post("/logout")
    colleague = login_as(home.colleague)
    rid = requests_of(db, home.family)[0].id
    page = colleague.get(f"/families/{home.family.id}").get_data(as_text=True)
    assert "Waiting for the family's clinician or a team lead to decide." in page
    assert "Approve and invite" not in page

    response = colleague.post(f"/families/{home.family.id}/coparent-requests/{rid}/approve")

    assert response.status_code == 403
    assert requests_of(db, home.family)[0].status == Status.PENDING


def test_the_carer_withdraws_and_the_home_page_no_longer_lists_it(
    login_as, db: Session, home: Home
):
    carer = login_as(home.user)
    ask(carer)
    rid = requests_of(db, home.family)[0].id

    response = carer.post(f"/home/invite/{rid}/withdraw", follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "Your request is withdrawn. Nobody will be invited." in html
    assert "Omar: waiting" not in html
    assert requests_of(db, home.family)[0].status == Status.WITHDRAWN


def test_the_carer_sees_invited_then_joined(login_as, client: FlaskClient, db: Session, home: Home):
    ask(login_as(home.user))
    client.post("/logout")
    rid = requests_of(db, home.family)[0].id
    login_as(home.clinician).post(f"/families/{home.family.id}/coparent-requests/{rid}/approve")
    client.post("/logout")
    carer = login_as(home.user)
    assert "Omar: invited on" in carer.get("/home").get_data(as_text=True)
    invitation = db.exec(select(Invitation)).one()
    from parentapp.db import utcnow

    invitation.used_at = utcnow()
    db.add(invitation)
    db.commit()
    assert "Omar: joined." in carer.get("/home").get_data(as_text=True)
