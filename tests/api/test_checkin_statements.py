"""What one check-in costs the database: a fixed set of statements, whatever the history."""

from datetime import timedelta

from flask import Flask
from sqlmodel import Session

from parentapp.checkins.models import CheckIn
from parentapp.db import get_engine, utcnow
from tests.api.conftest import CALM, Home, submit
from tests.api.schema_check import ApiClient
from tests.paging import statements

# The session and its user, the carer with family and team, the team's closures, the schedule,
# imported versions, the babies, the score history, and the insert. A change that adds a read
# to every check-in shows here first.
BUDGET = 8


def _statements_of_one_checkin(app: Flask, api: ApiClient, key: str) -> list[str]:
    with statements(get_engine(app)) as seen:
        response = submit(api, key=key)
    assert response.status_code == 201, response.get_json()
    # A session touched for the first time in a minute writes its last-seen time once.
    return [s for s in seen if not s.lstrip().upper().startswith("UPDATE LOGIN_SESSION")]


def test_a_check_in_runs_the_same_statements_with_a_long_history(
    app: Flask, api: ApiClient, db: Session, home: Home
):
    first = _statements_of_one_checkin(app, api, "first")
    start = utcnow() - timedelta(days=400)
    for day in range(300):
        db.add(
            CheckIn(carer_id=home.carer.id or 0, family_id=home.family.id or 0,
                    infant_id=home.infant.id, schedule_id=home.schedule.id,
                    instrument_id="weekly", instrument_version="1.0", ruleset_version="test",
                    locale="en", submitted_at=start + timedelta(days=day), answers=CALM,
                    scores={"total": {"value": 2}})
        )  # fmt: skip
    db.commit()

    later = _statements_of_one_checkin(app, api, "later")

    assert len(first) <= BUDGET, "\n\n".join(first)
    assert later == first
