"""Setting and cancelling leave, and routing work to whoever covers an absent clinician."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.audit.services import record
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.leave.models import Leave
from parentapp.teams.models import Team

# Longer absences are a change of caseload, not cover: reassign the families instead.
MAX_LEAVE_DAYS = 92
# A chain of covers (A covers B while C covers A) is followed this far at most.
MAX_COVER_CHAIN = 5


def team_today(team: Team, now: datetime | None = None) -> date:
    """Today's date where the team works (leave dates are the team's local dates)."""
    return (now or utcnow()).astimezone(ZoneInfo(team.time_zone)).date()


def active_covers(session: Session, team_id: int, today: date) -> dict[int, int]:
    """clinician id -> the id of who covers them today, for the team's clinicians on leave."""
    rows = session.exec(
        select(Leave.user_id, Leave.cover_id).where(
            Leave.team_id == team_id,
            col(Leave.cancelled_at).is_(None),
            col(Leave.starts_on) <= today,
            col(Leave.ends_on) >= today,
        )
    ).all()
    return dict(rows)


def route(user_id: int, covers: dict[int, int]) -> int:
    """Who acts for ``user_id`` today: their cover if they are on leave (following a cover who
    is also away), else themselves. A loop of covers ends with the last person not yet seen."""
    seen = [user_id]
    current = user_id
    for _step in range(MAX_COVER_CHAIN):
        cover = covers.get(current)
        if cover is None or cover in seen:
            break
        seen.append(cover)
        current = cover
    return current


def covers_for(session: Session, user: User, now: datetime | None = None) -> list[int]:
    """Ids of the clinicians whose families ``user`` covers today (directly or down a chain)."""
    team = session.get(Team, user.team_id) if user.team_id is not None else None
    if team is None or team.id is None or user.id is None:
        return []
    covers = active_covers(session, team.id, team_today(team, now))
    return sorted(absent for absent in covers if route(absent, covers) == user.id)


@dataclass(frozen=True)
class LeaveRow:
    leave: Leave
    user: User
    cover: User


def team_leave(session: Session, team: Team, *, today: date) -> list[LeaveRow]:
    """Leave in the team that has not ended and was not cancelled, soonest first."""
    rows = session.exec(
        select(Leave)
        .where(
            Leave.team_id == team.id,
            col(Leave.cancelled_at).is_(None),
            col(Leave.ends_on) >= today,
        )
        .order_by(col(Leave.starts_on), col(Leave.id))
    ).all()
    people = {
        u.id: u
        for u in session.exec(
            select(User).where(
                col(User.id).in_({r.user_id for r in rows} | {r.cover_id for r in rows})
            )
        ).all()
    }
    return [LeaveRow(row, people[row.user_id], people[row.cover_id]) for row in rows]


def _may_manage(actor: User, absent: User) -> bool:
    """A clinician sets their own leave; a team lead sets anyone's in their team."""
    if actor.team_id is None or actor.team_id != absent.team_id:
        return False
    return actor.id == absent.id or actor.role == Role.LEAD.value


def _overlapping(session: Session, user_id: int, starts_on: date, ends_on: date) -> Leave | None:
    return session.exec(
        select(Leave).where(
            Leave.user_id == user_id,
            col(Leave.cancelled_at).is_(None),
            col(Leave.starts_on) <= ends_on,
            col(Leave.ends_on) >= starts_on,
        )
    ).first()


def _check_dates(team: Team, starts_on: date, ends_on: date, now: datetime) -> None:
    if ends_on < starts_on:
        raise DomainError(_("The last day must be on or after the first day."), "ends_on")
    if ends_on < team_today(team, now):
        raise DomainError(_("The last day must not be in the past."), "ends_on")
    if ends_on - starts_on > timedelta(days=MAX_LEAVE_DAYS - 1):
        raise DomainError(
            _(
                "Leave can be at most %(num)d days. For longer, move the families to another clinician.",
                num=MAX_LEAVE_DAYS,
            ),
            "ends_on",
        )


def set_leave(
    *,
    session: Session,
    actor: User,
    absent: User,
    cover_id: int,
    starts_on: date,
    ends_on: date,
    now: datetime | None = None,
) -> Leave:
    """Record leave for ``absent`` covered by ``cover_id``; commits.

    :raises PermissionDeniedError: ``actor`` may not set leave for ``absent``.
    :raises DomainError: the dates or the cover are not acceptable (nothing is changed).
    """
    now = now or utcnow()
    if not _may_manage(actor, absent) or not absent.is_clinical:
        raise PermissionDeniedError(_("You cannot set leave for this person."))
    team = session.get(Team, absent.team_id)
    if team is None or team.id is None or absent.id is None:
        raise NotFoundError("team")
    cover = session.get(User, cover_id)
    if (
        cover is None
        or cover.id == absent.id
        or cover.team_id != team.id
        or not cover.is_clinical
        or not cover.active
    ):
        raise DomainError(_("Choose another clinician in the team to cover."), "cover_id")
    _check_dates(team, starts_on, ends_on, now)
    if _overlapping(session, absent.id, starts_on, ends_on) is not None:
        raise DomainError(_("This overlaps leave that is already set."), "starts_on")
    if _overlapping(session, cover_id, starts_on, ends_on) is not None:
        raise DomainError(
            _(
                "%(name)s is on leave during these dates. Choose someone else.",
                name=cover.display_name,
            ),
            "cover_id",
        )
    leave = Leave(
        team_id=team.id,
        user_id=absent.id,
        cover_id=cover_id,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=actor.id or 0,
        created_at=now,
    )
    _save(session, leave, "leave.set", actor, f"covered by user {cover_id}")
    return leave


def _save(session: Session, leave: Leave, action: str, actor: User, detail: str = "") -> None:
    """Store ``leave`` with its audit entry (about the absent clinician); commits."""
    session.add(leave)
    session.flush()
    record(
        session=session,
        action=action,
        actor_id=actor.id,
        target_type="user",
        target_id=leave.user_id,
        detail=f"leave {leave.id} {detail}".strip(),
    )
    session.commit()


def cancel_leave(
    *, session: Session, actor: User, leave_id: int, now: datetime | None = None
) -> Leave:
    """End or call off leave (the row is kept); commits.

    :raises NotFoundError: no such leave, or not the actor's to change.
    """
    leave = session.get(Leave, leave_id)
    absent = session.get(User, leave.user_id) if leave is not None else None
    if leave is None or absent is None or not _may_manage(actor, absent):
        raise NotFoundError("leave")
    if leave.cancelled_at is None:
        leave.cancelled_at = now or utcnow()
        _save(session, leave, "leave.cancelled", actor)
    return leave


def covering_names(session: Session, user_ids: list[int]) -> list[str]:
    """Display names of ``user_ids`` (the clinicians someone covers), by name."""
    if not user_ids:
        return []
    return sorted(session.exec(select(User.display_name).where(col(User.id).in_(user_ids))).all())
