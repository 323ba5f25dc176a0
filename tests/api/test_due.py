"""GET /api/v1/checkins/due: what the carer is asked, and when."""

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session

from parentapp.accounts.models import User
from parentapp.api.serialize import iso
from parentapp.db import utcnow
from parentapp.families.roles import CarerRole
from tests.api.conftest import Home, submit
from tests.api.schema_check import ApiClient
from tests.factories import Factory, carer_row
from tests.factories import add_schedule as schedule

ApiFor = Callable[[User | None], ApiClient]


def _items(api: ApiClient) -> list[dict[str, object]]:
    response = api.get("/api/v1/checkins/due")
    assert response.status_code == 200
    items: list[dict[str, object]] = response.get_json()["items"]
    return items


def test_a_scheduled_check_in_is_due_from_its_start(api: ApiClient, home: Home) -> None:
    assert _items(api) == [
        {
            "instrument_id": "weekly",
            "version": "1.0",
            "title": "Weekly check-in",
            "next_due_at": iso(home.schedule.starts_at),
            "is_due": True,
            "missed": 0,
        }
    ]


def test_after_a_check_in_the_next_is_an_interval_later(api: ApiClient) -> None:
    sent = submit(api).get_json()

    [item] = _items(api)

    assert item["is_due"] is False and item["missed"] == 0
    assert item["next_due_at"] == sent["next_due_at"]
    assert item["next_due_at"] == iso(
        datetime.fromisoformat(sent["submitted_at"]) + timedelta(days=7)
    )


def test_missed_counts_whole_intervals_gone_by(db: Session, api: ApiClient, home: Home) -> None:
    home.schedule.starts_at = utcnow() - timedelta(days=15)
    db.add(home.schedule)
    db.commit()

    [item] = _items(api)

    assert item["is_due"] is True and item["missed"] == 2


def test_due_lists_only_the_carers_own_active_schedules(
    api_for: ApiFor, db: Session, make: Factory, home: Home
) -> None:
    co_carer = make.carer(home.family, CarerRole.MOTHER)
    schedule(db, carer_row(db, co_carer), "phq9")
    stopped = schedule(db, home.carer, "gad7", active=False)

    mine = [i["instrument_id"] for i in _items(api_for(home.user))]
    theirs = [i["instrument_id"] for i in _items(api_for(co_carer))]

    assert mine == ["weekly"] and stopped.instrument_id not in mine
    assert theirs == ["phq9"]


def test_due_ones_come_first(db: Session, api: ApiClient, home: Home) -> None:
    schedule(db, home.carer, "phq9", starts_at=utcnow() + timedelta(days=2))
    schedule(db, home.carer, "gad7", starts_at=utcnow() - timedelta(days=3))

    items = _items(api)

    assert [i["instrument_id"] for i in items] == ["gad7", "weekly", "phq9"]
    assert [i["is_due"] for i in items] == [True, True, False]
