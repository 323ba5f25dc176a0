"""A team with two clinicians and a lead, families for each, and flags raised through real
check-ins, shared by the flag page and lifecycle tests."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.checkins.services import submit_checkin
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.teams.models import Team
from parentapp.triage.models import Flag
from tests.factories import WEEKLY_CALM, Factory, add_schedule, carer_row

CALM = WEEKLY_CALM


@dataclass(frozen=True)
class Flagged:
    team: Team
    clinician: User
    colleague: User
    lead: User
    other_team_clinician: User
    family: Family  # the clinician's
    carer: Carer  # the family's mother
    carer_user: User
    other_family: Family  # the colleague's
    other_carer: Carer


def build(make: Factory, db: Session) -> Flagged:
    team = make.team("Riverside Team")
    clinician = make.user(Role.CLINICIAN, team, display_name="Sam Patel")
    colleague = make.user(Role.CLINICIAN, team, display_name="Jo Okafor")
    lead = make.user(Role.LEAD, team, display_name="Lee Lead")
    other_team = make.team("Hillside Team")
    other_team_clinician = make.user(Role.CLINICIAN, other_team)
    family = make.family(team, clinician, label="Khan")
    make.infant(family, name="Ada")
    carer_user = make.carer(family, CarerRole.MOTHER, display_name="Aisha")
    carer = carer_row(db, carer_user)
    other_family = make.family(team, colleague, label="Nowak")
    make.infant(other_family, name="Zofia")
    other_carer = carer_row(db, make.carer(other_family, CarerRole.FATHER, display_name="Piotr"))
    for c in (carer, other_carer):
        add_schedule(db, c, "weekly", starts_at=utcnow() - timedelta(days=1))
    return Flagged(
        team, clinician, colleague, lead, other_team_clinician, family, carer, carer_user,
        other_family, other_carer,
    )  # fmt: skip


def send(
    app: Flask,
    db: Session,
    carer: Carer,
    now: datetime | None = None,
    locale: str = "en",
    **answers: str,
) -> list[Flag]:
    """Submit a weekly check-in for ``carer`` (calm unless ``answers`` say otherwise)."""
    with app.test_request_context():
        result = submit_checkin(
            session=db,
            carer=carer,
            instrument_id="weekly",
            answers={**CALM, **answers},
            infant_id=None,
            locale=locale,
            now=now,
        )
    return result.flags
