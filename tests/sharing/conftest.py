"""A family with a carer who has check-ins to share (one with a note), their team's clinician,
outsiders to be refused, and a real SMTP server for the link's email."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlmodel import Session, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import CheckIn
from parentapp.checkins.services import submit_checkin
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.sharing import services
from parentapp.sharing.models import Share
from tests.factories import WEEKLY_CALM, Factory, add_schedule, carer_row
from tests.notifications.conftest import (  # noqa: F401 - fixtures
    SmtpServer,
    settings,
    smtp,
    smtp_port,
)

NOTE = "I have been sleeping a little better this week"


@dataclass(frozen=True)
class Sharing:
    family: Family
    carer_user: User
    carer: Carer
    clinician: User
    co_carer: User
    other_team_clinician: User
    checkins: list[CheckIn]
    noted: CheckIn  # the check-in with a note


def submit(
    app: Flask, db: Session, carer: Carer, note: str | None = None, **at: datetime
) -> CheckIn:
    answers = {**WEEKLY_CALM, **({"note": note} if note else {})}
    with app.test_request_context():
        result = submit_checkin(
            session=db,
            carer=carer,
            instrument_id="weekly",
            answers=answers,
            infant_id=None,
            locale="en",
            now=at.get("now"),
        )
    return result.checkin


@pytest.fixture
def world(app: Flask, make: Factory, db: Session) -> Sharing:
    team = make.team("Riverside Perinatal Team")
    clinician = make.user(Role.CLINICIAN, team, display_name="Dr Clara Lee")
    family = make.family(team, clinician)
    carer_user = make.carer(family, CarerRole.MOTHER, display_name="Maya Jones")
    co_carer = make.carer(family, CarerRole.FATHER)
    other_team_clinician = make.user(Role.CLINICIAN, make.team())
    carer = carer_row(db, carer_user)
    add_schedule(db, carer, "weekly")
    now = utcnow()
    first = submit(app, db, carer, now=now - timedelta(days=14))
    noted = submit(app, db, carer, note=NOTE, now=now - timedelta(days=7))
    return Sharing(
        family, carer_user, carer, clinician, co_carer, other_team_clinician, [first, noted], noted
    )


def choices(**changes: object) -> services.Choices:
    fields: dict[str, object] = {
        "recipient_name": "Hana Visitor",
        "recipient_role": "health_visitor",
        "recipient_email": "hana@clinic.example",
        "locale": "en",
        "days": 7,
        "instruments": ["weekly"],
        "note_ids": [],
        "clinician_summary": False,
    }
    fields.update(changes)
    return services.Choices(**fields)  # type: ignore[arg-type]


def make_share(
    app: Flask, db: Session, world: Sharing, now: datetime | None = None, **changes: object
) -> services.Created:
    """A share made by the carer through the service, with ``changes`` to the choices."""
    return share_for(app, db, world.carer_user, world.carer, now=now, **changes)


def share_for(
    app: Flask,
    db: Session,
    user: User,
    carer: Carer,
    now: datetime | None = None,
    **changes: object,
) -> services.Created:
    """A share made by the carer ``user`` (``carer``: their membership)."""
    with app.test_request_context():
        return services.create_share(
            session=db, actor=user, carer=carer, choices=choices(**changes), now=now or utcnow()
        )


def share_row(db: Session, share_id: int | None) -> Share:
    db.expire_all()
    return db.exec(select(Share).where(Share.id == share_id)).one()


def token_of(app: Flask, db: Session, share: Share) -> str:
    """The share's token, from its email still waiting in the outbox (sealed)."""
    from parentapp.notifications.models import Notification
    from parentapp.sealing import unseal

    db.expire_all()
    rows = db.exec(select(Notification).where(Notification.kind == "share_link")).all()
    secret = app.config["PARENTAPP_SETTINGS"].secret_key
    from parentapp.sharing.codes import token_hash

    for row in rows:
        token = unseal(secret, str(row.payload.get("sealed", "")))
        if token and token_hash(token) == share.token_hash:
            return token
    raise AssertionError("no email waiting for this share")
