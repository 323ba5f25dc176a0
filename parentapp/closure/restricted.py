"""A closed account's clinical record, kept and restricted (UK GDPR Article 18): only a lead
of the team reads it, typing why each time, and each reading is audited with that reason.
A lead may also end the restriction where the law requires it (for example a court order or
the person's own request), with a reason; the account itself stays closed."""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.audit.services import record
from parentapp.clinician.summary import CarerSummary, family_summary
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.families.models import Carer, Family

REASON_MIN, REASON_MAX = 10, 200
# The whole record, however old: the restricted view has no "since".
BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RestrictedRow:
    carer: Carer
    name: str
    family: Family


def restricted_records(session: Session, actor: User) -> list[RestrictedRow]:
    """The restricted records of the lead's team; those past retention first, then newest."""
    if actor.role != Role.LEAD:
        raise PermissionDeniedError("restricted")
    rows = session.exec(
        select(Carer, User.display_name, Family)
        .join(User, col(User.id) == Carer.user_id)
        .join(Family, col(Family.id) == Carer.family_id)
        .where(Family.team_id == actor.team_id, col(Carer.restricted_at).is_not(None))
        .order_by(col(Carer.retention_due_at).is_(None), col(Carer.restricted_at).desc())
    ).all()
    return [RestrictedRow(carer, name, family) for carer, name, family in rows]


def restricted_row(session: Session, actor: User, carer_id: int) -> RestrictedRow:
    """:raises NotFoundError: no restricted record of this id in the lead's team.
    :raises PermissionDeniedError: not a lead."""
    if actor.role != Role.LEAD:
        raise PermissionDeniedError("restricted")
    carer = session.get(Carer, carer_id)
    family = session.get(Family, carer.family_id) if carer else None
    # Another team's, or not restricted: the same answer as no such record.
    if (
        carer is None
        or family is None
        or carer.restricted_at is None
        or family.team_id != actor.team_id
    ):
        raise NotFoundError("carer")
    user = session.get_one(User, carer.user_id)
    return RestrictedRow(carer, user.display_name, family)


def checked_reason(typed: str | None, field: str = "reason") -> str:
    """:raises DomainError: too short to say why, or too long to keep in the audit log."""
    reason = " ".join((typed or "").split())
    if len(reason) < REASON_MIN:
        raise DomainError(
            _("Say why, in at least %(min)d characters.", min=REASON_MIN),
            field,
        )
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("Please keep the reason under %(max)d characters.", max=REASON_MAX), field
        )
    return reason


def read_restricted(
    *, session: Session, actor: User, carer_id: int, reason: str | None
) -> tuple[RestrictedRow, CarerSummary]:
    """The whole clinical record of one closed account, for a lead who said why.

    :raises NotFoundError / PermissionDeniedError: as ``restricted_row``.
    :raises DomainError: no usable reason; nothing is shown and nothing is recorded.
    """
    row = restricted_row(session, actor, carer_id)
    why = checked_reason(reason)
    (summary,) = family_summary(session, row.family, BEGINNING, carer_id=carer_id)
    record(
        session=session,
        action="record.restricted_viewed",
        actor_id=actor.id,
        target_type="carer",
        target_id=carer_id,
        detail=why,
    )
    session.commit()
    return row, summary


def end_restriction(
    *, session: Session, actor: User, carer_id: int, reason: str | None, now: datetime | None = None
) -> None:
    """The record goes back to the family's ordinary pages (the account stays closed).

    :raises NotFoundError / PermissionDeniedError: as ``restricted_row``.
    :raises DomainError: no usable reason; nothing changes.
    """
    row = restricted_row(session, actor, carer_id)
    why = checked_reason(reason, "end_reason")
    carer = row.carer
    carer.restricted_at = None
    carer.restriction_ended_at = now or utcnow()
    carer.restriction_ended_by_id = actor.id
    session.add(carer)
    record(
        session=session,
        action="record.restriction_ended",
        actor_id=actor.id,
        target_type="carer",
        target_id=carer_id,
        detail=why,
    )
    session.commit()
