"""A family of the checkins tests' team (``home``), with the team's lead, a clinician of
another team and an administrator; check-ins calm and urgent, sent as a phone would."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import CheckIn
from parentapp.triage.models import Flag
from tests.checkins.conftest import Home, home  # noqa: F401 - the fixture
from tests.conftest import login
from tests.factories import WEEKLY_CALM, Factory
from tests.triage.helpers import answers_totalling, builtin, submit

URGENT = answers_totalling(builtin("weekly"), 1, keep={"self_harm": "1"})


@dataclass(frozen=True)
class Staff:
    lead: User
    colleague: User
    other_team: User
    other_lead: User
    admin: User


@pytest.fixture
def staff(make: Factory, home: Home) -> Staff:  # noqa: F811 - the fixture above
    other = make.team("Hillside Team")
    return Staff(
        lead=make.user(Role.LEAD, home.team, display_name="Lee Lead"),
        colleague=make.user(Role.CLINICIAN, home.team, display_name="Cam Colleague"),
        other_team=make.user(Role.CLINICIAN, other, display_name="Otto Other"),
        other_lead=make.user(Role.LEAD, other, display_name="Olive Otherlead"),
        admin=make.user(Role.ADMIN, display_name="Ada Admin"),
    )


def send(
    db: Session,
    home: Home,  # noqa: F811 - the fixture's value, passed in
    answers: dict[str, str] | None = None,
    at: datetime | None = None,
) -> tuple[CheckIn, list[Flag]]:
    """A weekly check-in from the home carer (calm unless ``answers``), judged and flagged."""
    flags = submit(
        db, home.carer, home.family, builtin("weekly"), answers or dict(WEEKLY_CALM), at=at
    )
    checkin = db.exec(select(CheckIn).order_by(col(CheckIn.id).desc())).first()
    assert checkin is not None
    return checkin, flags


Browse = Callable[[User], FlaskClient]


@pytest.fixture
def browse(app: Flask) -> Browse:
    """A fresh client logged in as the user (each person on their own device)."""

    def _client(user: User) -> FlaskClient:
        client = app.test_client()
        login(client, user.email)
        return client

    return _client
