"""Reads about co-parent requests: the family page's list, the dashboard's count, and what
the asking carer sees of their own."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from parentapp.accounts.models import Role, User
from parentapp.coparents.models import CoparentRequest, Status
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family, Invitation
from parentapp.families.queries import invitation_status
from parentapp.leave.services import covers_for

# Older answered requests drop off the carer's home page and the family page.
SHOWN_DECIDED = 5


@dataclass(frozen=True)
class StaffRow:
    request: CoparentRequest
    asked_by: str  # the asking carer's name
    decided_by: str | None
    invitation: str | None  # pending | used | expired | revoked, once approved


def family_requests(session: Session, family_id: int) -> list[StaffRow]:
    """Requests of a family for its page: all waiting ones, then the latest few decided."""
    rows = session.exec(
        select(CoparentRequest, User.display_name)
        .join(Carer, col(Carer.id) == CoparentRequest.carer_id)
        .join(User, col(User.id) == Carer.user_id)
        .where(CoparentRequest.family_id == family_id)
        .order_by(col(CoparentRequest.created_at).desc(), col(CoparentRequest.id).desc())
    ).all()
    pending = [(r, n) for r, n in rows if r.status == Status.PENDING.value]
    decided = [(r, n) for r, n in rows if r.status != Status.PENDING.value][:SHOWN_DECIDED]
    return _with_outcomes(session, pending + decided)


def _with_outcomes(session: Session, rows: list[tuple[CoparentRequest, str]]) -> list[StaffRow]:
    decider_ids = {r.decided_by_id for r, _n in rows if r.decided_by_id is not None}
    names = dict(
        session.exec(select(User.id, User.display_name).where(col(User.id).in_(decider_ids))).all()
    )
    statuses = _invitation_statuses(session, [r for r, _n in rows])
    return [
        StaffRow(
            r,
            n,
            names.get(r.decided_by_id) if r.decided_by_id is not None else None,
            statuses.get(r.invitation_id) if r.invitation_id is not None else None,
        )
        for r, n in rows
    ]


def _invitation_statuses(
    session: Session, requests: list[CoparentRequest], now: datetime | None = None
) -> dict[int, str]:
    ids = {r.invitation_id for r in requests if r.invitation_id is not None}
    if not ids:
        return {}
    invitations = session.exec(select(Invitation).where(col(Invitation.id).in_(ids))).all()
    now = now or utcnow()
    return {i.id: invitation_status(i, now) for i in invitations if i.id is not None}


def waiting_count(session: Session, user: User) -> int:
    """Requests waiting for ``user`` to decide: of their own families and those they cover
    today, or of the whole team for a lead."""
    query = (
        select(func.count())
        .select_from(CoparentRequest)
        .join(Family, col(Family.id) == CoparentRequest.family_id)
        .where(Family.team_id == user.team_id, CoparentRequest.status == Status.PENDING.value)
    )
    if user.role != Role.LEAD.value:
        owners = [user.id or 0, *covers_for(session, user)]
        query = query.where(col(Family.assigned_clinician_id).in_(owners))
    return int(session.exec(query).one())


@dataclass(frozen=True)
class CarerRow:
    request: CoparentRequest
    # waiting | invited | joined | declined | expired (an invitation not used in time or
    # cancelled: the carer is asked to talk to their clinician)
    shown: str


def carer_requests(session: Session, carer: Carer) -> list[CarerRow]:
    """The carer's own requests, newest first: all waiting ones and the latest few answered
    (withdrawn ones are not shown again)."""
    rows = session.exec(
        select(CoparentRequest)
        .where(
            CoparentRequest.carer_id == carer.id,
            CoparentRequest.status != Status.WITHDRAWN.value,
        )
        .order_by(col(CoparentRequest.created_at).desc(), col(CoparentRequest.id).desc())
    ).all()
    pending = [r for r in rows if r.status == Status.PENDING.value]
    decided = [r for r in rows if r.status != Status.PENDING.value][:SHOWN_DECIDED]
    statuses = _invitation_statuses(session, decided)
    return [CarerRow(r, _shown(r, statuses)) for r in pending + decided]


def _shown(request: CoparentRequest, statuses: dict[int, str]) -> str:
    if request.status == Status.PENDING.value:
        return "waiting"
    if request.status == Status.DECLINED.value:
        return "declined"
    status = statuses.get(request.invitation_id or 0)
    return {"pending": "invited", "used": "joined"}.get(status or "", "expired")
