"""Reads about families, scoped to what the asking user may see."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.db import utcnow
from parentapp.errors import NotFoundError
from parentapp.families.models import Carer, Family, Infant, Invitation
from parentapp.teams.models import Team


def family_for_clinician(session: Session, user: User, family_id: int) -> Family:
    """A family of the clinician's own team.

    :raises NotFoundError: no such family, or another team's (the two look the same).
    """
    family = session.get(Family, family_id)
    if family is None or not user.is_clinical or family.team_id != user.team_id:
        raise NotFoundError("family")
    return family


@dataclass(frozen=True)
class Membership:
    """A carer with their family and team, read in one round trip. While it is held (the carer
    decorators keep it on ``g``) the session's identity map keeps all three, so a later
    ``session.get`` of the family or the team costs no query."""

    carer: Carer
    family: Family
    team: Team


def membership_of(session: Session, user: User) -> Membership | None:
    """The user's carer membership, or None for anyone who is not a carer of a family."""
    found = session.exec(
        select(Carer, Family, Team)
        .join(Family, col(Family.id) == Carer.family_id)
        .join(Team, col(Team.id) == Family.team_id)
        .where(Carer.user_id == user.id)
    ).first()
    return Membership(*found) if found is not None else None


def team_of(session: Session, carer: Carer) -> Team:
    """The carer's team, by primary key: no query while their ``Membership`` is held."""
    family = session.get_one(Family, carer.family_id)
    return session.get_one(Team, family.team_id)


def infants_of(session: Session, family_id: int) -> list[Infant]:
    return list(
        session.exec(
            select(Infant).where(Infant.family_id == family_id).order_by(col(Infant.id))
        ).all()
    )


@dataclass(frozen=True)
class CarerRow:
    carer: Carer
    user: User


@dataclass(frozen=True)
class ClosureRequest:
    carer: Carer
    name: str
    family: Family


def closure_requests(session: Session, user: User) -> list[ClosureRequest]:
    """Carers waiting for ``user`` to confirm their account closure: of the families they are
    assigned to, or of the whole team for a lead. Oldest request first."""
    query = (
        select(Carer, User.display_name, Family)
        .join(User, col(User.id) == Carer.user_id)
        .join(Family, col(Family.id) == Carer.family_id)
        .where(
            Family.team_id == user.team_id,
            col(Carer.closure_requested_at).is_not(None),
            col(Carer.closed_at).is_(None),
        )
        .order_by(col(Carer.closure_requested_at))
    )
    if user.role != Role.LEAD:
        query = query.where(Family.assigned_clinician_id == user.id)
    return [ClosureRequest(c, name, f) for c, name, f in session.exec(query).all()]


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    status: str  # pending | used | expired | revoked


def invitation_status(invitation: Invitation, now: datetime | None = None) -> str:
    now = now or utcnow()
    if invitation.used_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= now:
        return "expired"
    return "pending"


@dataclass(frozen=True)
class FamilyDetail:
    family: Family
    team: Team
    clinician: User
    infants: list[Infant]
    # Not those whose record is restricted (a closed account): the page says only how many.
    carers: list[CarerRow]
    restricted: int
    invitations: list[InvitationRow]


def family_detail(session: Session, family: Family) -> FamilyDetail:
    """Everything the family page shows a clinician; no answers (those are per check-in)."""
    team = session.get(Team, family.team_id)
    clinician = session.get(User, family.assigned_clinician_id)
    assert team is not None and clinician is not None
    infants = infants_of(session, family.id or 0)
    carers = session.exec(
        select(Carer, User)
        .join(User, col(User.id) == Carer.user_id)
        .where(Carer.family_id == family.id)
    ).all()
    invitations = session.exec(
        select(Invitation)
        .where(Invitation.family_id == family.id)
        .order_by(col(Invitation.created_at).desc())
    ).all()
    now = utcnow()
    return FamilyDetail(
        family=family,
        team=team,
        clinician=clinician,
        infants=list(infants),
        carers=[CarerRow(c, u) for c, u in carers if c.restricted_at is None],
        restricted=sum(1 for c, _u in carers if c.restricted_at is not None),
        invitations=[InvitationRow(i, invitation_status(i, now)) for i in invitations],
    )
