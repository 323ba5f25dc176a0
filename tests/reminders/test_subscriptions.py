"""The push subscription endpoints: only carers, only valid subscriptions, CSRF-protected."""

import copy
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.config import Settings
from parentapp.reminders.models import PushSubscription
from tests.factories import Factory
from tests.reminders.conftest import Reminded
from tests.reminders.subscriptions import ENDPOINT, SUBSCRIPTION, Browser, b64

URL = "/reminders/subscriptions"
REMOVE_URL = "/reminders/subscriptions/remove"


def stored(db: Session) -> list[PushSubscription]:
    db.expire_all()
    return list(db.exec(select(PushSubscription)).all())


def test_a_carer_subscribes_this_phone(
    client: FlaskClient, login_as: Any, db: Session, reminded: Reminded
) -> None:
    login_as(reminded.user)

    response = client.post(URL, json=SUBSCRIPTION)

    assert response.status_code == 201
    assert response.get_json() == {"message": "Notifications are on for this phone."}
    [row] = stored(db)
    assert (row.user_id, row.endpoint) == (reminded.user.id, ENDPOINT)
    assert row.p256dh == SUBSCRIPTION["keys"]["p256dh"]
    assert row.auth == SUBSCRIPTION["keys"]["auth"]


def test_subscribing_again_updates_the_one_row(
    client: FlaskClient, login_as: Any, db: Session, reminded: Reminded
) -> None:
    login_as(reminded.user)
    client.post(URL, json=SUBSCRIPTION)
    renewed = Browser.new().subscription(ENDPOINT)

    assert client.post(URL, json=renewed).status_code == 201

    [row] = stored(db)
    assert row.p256dh == renewed["keys"]["p256dh"]


def test_the_phone_follows_whoever_turned_notifications_on_last(
    app: Flask, db: Session, reminded: Reminded, make: Factory
) -> None:
    """A shared phone: after one carer logs out and another logs in and turns notifications
    on, the reminders for the first no longer go to it."""
    from tests.conftest import login

    family = make.family(reminded.team, reminded.clinician)
    other = make.carer(family)
    first, second = app.test_client(), app.test_client()
    login(first, reminded.user.email)
    login(second, other.email)
    first.post(URL, json=SUBSCRIPTION)

    second.post(URL, json=SUBSCRIPTION)

    [row] = stored(db)
    assert row.user_id == other.id


def _bad(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(SUBSCRIPTION)
    for path, value in changes.items():
        target = body
        *parents, last = path.split("__")
        for parent in parents:
            target = target[parent]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return body


BAD_BODIES = {
    "a list": [SUBSCRIPTION],
    "a string": "https://push.example.net/x",
    "no endpoint": _bad(endpoint=None),
    "no keys": _bad(keys=None),
    "keys not an object": _bad(keys="abc"),
    "no p256dh": _bad(keys__p256dh=None),
    "no auth": _bad(keys__auth=None),
    "endpoint not https": _bad(endpoint="http://push.example.net/send/abc"),
    "endpoint javascript": _bad(endpoint="javascript:alert(1)"),
    "endpoint no host": _bad(endpoint="https:///send"),
    "endpoint too long": _bad(endpoint="https://push.example.net/" + "a" * 2100),
    "endpoint with a space": _bad(endpoint="https://push.example.net/a b"),
    "endpoint a number": _bad(endpoint=42),
    "p256dh not base64url": _bad(keys__p256dh="not base64url!" * 6),
    "p256dh standard base64": _bad(keys__p256dh=SUBSCRIPTION["keys"]["p256dh"][:-2] + "+/"),
    "p256dh too short": _bad(keys__p256dh=b64(b"\x04" + b"\x01" * 31)),
    "p256dh not a curve point": _bad(keys__p256dh=b64(b"\x04" + b"\x01" * 64)),
    "auth wrong length": _bad(keys__auth=b64(b"\x01" * 8)),
    "auth a number": _bad(keys__auth=12345),
    "auth huge": _bad(keys__auth="A" * 300),
}


@pytest.mark.parametrize("body", list(BAD_BODIES.values()), ids=list(BAD_BODIES))
def test_a_bad_subscription_is_refused_and_nothing_stored(
    client: FlaskClient, login_as: Any, db: Session, reminded: Reminded, body: Any
) -> None:
    login_as(reminded.user)

    response = client.post(URL, json=body)

    assert response.status_code == 422
    reply = response.get_json()
    assert reply["error"] == "invalid_subscription"
    assert reply["message"].startswith("This phone's notification")
    assert stored(db) == []


def test_broken_json_is_refused(
    client: FlaskClient, login_as: Any, db: Session, reminded: Reminded
) -> None:
    login_as(reminded.user)

    response = client.post(URL, data="{not json", content_type="application/json")

    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid_subscription"
    assert stored(db) == []


def test_a_form_post_is_refused(
    client: FlaskClient, login_as: Any, db: Session, reminded: Reminded
) -> None:
    login_as(reminded.user)

    response = client.post(URL, data={"endpoint": ENDPOINT})

    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"
    assert stored(db) == []


def test_a_huge_body_is_refused(
    client: FlaskClient, login_as: Any, db: Session, reminded: Reminded
) -> None:
    login_as(reminded.user)

    response = client.post(URL, json={**SUBSCRIPTION, "padding": "x" * 20_000})

    assert response.status_code == 413
    assert stored(db) == []


def test_the_messages_are_translated(
    client: FlaskClient, login_as: Any, db: Session, reminded: Reminded
) -> None:
    reminded.user.locale = "es"
    db.add(reminded.user)
    db.commit()
    login_as(reminded.user)

    response = client.post(URL, json=_bad(endpoint=None))

    assert response.status_code == 422
    # Until the catalogs carry the new sentences the English one stands in; either way a
    # sentence for a person, never a code.
    assert response.get_json()["message"]


def test_a_carer_removes_this_phone(
    client: FlaskClient, login_as: Any, db: Session, reminded: Reminded
) -> None:
    login_as(reminded.user)
    client.post(URL, json=SUBSCRIPTION)

    response = client.post(REMOVE_URL, json={"endpoint": ENDPOINT})

    assert response.status_code == 200
    assert response.get_json() == {"message": "Notifications are off for this phone."}
    assert stored(db) == []


def test_nobody_removes_another_persons_subscription(
    app: Flask, db: Session, reminded: Reminded, make: Factory
) -> None:
    from tests.conftest import login

    family = make.family(reminded.team, reminded.clinician)
    other = make.carer(family)
    mine, theirs = app.test_client(), app.test_client()
    login(mine, reminded.user.email)
    login(theirs, other.email)
    mine.post(URL, json=SUBSCRIPTION)

    response = theirs.post(REMOVE_URL, json={"endpoint": ENDPOINT})

    assert response.status_code == 200  # the same answer: it says nothing about other people
    assert [row.user_id for row in stored(db)] == [reminded.user.id]


@pytest.mark.parametrize("body", [{}, {"endpoint": 3}, ["x"], {"endpoint": "x" * 3000}])
def test_a_bad_removal_is_refused(
    client: FlaskClient, login_as: Any, db: Session, reminded: Reminded, body: Any
) -> None:
    login_as(reminded.user)
    client.post(URL, json=SUBSCRIPTION)

    response = client.post(REMOVE_URL, json=body)

    assert response.status_code == 422
    assert len(stored(db)) == 1


@pytest.mark.parametrize("url", [URL, REMOVE_URL])
def test_clinicians_may_not(
    client: FlaskClient, login_as: Any, db: Session, reminded: Reminded, url: str
) -> None:
    login_as(reminded.clinician)

    response = client.post(url, json=SUBSCRIPTION)

    assert response.status_code == 403
    assert stored(db) == []


def test_anonymous_is_sent_to_log_in(client: FlaskClient, db: Session) -> None:
    response = client.post(URL, json=SUBSCRIPTION)

    assert response.status_code == 302
    assert "/login" in response.location
    assert stored(db) == []


class TestCsrf:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.with_(csrf_enabled=True)

    def test_without_the_token_nothing_is_stored(
        self, client: FlaskClient, login_as: Any, db: Session, reminded: Reminded
    ) -> None:
        login_as(reminded.user)

        response = client.post(URL, json=SUBSCRIPTION)

        assert response.status_code == 400
        assert response.get_json()["error"] == "csrf_failed"
        assert stored(db) == []

    @pytest.mark.usefixtures("vapid")  # push on, so the page carries the script's token
    def test_with_the_token_from_the_page_it_is_stored(
        self, client: FlaskClient, login_as: Any, db: Session, reminded: Reminded
    ) -> None:
        login_as(reminded.user)
        page = client.get("/reminders").get_data(as_text=True)
        token = re.search(r'data-csrf="([^"]+)"', page)
        assert token

        response = client.post(URL, json=SUBSCRIPTION, headers={"X-CSRFToken": token.group(1)})

        assert response.status_code == 201
        assert len(stored(db)) == 1
