"""A family of team A with its clinician, a colleague, the team's lead and one carer who may
ask to invite another; a clinician of team B."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlmodel import Session, select

from parentapp.accounts.models import Role, User
from parentapp.audit.models import AuditEvent
from parentapp.coparents.models import CoparentRequest
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.notifications.models import Notification
from parentapp.teams.models import Team
from tests.factories import Factory, carer_row


@dataclass(frozen=True)
class Home:
    team: Team
    clinician: User  # the family's assigned clinician
    colleague: User  # another clinician of the team
    lead: User
    outsider: User  # a clinician of another team
    family: Family
    user: User  # the asking carer's account
    carer: Carer


@pytest.fixture
def home(make: Factory, db: Session) -> Home:
    team = make.team("Riverside Team")
    clinician = make.user(Role.CLINICIAN, team, display_name="Sam Patel")
    colleague = make.user(Role.CLINICIAN, team, display_name="Kim Lee")
    lead = make.user(Role.LEAD, team, display_name="Lee Lead")
    outsider = make.user(Role.CLINICIAN, make.team("Hillside Team"))
    family = make.family(team, clinician, label="Khan")
    make.infant(family, name="Ada")
    user = make.carer(family, CarerRole.MOTHER, display_name="Aisha")
    return Home(team, clinician, colleague, lead, outsider, family, user, carer_row(db, user))


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """A request context, for services that translate their messages."""
    with app.test_request_context():
        yield


def requests_of(db: Session, family: Family) -> list[CoparentRequest]:
    db.expire_all()
    return list(db.exec(select(CoparentRequest).where(CoparentRequest.family_id == family.id)))


def notices(db: Session, kind: str) -> list[Notification]:
    db.expire_all()
    return list(db.exec(select(Notification).where(Notification.kind == kind)))


def audit(db: Session, prefix: str = "coparent.") -> list[AuditEvent]:
    db.expire_all()
    rows = db.exec(select(AuditEvent)).all()
    return [row for row in rows if row.action.startswith(prefix)]
