"""Reads for the clinician's flag dashboard: open flags, and carers behind on check-ins.

Each list is one query (plus one for the last check-in times), whatever the caseload size:
the page must stay quick with thousands of families.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.due import due_state
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.families.models import Carer, Family
from parentapp.triage.models import Flag, FlagState, Severity


@dataclass(frozen=True)
class FlagRow:
    flag: Flag
    carer: Carer
    carer_name: str
    family: Family
    overdue: bool
    # The family is another clinician's, covered by the reader while they are on leave.
    covering: bool = False


@dataclass(frozen=True)
class OverdueCarer:
    carer: Carer
    carer_name: str
    family: Family
    instrument_id: str
    next_due_at: datetime
    missed: int


def _scope(
    query: Any, user: User, *, team_queue: bool, with_flags: bool, covered: list[int]
) -> Any:
    """The team's rows; unless the team queue is asked for, only the clinician's own caseload
    and the caseloads of clinicians on leave whom they cover. A flag the clinician owns counts
    as theirs even if its family has since moved on."""
    query = query.where(Family.team_id == user.team_id)
    if team_queue:
        return query
    clinicians = [user.id, *covered]
    mine = col(Family.assigned_clinician_id).in_(clinicians)
    if with_flags:
        return query.where(sa.or_(mine, col(Flag.owner_id).in_(clinicians)))
    return query.where(mine)


def sees_team_queue(user: User) -> bool:
    """Team leads and the duty clinician watch the whole team's queue."""
    return user.role == Role.LEAD.value or user.on_duty


def open_flags(
    session: Session, user: User, *, team_queue: bool, now: datetime, covered: list[int]
) -> list[FlagRow]:
    """Flags not closed: urgent first, then by due-by (none last), then oldest first.
    ``covered``: clinicians on leave whose families ``user`` covers today."""
    query = (
        select(Flag, Carer, User.display_name, Family)
        .join(Carer, col(Carer.id) == Flag.carer_id)
        .join(User, col(User.id) == Carer.user_id)
        .join(Family, col(Family.id) == Flag.family_id)
        .where(Flag.team_id == user.team_id, Flag.state != FlagState.CLOSED)
    )
    query = _scope(query, user, team_queue=team_queue, with_flags=True, covered=covered).order_by(
        sa.case((col(Flag.severity) == Severity.URGENT.value, 0), else_=1),
        sa.case((col(Flag.due_at).is_(None), 1), else_=0),
        col(Flag.due_at),
        col(Flag.opened_at),
        col(Flag.id),
    )
    return [
        FlagRow(
            flag=flag,
            carer=carer,
            carer_name=name,
            family=family,
            overdue=flag.due_at is not None and flag.due_at < now,
            covering=family.assigned_clinician_id in covered,
        )
        for flag, carer, name, family in session.exec(query).all()
    ]


def overdue_carers(
    session: Session, user: User, *, team_queue: bool, now: datetime, covered: list[int]
) -> list[OverdueCarer]:
    """Consented carers who have let a whole interval pass without a due check-in, most
    missed first."""
    query = (
        select(Schedule, Carer, User.display_name, Family)
        .join(Carer, col(Carer.id) == Schedule.carer_id)
        .join(User, col(User.id) == Carer.user_id)
        .join(Family, col(Family.id) == Carer.family_id)
        .where(
            col(Schedule.active).is_(True),
            col(Carer.consented_at).is_not(None),
            col(User.active).is_(True),
        )
    )
    rows = session.exec(
        _scope(query, user, team_queue=team_queue, with_flags=False, covered=covered)
    ).all()
    carer_ids = {carer.id for _s, carer, _n, _f in rows}
    last: dict[tuple[int, str], datetime] = {}
    if carer_ids:
        for carer_id, instrument_id, at in session.exec(
            select(CheckIn.carer_id, CheckIn.instrument_id, sa.func.max(CheckIn.submitted_at))
            .where(col(CheckIn.carer_id).in_(carer_ids))
            .group_by(col(CheckIn.carer_id), col(CheckIn.instrument_id))
        ).all():
            last[(carer_id, instrument_id)] = at
    result = []
    for schedule, carer, name, family in rows:
        state = due_state(
            starts_at=schedule.starts_at,
            interval_days=schedule.interval_days,
            last_submitted_at=last.get((carer.id, schedule.instrument_id)),
            now=now,
        )
        if state.missed >= 1:
            result.append(
                OverdueCarer(
                    carer, name, family, schedule.instrument_id, state.next_due_at, state.missed
                )
            )
    return sorted(result, key=lambda r: (-r.missed, r.next_due_at, r.carer.id or 0))
