"""What a team's FHIR export reads: its families, babies, carers, check-ins and flags."""

from datetime import datetime

from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.models import CheckIn
from parentapp.exports.fhir_bundle import Person, TeamRecords
from parentapp.families.models import Carer, Family, Infant
from parentapp.instruments.registry import load_registry
from parentapp.teams.models import Team
from parentapp.triage.models import Flag


def team_records(session: Session, team: Team, since: datetime | None = None) -> TeamRecords:
    """The team's records; check-ins and flags from ``since`` on (all when None). A restricted
    record (a closed account's) is not exported: only a lead reads it, with a reason."""
    family_ids = list(session.exec(select(Family.id).where(Family.team_id == team.id)).all())
    infants = list(session.exec(select(Infant).where(col(Infant.family_id).in_(family_ids))).all())
    carers = [
        Person(carer, user.display_name, user.email)
        for carer, user in session.exec(
            select(Carer, User)
            .join(User, col(User.id) == Carer.user_id)
            .where(col(Carer.family_id).in_(family_ids), col(Carer.restricted_at).is_(None))
            .order_by(col(Carer.id))
        ).all()
    ]
    restricted = select(Carer.id).where(col(Carer.restricted_at).is_not(None))
    checkins = select(CheckIn).where(
        col(CheckIn.family_id).in_(family_ids), col(CheckIn.carer_id).not_in(restricted)
    )
    flags = select(Flag).where(Flag.team_id == team.id, col(Flag.carer_id).not_in(restricted))
    if since is not None:
        checkins = checkins.where(col(CheckIn.submitted_at) >= since)
        flags = flags.where(col(Flag.opened_at) >= since)
    return TeamRecords(
        infants=infants,
        carers=carers,
        checkins=list(session.exec(checkins.order_by(col(CheckIn.id))).all()),
        flags=list(session.exec(flags.order_by(col(Flag.id))).all()),
        definitions=list(load_registry(session).definitions),
    )
