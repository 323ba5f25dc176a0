"""POST /api/v1/checkins: storing, safety, idempotency and refusing bad input."""

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from parentapp.accounts.models import User
from parentapp.teams.contacts import FALLBACK_CONTACT
from parentapp.teams.models import CrisisContact
from parentapp.triage.models import Flag
from tests.api.conftest import CALM, Home, checkins_of, submit
from tests.api.schema_check import ApiClient
from tests.factories import Factory, pk

ApiFor = Callable[[User | None], ApiClient]


def _flags(db: Session, home: Home) -> list[Flag]:
    db.expire_all()
    return list(db.exec(select(Flag).where(Flag.carer_id == home.carer.id)).all())


# --- storing ---------------------------------------------------------------------------------


def test_a_calm_check_in_is_stored_and_says_what_next(
    api: ApiClient, db: Session, home: Home
) -> None:
    response = submit(api)

    assert response.status_code == 201
    body = response.get_json()
    [row] = checkins_of(db, home.carer)
    assert body["id"] == row.id
    assert (body["instrument_id"], body["instrument_version"]) == ("weekly", "1.0")
    assert body["urgent"] is False and "safety" not in body
    submitted = datetime.fromisoformat(body["submitted_at"])
    assert submitted == row.submitted_at
    assert datetime.fromisoformat(body["next_due_at"]) == submitted + timedelta(days=7)
    # The team works 09:00-17:00 London time on weekdays: never before the answer was sent.
    assert datetime.fromisoformat(body["clinician_sees_by"]) >= submitted
    assert (row.idempotency_key, row.locale, row.schedule_id) == (
        "key-0001",
        "en",
        home.schedule.id,
    )
    assert row.answers["support"] == "3" and row.note is None
    assert body["done_url"] == f"/checkins/{row.id}/done"


def test_a_note_is_kept_for_the_clinician(api: ApiClient, db: Session, home: Home) -> None:
    assert submit(api, {**CALM, "note": "Tired but OK", "contact": "true"}).status_code == 201

    [row] = checkins_of(db, home.carer)
    assert row.note == "Tired but OK" and row.contact_requested is True


def test_a_nul_in_a_note_is_dropped_not_an_error(api: ApiClient, db: Session, home: Home) -> None:
    assert submit(api, {**CALM, "note": "Tired\x00 but OK\x1b"}).status_code == 201

    [row] = checkins_of(db, home.carer)
    assert row.note == "Tired but OK"


@pytest.mark.parametrize(
    ("item", "code", "urgent"),
    [
        ("self_harm", "0", False),  # "No": below the threshold
        ("self_harm", "1", True),  # "Sometimes": at it
        ("self_harm", "3", True),
        ("harm_to_baby", "0", False),
        ("harm_to_baby", "1", True),
    ],
)
def test_thoughts_of_harm_make_it_urgent_with_the_safety_block(
    api: ApiClient, db: Session, home: Home, item: str, code: str, urgent: bool
) -> None:
    body = submit(api, {**CALM, item: code}).get_json()

    assert body["urgent"] is urgent
    assert ("safety" in body) is urgent
    assert [f.severity for f in _flags(db, home)] == (["urgent"] if urgent else [])
    # The page to open after a queued send: the safety screen when urgent.
    page = api.client.get(body["done_url"]).get_data(as_text=True)
    assert ("Thank you for telling us" in page) is urgent


def test_safety_lists_the_teams_own_contacts_in_order(
    api: ApiClient, db: Session, home: Home
) -> None:
    db.add_all(
        [
            CrisisContact(team_id=pk(home.team), position=1, name="Samaritans", phone="116 123"),
            CrisisContact(
                team_id=pk(home.team), position=0, name="Crisis line", text_number="85258"
            ),
        ]
    )
    db.commit()

    safety = submit(api, {**CALM, "self_harm": "2"}).get_json()["safety"]

    assert [c["name"] for c in safety["crisis_contacts"]] == ["Crisis line", "Samaritans"]
    assert safety["crisis_contacts"][0] == {
        "name": "Crisis line",
        "phone": None,
        "text_number": "85258",
        "description": None,
    }
    assert "Nobody watches this app around the clock." in safety["message"]


def test_a_team_without_contacts_still_shows_the_emergency_number(api: ApiClient) -> None:
    safety = submit(api, {**CALM, "self_harm": "1"}).get_json()["safety"]

    assert [(c["name"], c["phone"]) for c in safety["crisis_contacts"]] == [
        (FALLBACK_CONTACT.name, FALLBACK_CONTACT.phone)
    ]


# --- idempotency -----------------------------------------------------------------------------


@pytest.mark.parametrize("answers", [CALM, {**CALM, "self_harm": "1"}], ids=["calm", "urgent"])
def test_ten_replays_store_one_check_in_and_answer_alike(
    api: ApiClient, db: Session, home: Home, answers: dict[str, str]
) -> None:
    first = submit(api, answers)
    replays = [submit(api, answers) for _ in range(10)]

    assert first.status_code == 201
    assert {r.status_code for r in replays} == {200}
    assert all(r.get_json() == first.get_json() for r in replays)
    assert len(checkins_of(db, home.carer)) == 1
    assert len(_flags(db, home)) == (1 if answers["self_harm"] != "0" else 0)


def test_a_replay_after_later_check_ins_still_answers_as_the_first(
    api: ApiClient, db: Session, home: Home
) -> None:
    """The urgent answer comes from what this check-in triggered, not the flag's latest state."""
    urgent = {**CALM, "self_harm": "1"}
    first = submit(api, urgent, key="first").get_json()
    submit(api, {**CALM, "self_harm": "2"}, key="second")  # re-triggers the same flag

    assert submit(api, urgent, key="first").get_json() == first
    assert len(checkins_of(db, home.carer)) == 2


def test_same_key_with_different_answers_is_refused(
    api: ApiClient, db: Session, home: Home
) -> None:
    submit(api)

    response = submit(api, {**CALM, "mood": "3"})

    assert response.status_code == 422
    assert response.get_json()["error"] == "idempotency_mismatch"
    [row] = checkins_of(db, home.carer)
    assert row.answers["mood"] == "0"


def test_blank_answers_count_as_absent_for_a_replay(
    api: ApiClient, db: Session, home: Home
) -> None:
    submit(api, {**CALM, "note": ""})

    assert submit(api, {**CALM, "note": None}).status_code == 200
    assert len(checkins_of(db, home.carer)) == 1


def test_keys_belong_to_one_carer(api_for: ApiFor, db: Session, make: Factory, home: Home) -> None:
    from tests.factories import add_schedule as schedule
    from tests.factories import carer_row

    other = make.carer(home.family)
    schedule(db, carer_row(db, other), "weekly")

    assert submit(api_for(home.user), key="same").status_code == 201
    assert submit(api_for(other), key="same").status_code == 201


@pytest.mark.parametrize("key", [None, "", "x" * 65, "has space", "naïve", "semi;colon", "slash/y"])
def test_a_missing_or_malformed_key_is_refused(
    api: ApiClient, db: Session, home: Home, key: str | None
) -> None:
    response = submit(api, key=key)

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_idempotency_key"
    assert checkins_of(db, home.carer) == []


@pytest.mark.parametrize("key", ["a", "x" * 64, "0f8e2b9c-1d4a-4c7e-9b1a-2f3e4d5c6b7a", "A_b-9"])
def test_keys_at_the_edges_of_the_format_are_accepted(api: ApiClient, key: str) -> None:
    assert submit(api, key=key).status_code == 201


# --- refusing bad input ----------------------------------------------------------------------


def test_invalid_answers_get_an_error_per_item_and_store_nothing(
    api: ApiClient, db: Session, home: Home
) -> None:
    answers = {**CALM, "worry": "9", "contact": "maybe", "bogus": "1"}
    del answers["mood"]

    response = submit(api, answers)

    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid_answers"
    assert set(body["errors"]) == {"mood", "worry", "contact", "bogus"}
    assert body["errors"]["mood"] == "Please answer this question."
    assert checkins_of(db, home.carer) == []


def test_a_note_over_its_length_is_an_item_error(api: ApiClient) -> None:
    at_limit = submit(api, {**CALM, "note": "x" * 1000}, key="at-limit")
    over = submit(api, {**CALM, "note": "x" * 1001}, key="over")

    assert at_limit.status_code == 201
    assert over.status_code == 422 and set(over.get_json()["errors"]) == {"note"}


def test_a_baby_of_another_family_is_refused(
    api: ApiClient, db: Session, make: Factory, home: Home
) -> None:
    elsewhere = make.infant(make.family(home.team, home.clinician), name="Zed")

    response = submit(api, infant_id=elsewhere.id)

    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"infant_id"}
    assert checkins_of(db, home.carer) == []


def test_the_chosen_baby_is_recorded(
    api: ApiClient, db: Session, make: Factory, home: Home
) -> None:
    twin = make.infant(home.family, name="Bea")

    assert submit(api, key="none-chosen").status_code == 422
    assert submit(api, key="chosen", infant_id=twin.id).status_code == 201
    [row] = checkins_of(db, home.carer)
    assert row.infant_id == twin.id


def _raw(api: ApiClient, data: str | bytes, content_type: str = "application/json") -> Any:
    return api.post(
        "/api/v1/checkins",
        data=data,
        headers={"Idempotency-Key": "raw", "Content-Type": content_type},
    )


@pytest.mark.parametrize(
    "data", ["{", "", '{"instrument_id": "weekly",}', "nul", b"\xff\xfe\x00"], ids=repr
)
def test_malformed_json_is_a_400(api: ApiClient, data: str | bytes) -> None:
    response = _raw(api, data)

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"


@pytest.mark.parametrize(
    "body",
    [
        [],
        "weekly",
        {"answers": CALM},
        {"instrument_id": "weekly"},
        {"instrument_id": 7, "answers": CALM},
        {"instrument_id": "", "answers": CALM},
        {"instrument_id": "weekly", "answers": ["0", "1"]},
        {"instrument_id": "weekly", "answers": {**CALM, "mood": 0}},
        {"instrument_id": "weekly", "answers": {**CALM, "contact": False}},
        {"instrument_id": "weekly", "answers": CALM, "infant_id": "1"},
        {"instrument_id": "weekly", "answers": CALM, "infant_id": True},
        {"instrument_id": "weekly", "answers": CALM, "infant_id": 1.5},
        {"instrument_id": "weekly", "answers": CALM, "surprise": 1},
        {"instrument_id": "weekly", "answers": {str(n): "0" for n in range(201)}},
    ],
    ids=repr,
)
def test_wrong_shapes_are_a_400_that_says_where(
    api: ApiClient, db: Session, home: Home, body: Any
) -> None:
    response = _raw(api, json.dumps(body))

    assert response.status_code == 400
    error = response.get_json()
    assert error["error"] == "invalid_body"
    assert "expected shape" in error["message"]
    assert checkins_of(db, home.carer) == []


def test_a_body_that_is_not_json_is_a_415(api: ApiClient) -> None:
    response = _raw(api, "instrument_id=weekly", "application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"


def test_a_huge_body_is_a_413(api: ApiClient, db: Session, home: Home) -> None:
    response = submit(api, {**CALM, "note": "x" * 70_000})

    assert response.status_code == 413
    assert response.get_json()["error"] == "payload_too_large"
    assert checkins_of(db, home.carer) == []


@pytest.mark.parametrize("instrument_id", ["phq9", "no-such-thing"])
def test_an_instrument_not_scheduled_is_a_404(
    api: ApiClient, db: Session, home: Home, instrument_id: str
) -> None:
    response = submit(api, {"q1": "0"}, instrument_id=instrument_id)

    assert response.status_code == 404
    assert checkins_of(db, home.carer) == []


def test_anonymous_post_is_401_and_stores_nothing(api_for: ApiFor, db: Session, home: Home) -> None:
    response = submit(api_for(None))

    assert response.status_code == 401
    assert checkins_of(db, home.carer) == []
