"""The check-in limit per user (a low limit here; 60 an hour by default)."""

import pytest
from sqlmodel import Session

from parentapp.config import Settings
from tests.api.conftest import CALM, Home, checkins_of, submit
from tests.api.schema_check import ApiClient
from tests.factories import Factory, carer_row
from tests.factories import add_schedule as schedule


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # memory:// starts empty with each app, so no count leaks in from another test.
    return settings.with_(
        ratelimit_enabled=True,
        ratelimit_storage_uri="memory://",
        extra={"API_CHECKIN_RATE_LIMIT": "3 per hour"},
    )


def test_the_fourth_check_in_in_an_hour_waits(
    api: ApiClient, api_for, db: Session, make: Factory, home: Home
) -> None:
    sent = [submit(api, {**CALM, "mood": str(n)}, key=f"k{n}") for n in range(3)]
    refused = submit(api, {**CALM, "mood": "3"}, key="k3")

    assert [r.status_code for r in sent] == [201, 201, 201]
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    # An allowed check-in reads nothing back from the limit store to fill headers.
    assert not any(name.startswith("X-RateLimit") for name, _value in sent[0].headers)
    assert len(checkins_of(db, home.carer)) == 3
    # Counted per user, not per address: another carer on the same network goes on.
    other = make.carer(home.family)
    schedule(db, carer_row(db, other), "weekly")
    assert submit(api_for(other)).status_code == 201


def test_reading_is_not_limited(api: ApiClient) -> None:
    for _ in range(5):
        assert api.get("/api/v1/checkins/due").status_code == 200
