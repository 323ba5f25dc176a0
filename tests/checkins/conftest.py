"""A team with crisis contacts, a family with one baby, and a carer asked every shipped
instrument; answer sets to submit."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import Schedule
from parentapp.families.models import Carer, Family, Infant
from parentapp.families.roles import CarerRole
from parentapp.teams.models import CrisisContact, Team
from tests.factories import WEEKLY_CALM, Factory, add_schedule, carer_row

CALM = WEEKLY_CALM
PHQ9_ITEMS = [f"q{n}" for n in range(1, 10)]
GAD7_ITEMS = [f"q{n}" for n in range(1, 8)]


def all_answered(items: list[str], code: str = "0", **extra: str) -> dict[str, str]:
    return {**dict.fromkeys(items, code), **extra}


@dataclass(frozen=True)
class Home:
    team: Team
    clinician: User
    family: Family
    infant: Infant
    user: User  # the carer's account
    carer: Carer
    schedules: dict[str, Schedule]


def add_contacts(db: Session, team: Team) -> list[CrisisContact]:
    rows = [
        CrisisContact(team_id=team.id or 0, position=0, name="Riverside crisis line",
                      phone="0800 123 4567", description="Any time, day or night"),
        CrisisContact(team_id=team.id or 0, position=1, name="Textline", text_number="85258"),
    ]  # fmt: skip
    db.add_all(rows)
    db.commit()
    return rows


@pytest.fixture
def home(make: Factory, db: Session) -> Home:
    team = make.team("Riverside Team")
    add_contacts(db, team)
    clinician = make.user(Role.CLINICIAN, team, display_name="Sam Patel")
    family = make.family(team, clinician)
    infant = make.infant(family, name="Ada")
    user = make.carer(family, CarerRole.MOTHER, display_name="Aisha")
    carer = carer_row(db, user)
    schedules = {i: add_schedule(db, carer, i) for i in ("weekly", "phq9", "gad7")}
    return Home(team, clinician, family, infant, user, carer, schedules)


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """A request context, for services that translate their messages."""
    with app.test_request_context():
        yield
