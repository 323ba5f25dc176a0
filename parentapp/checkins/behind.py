"""The carers furthest behind on check-ins, for the clinician's dashboard: read from schedules
and check-ins, scoped to the reader's caseload as the flag queue is."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.due import due_state
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.families.models import Carer, Family
from parentapp.listing import Filters
from parentapp.triage.dashboard import caseload_scope, family_filters

# Carers behind on check-ins listed (most missed first); the rest are counted.
BEHIND_SHOWN = 25


@dataclass(frozen=True)
class OverdueCarer:
    carer: Carer
    carer_name: str
    family: Family
    instrument_id: str
    next_due_at: datetime
    missed: int


@dataclass(frozen=True)
class Behind:
    """The carers furthest behind on check-ins, and how many are behind in all."""

    rows: list[OverdueCarer]
    total: int


def _missed_one(interval_days: int, now: datetime) -> Any:
    """Schedules of ``interval_days`` with at least one whole interval missed, in SQL: due
    since at least an interval ago, so started that long ago with no check-in in the two
    intervals just gone (``checkins.due.due_state``)."""
    interval = timedelta(days=interval_days)
    recent = select(CheckIn.id).where(
        CheckIn.carer_id == Schedule.carer_id,
        CheckIn.instrument_id == Schedule.instrument_id,
        col(CheckIn.submitted_at) > now - 2 * interval,
    )
    return sa.and_(
        col(Schedule.interval_days) == interval_days,
        col(Schedule.starts_at) <= now - interval,
        ~sa.exists(recent),
    )


def carers_behind(
    session: Session,
    user: User,
    *,
    team_queue: bool,
    now: datetime,
    covered: list[int],
    filters: Filters | None = None,
    limit: int = BEHIND_SHOWN,
) -> Behind:
    """Consented carers who have let a whole interval pass without a due check-in, most
    missed first: the first ``limit`` of them, and how many there are. Only schedules behind
    are read (an indexed look-up per schedule), never the team's check-in history."""
    filters = filters or Filters()

    def scoped(*columns: Any) -> Any:
        query = (
            select(*columns)
            .select_from(Schedule)
            .join(Carer, col(Carer.id) == Schedule.carer_id)
            .join(User, col(User.id) == Carer.user_id)
            .join(Family, col(Family.id) == Carer.family_id)
            .where(
                col(Schedule.active).is_(True),
                col(Carer.consented_at).is_not(None),
                col(User.active).is_(True),
            )
        )
        query = caseload_scope(
            query, user, team_queue=team_queue, with_flags=False, covered=covered
        )
        query = family_filters(query, filters)
        if filters.clinician_id is not None:
            query = query.where(Family.assigned_clinician_id == filters.clinician_id)
        return query

    intervals = [
        days for days in session.exec(scoped(Schedule.interval_days).distinct()).all() if days > 0
    ]
    if not intervals:
        return Behind([], 0)
    last = (
        select(sa.func.max(CheckIn.submitted_at))
        .where(
            CheckIn.carer_id == Schedule.carer_id,
            CheckIn.instrument_id == Schedule.instrument_id,
        )
        .scalar_subquery()
    )
    candidates = session.exec(
        scoped(
            Schedule.carer_id, Schedule.instrument_id, Schedule.interval_days,
            Schedule.starts_at, last,
        ).where(sa.or_(*(_missed_one(days, now) for days in intervals)))
    ).all()  # fmt: skip
    behind = []
    for carer_id, instrument_id, interval_days, starts_at, last_at in candidates:
        state = due_state(
            starts_at=starts_at, interval_days=interval_days, last_submitted_at=last_at, now=now
        )
        if state.missed >= 1:
            behind.append((-state.missed, state.next_due_at, carer_id, instrument_id))
    behind.sort()
    shown = behind[:limit]
    people = {
        carer.id: (carer, name, family)
        for carer, name, family in session.exec(
            select(Carer, User.display_name, Family)
            .join(User, col(User.id) == Carer.user_id)
            .join(Family, col(Family.id) == Carer.family_id)
            .where(col(Carer.id).in_({carer_id for _m, _d, carer_id, _i in shown}))
        ).all()
    }
    rows = [
        OverdueCarer(*people[carer_id], instrument_id, next_due_at, -missed)
        for missed, next_due_at, carer_id, instrument_id in shown
    ]
    return Behind(rows, len(behind))
