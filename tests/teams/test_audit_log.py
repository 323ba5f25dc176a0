"""The administrators' audit log viewer: newest first, paginated, filtered."""

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.audit.models import AuditEvent
from tests.conftest import login
from tests.factories import Factory


@pytest.fixture
def admin(make: Factory) -> User:
    return make.user(Role.ADMIN)


def _add(db: Session, action: str, at: datetime, actor: User | None = None) -> None:
    db.add(
        AuditEvent(action=action, at=at, actor_id=actor.id if actor else None, detail=f"d-{action}")
    )
    db.commit()


def test_newest_first_and_paginated(client: FlaskClient, db: Session, admin: User) -> None:
    for n in range(60):
        _add(db, f"test.e{n:02d}", datetime(2026, 1, 1, 0, n, tzinfo=UTC))
    login(client, admin.email)
    first = client.get("/admin/audit?action=").get_data(as_text=True)
    assert first.index("d-test.e59") < first.index("d-test.e58")
    assert "d-test.e11" in first and "d-test.e09" not in first  # 50 a page (the login is newest)
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert "d-test.e09" in second and "d-test.e59" not in second


def test_filters_by_action_actor_and_dates(
    make: Factory, client: FlaskClient, db: Session, admin: User
) -> None:
    clinician = make.user(Role.CLINICIAN, make.team())
    _add(db, "flag.viewed", datetime(2026, 1, 10, 12, tzinfo=UTC), clinician)
    _add(db, "flag.closed", datetime(2026, 1, 11, 12, tzinfo=UTC), clinician)
    _add(db, "flag.viewed", datetime(2026, 1, 12, 12, tzinfo=UTC), admin)
    login(client, admin.email)

    by_action = client.get("/admin/audit?action=flag.closed").get_data(as_text=True)
    assert "d-flag.closed" in by_action and "d-flag.viewed" not in by_action
    by_actor = client.get(f"/admin/audit?actor={clinician.email.upper()}").get_data(as_text=True)
    assert by_actor.count("d-flag.") == 2
    by_dates = client.get("/admin/audit?start=2026-01-11&end=2026-01-11").get_data(as_text=True)
    assert by_dates.count("d-flag.") == 1 and "d-flag.closed" in by_dates


@pytest.mark.parametrize(
    "query", ["start=yesterday", "start=2026-02-01&end=2026-01-01", "actor=not-an-email", "page=0"]
)
def test_bad_filters_give_a_message(client: FlaskClient, admin: User, query: str) -> None:
    login(client, admin.email)
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    assert "Those filters could not be used" in response.get_data(as_text=True)


def test_only_admins(make: Factory, client: FlaskClient) -> None:
    lead = make.user(Role.LEAD, make.team())
    login(client, lead.email)
    assert client.get("/admin/audit").status_code == 403
