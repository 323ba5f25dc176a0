"""A family with one carer who is asked the weekly check-in, and API clients checked against
the OpenAPI document."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.families.models import Carer, Family, Infant
from parentapp.families.roles import CarerRole
from parentapp.teams.models import Team
from tests.api.schema_check import ApiClient
from tests.conftest import login
from tests.factories import WEEKLY_CALM, Factory, carer_row
from tests.factories import add_schedule as schedule

CALM = WEEKLY_CALM


@dataclass(frozen=True)
class Home:
    team: Team
    clinician: User
    family: Family
    infant: Infant
    user: User  # the carer's account
    carer: Carer
    schedule: Schedule


@pytest.fixture
def home(make: Factory, db: Session) -> Home:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    infant = make.infant(family, name="Ada")
    user = make.carer(family, CarerRole.FATHER)
    carer = carer_row(db, user)
    return Home(team, clinician, family, infant, user, carer, schedule(db, carer, "weekly"))


@pytest.fixture
def api_for(app: Flask) -> Callable[[User | None], ApiClient]:
    """A fresh client for ``user`` (logged in through the real form), or anonymous."""

    def _api(user: User | None = None) -> ApiClient:
        client = app.test_client()
        if user is not None:
            login(client, user.email)
        return ApiClient(client)

    return _api


@pytest.fixture
def api(api_for: Callable[[User | None], ApiClient], home: Home) -> ApiClient:
    """The carer of ``home``, logged in."""
    return api_for(home.user)


def submit(
    api: ApiClient,
    answers: dict[str, Any] | None = None,
    *,
    key: str | None = "key-0001",
    instrument_id: str = "weekly",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Any:
    body = {"instrument_id": instrument_id, "answers": CALM if answers is None else answers}
    sent = {**({"Idempotency-Key": key} if key is not None else {}), **(headers or {})}
    return api.post("/api/v1/checkins", json={**body, **extra}, headers=sent)


def checkins_of(db: Session, carer: Carer) -> list[CheckIn]:
    db.expire_all()
    return list(db.exec(select(CheckIn).where(CheckIn.carer_id == carer.id)).all())
