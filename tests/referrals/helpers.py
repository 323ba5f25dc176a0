"""A team with a lead, a duty clinician, a clinician and a referrer, and a referral sent."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Flask
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.referrals import services
from parentapp.referrals.models import Referral, ReferrerProfile
from parentapp.referrals.services import Accepted, BabyIn
from parentapp.teams.models import Team
from tests.factories import Factory

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # at work in London (UTC in November)


@dataclass
class Setting:
    team: Team
    other_team: Team
    lead: User
    duty: User
    clinician: User
    referrer: User
    other_referrer: User
    other_clinician: User


def build(make: Factory, db: Session) -> Setting:
    team, other_team = make.team("Riverside"), make.team("Hillside")
    referrer = make.user(Role.REFERRER, team, display_name="Hana Visitor")
    other_referrer = make.user(Role.REFERRER, team, display_name="Gil Practice")
    db.add_all(
        [
            ReferrerProfile(user_id=referrer.id or 0, profession="health_visitor"),
            ReferrerProfile(user_id=other_referrer.id or 0, profession="gp"),
        ]
    )
    db.commit()
    return Setting(
        team=team,
        other_team=other_team,
        lead=make.user(Role.LEAD, team, display_name="Lee Lead"),
        duty=make.user(Role.CLINICIAN, team, display_name="Dee Duty", on_duty=True),
        clinician=make.user(Role.CLINICIAN, team, display_name="Cam Clinician"),
        referrer=referrer,
        other_referrer=other_referrer,
        other_clinician=make.user(Role.CLINICIAN, other_team),
    )


FIELDS: dict[str, object] = {
    "carer_name": "Amira Khan",
    "carer_email": "amira@example.org",
    "carer_phone": None,
    "language": "en",
    "reasons": ["low_mood", "bonding"],
    "reason_text": "Low since the birth; finds it hard to feel close to the baby.",
    "consent": True,
    "urgency": "routine",
}


def send(
    app: Flask, db: Session, referrer: User, team: Team, now: datetime = MONDAY, **changes: object
) -> Referral:
    """Submit a referral as the service does for the form (in a request context)."""
    fields = {
        **FIELDS,
        "babies": [BabyIn("Noor", date(2026, 10, 1), None)],
        **changes,
    }
    with app.test_request_context():
        return services.submit(
            session=db,
            referrer=referrer,
            team_id=team.id or 0,
            now=now,
            **fields,  # type: ignore[arg-type]
        )


def accept(
    app: Flask,
    db: Session,
    referral: Referral,
    *,
    by: User,
    clinician: User,
    now: datetime = MONDAY,
    label: str = "",
) -> Accepted:
    """Accept ``referral`` as ``by``, assigning ``clinician`` (in a request context)."""
    with app.test_request_context():
        return services.accept(
            session=db,
            actor=by,
            referral=referral,
            assigned_clinician_id=clinician.id or 0,
            family_label=label,
            now=now,
        )
