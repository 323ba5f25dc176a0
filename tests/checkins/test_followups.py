"""A PHQ-2 at or above its cut-off asks for the PHQ-9 at once, in the same transaction, and the
carer is offered it straight away (through the form and the API)."""

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.accounts.models import User
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.db import utcnow
from parentapp.families.models import Carer
from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_registry
from tests.checkins.conftest import PHQ9_ITEMS, Home
from tests.conftest import login
from tests.factories import Factory, add_schedule, carer_row

PHQ2 = builtin_registry().get("phq2")
# The screen's own cut-off, as the app reads it: never a number copied here.
CUTOFF = PHQ2.scales[0].cutoff.value if PHQ2.scales[0].cutoff else 0
OFFER = "Answer 9 more questions now"


def phq2_totalling(total: int) -> dict[str, str]:
    first = min(total, 3)
    return {"q1": str(first), "q2": str(total - first)}


def phq9_schedule(db: Session, carer: Carer) -> Schedule | None:
    db.expire_all()
    return db.exec(
        select(Schedule).where(Schedule.carer_id == carer.id, Schedule.instrument_id == "phq9")
    ).first()


@pytest.fixture
def carer(client: FlaskClient, home: Home) -> FlaskClient:
    """The carer of ``home`` (asked weekly, PHQ-9 and GAD-7), logged in."""
    login(client, home.user.email)
    return client


@pytest.fixture
def screened(db: Session, make: Factory, home: Home) -> tuple[Carer, User]:
    """A carer asked the weekly check-in and the PHQ-2 only, logged in."""
    user = make.carer(home.family, CarerRole.FATHER, display_name="Imran")
    carer = carer_row(db, user)
    add_schedule(db, carer, "weekly")
    add_schedule(db, carer, "phq2")
    return carer, user


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    login(client, user.email)
    return client


def _form(total: int) -> dict[str, str]:
    return {f"item_{k}": v for k, v in phq2_totalling(total).items()}


@pytest.mark.parametrize(("delta", "followed_up"), [(-1, False), (0, True), (1, True)])
def test_a_positive_phq2_through_the_form_asks_for_the_phq9_now(
    app: Flask, db: Session, screened, delta: int, followed_up: bool
):
    carer, user = screened
    client = _client(app, user)

    response = client.post("/checkins/phq2", data=_form(CUTOFF + delta))

    assert response.status_code == 302
    done = client.get(response.location).get_data(as_text=True)
    schedule = phq9_schedule(db, carer)
    home_page = client.get("/home").get_data(as_text=True)
    if followed_up:
        assert schedule is not None and schedule.active
        assert OFFER in done
        assert 'href="/checkins/phq9"' in done
        assert 'href="/checkins/phq9"' in home_page  # due now on the home page too
        assert client.get("/checkins/phq9").status_code == 200
    else:
        assert schedule is None
        assert OFFER not in done
        assert 'href="/checkins/phq9"' not in home_page


@pytest.mark.parametrize(("delta", "followed_up"), [(-1, False), (0, True), (1, True)])
def test_a_positive_phq2_through_the_api_makes_the_phq9_due_now(
    app: Flask, db: Session, screened, delta: int, followed_up: bool
):
    carer, user = screened
    client = _client(app, user)

    sent = client.post(
        "/api/v1/checkins",
        json={"instrument_id": "phq2", "answers": phq2_totalling(CUTOFF + delta)},
        headers={"Idempotency-Key": f"phq2-{delta}"},
    )
    due = client.get("/api/v1/checkins/due").get_json()["items"]

    assert sent.status_code == 201
    phq9 = [item for item in due if item["instrument_id"] == "phq9"]
    if followed_up:
        assert [item["is_due"] for item in phq9] == [True]
        assert client.get("/api/v1/instruments/phq9").status_code == 200
    else:
        assert phq9 == []
    assert (phq9_schedule(db, carer) is not None) is followed_up


def test_an_active_phq9_answered_lately_is_offered_at_once_then_runs_on(
    app: Flask, db: Session, carer: FlaskClient, home: Home
):
    # home asks the PHQ-9 every 7 days; answered 12 hours ago, it is not due for days.
    add_schedule(db, home.carer, "phq2")
    first = carer.post("/checkins/phq9", data={f"item_{k}": "0" for k in PHQ9_ITEMS})
    db.expire_all()
    [phq9_checkin] = db.exec(select(CheckIn).where(CheckIn.instrument_id == "phq9")).all()
    phq9_checkin.submitted_at = utcnow() - timedelta(hours=12)
    db.add(phq9_checkin)
    db.commit()
    assert first.status_code == 302
    assert 'href="/checkins/phq9"' not in carer.get("/home").get_data(as_text=True)

    screen = carer.post("/checkins/phq2", data=_form(CUTOFF))
    offer = carer.get(screen.location).get_data(as_text=True)

    assert OFFER in offer
    schedule = phq9_schedule(db, home.carer)
    assert schedule is not None and schedule.id == home.schedules["phq9"].id
    assert schedule.interval_days == home.schedules["phq9"].interval_days
    # Due now everywhere the carer looks, not only on the confirmation page.
    assert 'href="/checkins/phq9"' in carer.get("/home").get_data(as_text=True)
    due = carer.get("/api/v1/checkins/due").get_json()["items"]
    assert [i["is_due"] for i in due if i["instrument_id"] == "phq9"] == [True]
    # Once answered, the offer goes and the schedule runs on from that answer.
    answered = carer.post(
        "/checkins/phq9", data={f"item_{k}": "1" for k in PHQ9_ITEMS} | {"item_q9": "0"}
    )
    assert answered.status_code == 302
    assert OFFER not in carer.get(screen.location).get_data(as_text=True)
    assert 'href="/checkins/phq9"' not in carer.get("/home").get_data(as_text=True)


def test_an_overdue_phq9_is_left_as_it_is(db: Session, carer: FlaskClient, home: Home):
    add_schedule(db, home.carer, "phq2")
    before = home.schedules["phq9"].starts_at  # due since yesterday, never answered

    screen = carer.post("/checkins/phq2", data=_form(CUTOFF + 1))

    assert OFFER in carer.get(screen.location).get_data(as_text=True)
    schedule = phq9_schedule(db, home.carer)
    assert schedule is not None and schedule.starts_at == before  # missed ones still count


def test_a_stopped_phq9_is_started_again(db: Session, carer: FlaskClient, home: Home):
    add_schedule(db, home.carer, "phq2")
    stopped = home.schedules["phq9"]
    stopped.active = False
    db.add(stopped)
    db.commit()

    screen = carer.post("/checkins/phq2", data=_form(CUTOFF))

    assert OFFER in carer.get(screen.location).get_data(as_text=True)
    schedule = phq9_schedule(db, home.carer)
    assert schedule is not None and schedule.active and schedule.id == stopped.id


def test_refused_answers_schedule_nothing(app: Flask, db: Session, screened):
    carer, user = screened
    client = _client(app, user)

    refused = client.post("/checkins/phq2", data={"item_q1": "3"})  # q2 missing

    assert refused.status_code == 400
    assert phq9_schedule(db, carer) is None


GAD2 = builtin_registry().get("gad2")
GAD2_CUTOFF = GAD2.scales[0].cutoff.value if GAD2.scales[0].cutoff else 0


@pytest.mark.parametrize(("delta", "followed_up"), [(-1, False), (0, True), (1, True)])
def test_a_positive_gad2_asks_for_the_gad7_now(
    app: Flask, db: Session, make: Factory, home: Home, delta: int, followed_up: bool
):
    user = make.carer(home.family, CarerRole.MOTHER, display_name="Rosa")
    carer = carer_row(db, user)
    add_schedule(db, carer, "weekly")
    add_schedule(db, carer, "gad2")
    client = _client(app, user)

    response = client.post(
        "/checkins/gad2",
        data={f"item_{k}": v for k, v in phq2_totalling(GAD2_CUTOFF + delta).items()},
    )

    assert response.status_code == 302
    done = client.get(response.location).get_data(as_text=True)
    db.expire_all()
    gad7 = db.exec(
        select(Schedule).where(Schedule.carer_id == carer.id, Schedule.instrument_id == "gad7")
    ).first()
    assert (gad7 is not None and gad7.active) is followed_up
    assert ("Answer 7 more questions now" in done) is followed_up
