"""The check-in page's part in offline check-ins: the key that makes a resend safe, and what the
page carries for checkin.js (the crisis numbers shown at once for a worrying answer that waits
on the phone)."""

import json
import re

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.triage.models import Flag
from tests.checkins.conftest import CALM, GAD7_ITEMS, Home, all_answered
from tests.checkins.test_pages import send, stored
from tests.conftest import login
from tests.factories import Factory


@pytest.fixture
def carer(client: FlaskClient, home: Home) -> FlaskClient:
    login(client, home.user.email)
    return client


def _key(html: str) -> str:
    match = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def _config(html: str) -> dict[str, object]:
    match = re.search(
        r'<script type="application/json" id="checkin-config">(.*?)</script>', html, re.S
    )
    assert match is not None
    config: dict[str, object] = json.loads(match.group(1))
    return config


def test_the_key_suits_the_api_and_is_new_on_each_load(carer: FlaskClient) -> None:
    first = _key(carer.get("/checkins/weekly").get_data(as_text=True))
    second = _key(carer.get("/checkins/weekly").get_data(as_text=True))

    # The same key goes to POST /api/v1/checkins when the answers waited on the phone.
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", first)
    assert first != second


def test_a_resend_after_a_timeout_is_stored_once(carer: FlaskClient, db: Session) -> None:
    key = _key(carer.get("/checkins/weekly").get_data(as_text=True))

    responses = [send(carer, "weekly", CALM, submission_key=key) for _ in range(3)]

    [checkin] = stored(db)
    assert checkin.idempotency_key == key
    assert {r.location for r in responses} == {f"/checkins/{checkin.id}/done"}


def test_the_same_key_with_other_answers_stores_nothing_and_gives_a_new_key(
    carer: FlaskClient, db: Session
) -> None:
    key = _key(carer.get("/checkins/weekly").get_data(as_text=True))
    send(carer, "weekly", CALM, submission_key=key)

    response = send(carer, "weekly", {**CALM, "mood": "3"}, submission_key=key)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This check-in was already sent with different answers." in html
    assert _key(html) != key
    assert len(stored(db)) == 1


def test_a_form_and_an_api_retry_share_one_key(carer: FlaskClient, db: Session) -> None:
    """Answers that left by the form, whose answer was lost, then replayed from the phone's
    outbox through the API with the same key: one check-in, and the API says where it is."""
    key = _key(carer.get("/checkins/weekly").get_data(as_text=True))
    send(carer, "weekly", {**CALM, "note": ""}, submission_key=key)

    replay = carer.post(
        "/api/v1/checkins",
        json={"instrument_id": "weekly", "answers": {**CALM, "note": None}},
        headers={"Idempotency-Key": key},
    )

    [checkin] = stored(db)
    assert replay.status_code == 200
    assert replay.get_json()["done_url"] == f"/checkins/{checkin.id}/done"


def test_the_page_carries_the_crisis_numbers_hidden_and_the_worrying_answers(
    carer: FlaskClient, home: Home
) -> None:
    html = carer.get("/checkins/weekly").get_data(as_text=True)

    panel = html[
        html.index('id="offline-crisis"') : html.index(
            "</section>", html.index('id="offline-crisis"')
        )
    ]
    assert "hidden>" in panel.split("\n")[0]
    assert 'href="tel:999"' in panel
    assert "NHS 111" in panel
    assert 'href="tel:08001234567"' in panel and 'href="sms:85258"' in panel
    assert re.search(r'id="outbox-status"[^>]*role="status"[^>]*hidden', html)
    config = _config(html)
    # Everything above "Not at all" on the two items about harm.
    assert config["alarming"] == {
        "item_self_harm": ["1", "2", "3"],
        "item_harm_to_baby": ["1", "2", "3"],
    }
    assert config["instrument_id"] == "weekly"
    text = config["text"]
    assert isinstance(text, dict) and text["pending"].startswith(
        "Saved on this phone, waiting to send"
    )
    assert re.search(r'<script src="/static/js/checkin\.js\?v=\w+" defer></script>', html)


def test_phq9_item_9_is_a_worrying_answer(carer: FlaskClient) -> None:
    config = _config(carer.get("/checkins/phq9").get_data(as_text=True))

    assert config["alarming"] == {"item_q9": ["1", "2", "3"]}


def _version(html: str) -> str:
    match = re.search(r'name="instrument_version" type="hidden" value="([^"]*)"', html)
    assert match is not None
    return match.group(1)


def _stop(db: Session, home: Home, instrument_id: str) -> None:
    schedule = home.schedules[instrument_id]
    schedule.active = False
    db.add(schedule)
    db.commit()


def test_the_page_gives_the_version_and_the_owner_of_the_answers(
    carer: FlaskClient, home: Home
) -> None:
    html = carer.get("/checkins/gad7").get_data(as_text=True)

    # Sent back by the form (no JavaScript) and by the outbox, which also keeps whose they are.
    assert _version(html) == "1.1"
    config = _config(html)
    assert config["instrument_version"] == "1.1"
    assert config["user_id"] == home.user.id
    # The account id and nothing else that names the person.
    assert home.user.email not in html
    assert set(config) == {"instrument_id", "instrument_version", "user_id", "alarming", "text"}


def test_answers_from_a_page_of_an_older_version_are_stored_with_it(
    carer: FlaskClient, db: Session
) -> None:
    answers = all_answered(GAD7_ITEMS)

    response = send(carer, "gad7", answers, instrument_version="1.0")

    assert response.status_code == 302
    [checkin] = stored(db)
    assert (checkin.instrument_id, checkin.instrument_version) == ("gad7", "1.0")


def test_an_older_page_is_read_with_its_own_fields(carer: FlaskClient, db: Session) -> None:
    # A field the older page never had is not read as an answer to the newer version.
    answers = all_answered(GAD7_ITEMS, difficulty="1")

    response = send(carer, "gad7", answers, instrument_version="1.0")

    assert response.status_code == 302
    [checkin] = stored(db)
    assert checkin.instrument_version == "1.0"
    assert "difficulty" not in checkin.answers


def test_answers_for_a_schedule_stopped_after_the_page_loaded_are_stored(
    carer: FlaskClient, db: Session, home: Home
) -> None:
    page = carer.get("/checkins/weekly").get_data(as_text=True)
    _stop(db, home, "weekly")

    response = send(
        carer,
        "weekly",
        {**CALM, "self_harm": "1"},
        submission_key=_key(page),
        instrument_version=_version(page),
    )

    [checkin] = stored(db)
    assert response.location == f"/checkins/{checkin.id}/done"
    assert checkin.schedule_id == home.schedules["weekly"].id
    # Judged as usual: an urgent flag, and the safety screen follows.
    db.expire_all()
    [flag] = db.exec(select(Flag).where(Flag.carer_id == home.carer.id)).all()
    assert flag.severity == "urgent"
    assert carer.get(response.location).status_code == 200
    # A stopped questionnaire is not offered again.
    assert carer.get("/checkins/weekly").status_code == 404


@pytest.mark.parametrize("version", ["9.9", "1.0.1", "x" * 40])
def test_a_version_that_never_existed_is_explained_and_stores_nothing(
    carer: FlaskClient, db: Session, version: str
) -> None:
    response = send(carer, "gad7", all_answered(GAD7_ITEMS), instrument_version=version)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "version of the questionnaire that does not exist" in html
    # The answers stay on the page, now on the latest version, to check and send again.
    assert _version(html) == "1.1"
    assert re.search(r'name="item_q1"[^>]*value="0"[^>]*checked|checked[^>]*value="0"', html)
    assert stored(db) == []


def test_a_schedule_of_another_carer_is_no_way_in_for_the_form(
    client: FlaskClient, db: Session, home: Home, make: Factory
) -> None:
    other = make.carer(home.family)
    login(client, other.email)  # asked nothing; the family's first carer was

    response = send(client, "weekly", CALM, instrument_version="1.0")

    assert response.status_code == 404
    assert stored(db) == []
