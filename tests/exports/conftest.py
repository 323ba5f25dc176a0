"""Two carers of one baby, for the tests of what leaves the app."""

from dataclasses import dataclass

import pytest
from flask import Flask
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.checkins.services import submit_checkin
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from tests.factories import WEEKLY_CALM, Factory, add_schedule, carer_row


@dataclass(frozen=True)
class Two:
    clinician: User
    family: Family
    mother: User
    mother_carer: Carer
    father: User


def _submit(app: Flask, db: Session, carer: Carer, **answers: str) -> None:
    with app.test_request_context():
        submit_checkin(
            session=db,
            carer=carer,
            instrument_id="weekly",
            answers={**WEEKLY_CALM, **answers},
            infant_id=None,
            locale="en",
        )


@pytest.fixture
def two(app: Flask, make: Factory, db: Session) -> Two:
    """Two carers of one baby, each with a check-in; the mother's raised an urgent flag."""
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team, display_name="Sam Patel")
    family = make.family(team, clinician)
    make.infant(family, name="Ada")
    mother = make.carer(family, CarerRole.MOTHER, display_name="Aisha")
    father = make.carer(family, CarerRole.FATHER, display_name="Tom")
    mother_carer, father_carer = carer_row(db, mother), carer_row(db, father)
    for carer in (mother_carer, father_carer):
        add_schedule(db, carer, "weekly")
    _submit(app, db, mother_carer, self_harm="2", note="Mother's own words")
    _submit(app, db, father_carer, mood="3", note="Father's private note")
    return Two(clinician, family, mother, mother_carer, father)
