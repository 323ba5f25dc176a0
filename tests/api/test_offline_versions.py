"""Answers that waited on a phone: read on the version the phone was given, kept when the
schedule was stopped meanwhile, and never attributed to anyone else's schedule."""

from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from parentapp.accounts.models import User
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.triage.models import Flag
from tests.api.conftest import CALM, Home, checkins_of, submit
from tests.api.schema_check import ApiClient
from tests.factories import Factory, add_schedule, carer_row

ApiFor = Callable[[User | None], ApiClient]
GAD7_CALM = {f"q{n}": "0" for n in range(1, 8)}


def _stop(db: Session, schedule: Schedule) -> None:
    schedule.active = False
    db.add(schedule)
    db.commit()


@pytest.fixture
def gad7(db: Session, home: Home) -> Schedule:
    return add_schedule(db, home.carer, "gad7")


def test_the_instrument_names_the_version_to_send_back(api: ApiClient, gad7: Schedule) -> None:
    body = api.get("/api/v1/instruments/gad7").get_json()

    assert body["version"] == "1.1"
    assert "difficulty" in {item["link_id"] for item in body["items"]}


@pytest.mark.usefixtures("gad7")
def test_answers_are_stored_with_the_version_the_phone_was_given(
    api: ApiClient, db: Session, home: Home
) -> None:
    # The phone loaded GAD-7 1.0; 1.1 shipped before the answers were sent.
    response = submit(api, GAD7_CALM, instrument_id="gad7", instrument_version="1.0")

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["instrument_version"] == "1.0"
    [checkin] = checkins_of(db, home.carer)
    assert (checkin.instrument_id, checkin.instrument_version) == ("gad7", "1.0")


@pytest.mark.usefixtures("gad7")
def test_answers_are_validated_against_the_version_the_phone_was_given(
    api: ApiClient, db: Session, home: Home
) -> None:
    # 1.0 has no difficulty question: an answer to it is not part of that check-in.
    answers = {**GAD7_CALM, "difficulty": "1"}

    response = submit(api, answers, instrument_id="gad7", instrument_version="1.0")

    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"difficulty"}
    assert checkins_of(db, home.carer) == []


@pytest.mark.usefixtures("gad7")
def test_without_a_version_the_latest_is_used(api: ApiClient, db: Session, home: Home) -> None:
    response = submit(api, {**GAD7_CALM, "difficulty": "1"}, instrument_id="gad7")

    assert response.status_code == 201
    assert response.get_json()["instrument_version"] == "1.1"


@pytest.mark.parametrize("version", ["9.9", "1.0.0", "0", "1.1 ", "x" * 32])
@pytest.mark.usefixtures("gad7")
def test_a_version_that_never_existed_is_refused_and_stores_nothing(
    api: ApiClient, db: Session, home: Home, version: str
) -> None:
    response = submit(api, GAD7_CALM, instrument_id="gad7", instrument_version=version)

    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "unknown_version"
    assert "version of the questionnaire that does not exist" in body["message"]
    assert checkins_of(db, home.carer) == []


@pytest.mark.parametrize("version", ["", "x" * 33, 1.0, ["1.0"]])
def test_a_malformed_version_is_a_400(
    api: ApiClient, db: Session, home: Home, version: object
) -> None:
    response = submit(api, instrument_version=version)

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_body"
    assert checkins_of(db, home.carer) == []


def test_the_same_key_with_another_version_is_a_mismatch(
    api: ApiClient, db: Session, home: Home, gad7: Schedule
) -> None:
    first = submit(api, GAD7_CALM, instrument_id="gad7", instrument_version="1.0")
    again = submit(api, GAD7_CALM, instrument_id="gad7", instrument_version="1.0")
    other = submit(api, GAD7_CALM, instrument_id="gad7", instrument_version="1.1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert other.status_code == 422
    assert other.get_json()["error"] == "idempotency_mismatch"
    assert len(checkins_of(db, home.carer)) == 1


@pytest.mark.parametrize(("code", "urgent"), [("0", False), ("1", True), ("3", True)])
def test_answers_for_a_schedule_stopped_since_are_stored_and_judged(
    api: ApiClient, db: Session, home: Home, code: str, urgent: bool
) -> None:
    _stop(db, home.schedule)

    response = submit(api, {**CALM, "self_harm": code}, instrument_version="1.0")

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["urgent"] is urgent
    assert ("safety" in body) is urgent
    # Nothing more is due on a stopped schedule.
    assert body["next_due_at"] is None
    [checkin] = checkins_of(db, home.carer)
    assert checkin.schedule_id == home.schedule.id
    flags = db.exec(select(Flag).where(Flag.carer_id == home.carer.id)).all()
    assert [f.severity for f in flags] == (["urgent"] if urgent else [])


def test_a_stopped_schedule_still_is_not_offered(api: ApiClient, home: Home, db: Session) -> None:
    # Only answers already given are taken; a stopped questionnaire is not shown anew.
    _stop(db, home.schedule)

    assert api.get("/api/v1/instruments/weekly").status_code == 404
    assert api.get("/api/v1/checkins/due").get_json()["items"] == []


@pytest.mark.parametrize("same_family", [True, False])
@pytest.mark.parametrize("active", [True, False])
def test_another_carers_schedule_is_no_way_in(
    api: ApiClient,
    db: Session,
    make: Factory,
    home: Home,
    same_family: bool,
    active: bool,
) -> None:
    family = home.family if same_family else make.family(home.team, home.clinician)
    other = carer_row(db, make.carer(family))
    add_schedule(db, other, "phq9", active=active)
    answers = {f"q{n}": "0" for n in range(1, 10)}

    response = submit(api, answers, instrument_id="phq9", instrument_version="1.0")

    assert response.status_code == 404
    body = response.get_json()
    assert body["error"] == "not_found"
    assert body["message"] == (
        "You have not been asked to answer this questionnaire. Nothing was saved."
    )
    db.expire_all()
    assert db.exec(select(CheckIn)).all() == []


def test_a_baby_of_another_family_on_a_stopped_schedule_is_refused(
    api: ApiClient, db: Session, make: Factory, home: Home
) -> None:
    _stop(db, home.schedule)
    elsewhere = make.infant(make.family(home.team, home.clinician), name="Zed")

    response = submit(api, infant_id=elsewhere.id, instrument_version="1.0")

    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"infant_id"}
    assert checkins_of(db, home.carer) == []


def test_the_session_names_the_account_whose_outbox_may_send(
    api_for: ApiFor, make: Factory, home: Home
) -> None:
    other = make.carer(home.family)

    assert api_for(home.user).get("/api/v1/session").get_json()["user"]["id"] == home.user.id
    assert api_for(other).get("/api/v1/session").get_json()["user"]["id"] == other.id
