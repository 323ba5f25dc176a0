"""Closing a carer's account (UK GDPR Article 17, with the 17(3)(c) exception for health
records, and Article 18's restriction).

The carer asks; their assigned clinician or a team lead confirms. Confirming ends every session,
removes what identifies the person but is not part of the clinical record (email address,
password hash, notification devices, the addresses and browsers their sessions came from, the
outbox), blocks the login, stops their check-ins, closes their live flags with the outcome
"account closed" and restricts the clinical record: only the team's leads read it, with a
reason each time (``restricted``). One transaction: a failure half-way changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlmodel import Session, col

from parentapp.accounts.models import LoginSession, Role, User
from parentapp.accounts.sessions import revoke_all
from parentapp.audit.services import record
from parentapp.checkins.models import Schedule
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.families.models import Carer, Family
from parentapp.notifications.models import Notification
from parentapp.reminders.models import PushSubscription
from parentapp.triage.lifecycle import close_for_account_closure, live_flags_of
from parentapp.triage.models import Flag

# Where the scrubbed address points: ".invalid" can never be delivered to (RFC 2606), and the
# id keeps the column unique.
CLOSED_EMAIL = "closed-{id}@account-closed.invalid"
# Not an argon2 hash, so no password can ever match it (passwords.verify_password).
NO_PASSWORD = "!account-closed"  # noqa: S105 - a marker no password matches, not a secret


def request_closure(*, session: Session, carer: Carer, now: datetime | None = None) -> bool:
    """The carer asks for their account to be closed. True when newly asked; asking again
    changes nothing (the first date stands) and returns False."""
    if carer.closure_requested_at is not None:
        return False
    carer.closure_requested_at = now or utcnow()
    session.add(carer)
    record(
        session=session,
        action="carer.closure_requested",
        actor_id=carer.user_id,
        target_type="carer",
        target_id=carer.id,
    )
    session.commit()
    return True


def withdraw_request(*, session: Session, carer: Carer) -> bool:
    """The carer changes their mind before it is confirmed. False when there was nothing to
    withdraw."""
    if carer.closure_requested_at is None or carer.closed_at is not None:
        return False
    carer.closure_requested_at = None
    session.add(carer)
    record(
        session=session,
        action="carer.closure_withdrawn",
        actor_id=carer.user_id,
        target_type="carer",
        target_id=carer.id,
    )
    session.commit()
    return True


def may_confirm(actor: User, family: Family) -> bool:
    """The family's assigned clinician, or a lead of its team."""
    if actor.team_id != family.team_id:
        return False
    return actor.id == family.assigned_clinician_id or actor.role == Role.LEAD


@dataclass(frozen=True)
class Pending:
    """A carer's closure request as the confirming clinician sees it."""

    carer: Carer
    user: User
    family: Family
    live_flags: list[Flag]


def pending_closure(session: Session, actor: User, family: Family, carer_id: int) -> Pending:
    """The carer of ``family`` whose account ``actor`` is about to close.

    :raises NotFoundError: no such carer in this family.
    :raises PermissionDeniedError: neither the assigned clinician nor a lead.
    """
    carer = session.get(Carer, carer_id)
    if carer is None or carer.family_id != family.id or carer.restricted_at is not None:
        raise NotFoundError("carer")
    if not may_confirm(actor, family):
        raise PermissionDeniedError("closure")
    user = session.get_one(User, carer.user_id)
    return Pending(carer, user, family, live_flags_of(session, carer_id))


def confirm_closure(
    *,
    session: Session,
    actor: User,
    family: Family,
    carer_id: int,
    flags_reviewed: bool,
    now: datetime | None = None,
) -> list[Flag]:
    """Close the account, keep the clinical record restricted; returns the flags it closed.

    :raises NotFoundError: no such carer in this family.
    :raises PermissionDeniedError: neither the assigned clinician nor a lead.
    :raises DomainError: no request, already closed, or live flags not reviewed; nothing changes.
    """
    now = now or utcnow()
    pending = pending_closure(session, actor, family, carer_id)
    carer = pending.carer
    if carer.closed_at is not None:
        raise DomainError(_("This account is already closed."))
    if carer.closure_requested_at is None:
        raise DomainError(_("This carer has not asked for their account to be closed."))
    if pending.live_flags and not flags_reviewed:
        raise DomainError(
            _("Read the open flags first, then tick the box to close them with the account."),
            "flags_reviewed",
        )
    closed = close_for_account_closure(session=session, actor=actor, carer_id=carer_id, now=now)
    _forget_account(session, pending.user)
    session.execute(
        sa.update(Schedule).where(col(Schedule.carer_id) == carer_id).values(active=False)
    )
    carer.closed_at = carer.restricted_at = now
    carer.closed_by_id = actor.id
    session.add(carer)
    record(
        session=session,
        action="carer.account_closed",
        actor_id=actor.id,
        target_type="carer",
        target_id=carer.id,
        detail=f"flags_closed={len(closed)}",
    )
    session.commit()
    return closed


def _forget_account(session: Session, user: User) -> None:
    """What identifies the person but is no part of their clinical record; the name stays,
    since the restricted record must still say whose it is."""
    user_id = user.id or 0
    revoke_all(session, user_id)
    session.execute(
        sa.update(LoginSession)
        .where(col(LoginSession.user_id) == user_id)
        .values(ip_address=None, user_agent=None)
    )
    session.execute(sa.delete(PushSubscription).where(col(PushSubscription.user_id) == user_id))
    session.execute(sa.delete(Notification).where(col(Notification.recipient_id) == user_id))
    user.email = CLOSED_EMAIL.format(id=user_id)
    user.password_hash = NO_PASSWORD
    user.time_zone = None
    user.active = False
    session.add(user)
