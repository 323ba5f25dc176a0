"""Deactivating staff without leaving a family or a flag with nobody: a clinician who still
holds a caseload is reassigned first (issue: no dead ends in escalation)."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts import services as accounts
from parentapp.accounts.models import User
from parentapp.errors import DomainError
from parentapp.families.models import Family
from parentapp.triage.models import Flag
from parentapp.triage.vocab import FlagState


@dataclass(frozen=True)
class Caseload:
    families: int
    live_flags: int

    @property
    def empty(self) -> bool:
        return not (self.families or self.live_flags)


def caseload(session: Session, user_id: int) -> Caseload:
    """How many families ``user_id`` is assigned to and how many flags they own not closed."""
    families = session.exec(
        select(sa.func.count(col(Family.id))).where(Family.assigned_clinician_id == user_id)
    ).one()
    flags = session.exec(
        select(sa.func.count(col(Flag.id))).where(
            Flag.owner_id == user_id, col(Flag.state) != FlagState.CLOSED.value
        )
    ).one()
    return Caseload(families=families, live_flags=flags)


def set_staff_active(*, session: Session, actor: User, user: User, active: bool) -> None:
    """Deactivate or reactivate a staff account.

    :raises DomainError: deactivating someone who still has families or live flags: their
        notices would reach nobody, so a team lead reassigns them first.
    """
    if not active and user.active:
        held = caseload(session, user.id or 0)
        if not held.empty:
            raise DomainError(
                _(
                    "%(name)s still has families or open flags (families: %(families)s, open "
                    "flags: %(flags)s). A team lead must reassign them to another clinician "
                    "before this account can be deactivated.",
                    name=user.display_name,
                    families=held.families,
                    flags=held.live_flags,
                )
            )
    accounts.set_active(session=session, actor=actor, user=user, active=active)
