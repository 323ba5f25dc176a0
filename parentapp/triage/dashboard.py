"""Reads for the clinician's flag dashboard: open flags, a page at a time, and the carers
furthest behind on check-ins.

Each read is a fixed handful of queries whatever the team's size, and each page holds at most
``PAGE_SIZE`` flags: the page must stay quick with thousands of families.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp import listing
from parentapp.accounts.models import Role, User
from parentapp.checkins.due import due_state
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.families.models import Carer, Family
from parentapp.listing import Filters
from parentapp.triage.models import Flag
from parentapp.triage.vocab import FlagState, Severity

# Flags a page: enough to see a morning's work at a glance, few enough to read.
PAGE_SIZE = 25
# Carers behind on check-ins listed (most missed first); the rest are counted.
BEHIND_SHOWN = 25


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


def _is_overdue(flag: Flag, now: datetime) -> bool:
    return flag.due_at is not None and flag.due_at < now


# The queue's order: urgent first, then by due-by (none last), then oldest first, then id.
# Every urgent flag comes first, and every overdue one straight after the urgent ones: an
# overdue flag's due-by is earlier than that of any flag not yet due, so urgent and overdue
# flags fill the first pages before any other (tests/triage/test_flag_pages.py).
FLAG_ORDER = (
    listing.Key(sa.case((col(Flag.severity) == Severity.URGENT.value, 0), else_=1)),
    listing.Key(col(Flag.due_at), nullable=True),
    listing.Key(col(Flag.opened_at)),
    listing.Key(col(Flag.id)),
)
_CURSOR = ((int, False), (datetime, True), (datetime, False), (int, False))


def flag_cursor(token: str) -> tuple[listing.Value, ...]:
    """The sort key a flag-page cursor carries.

    :raises listing.BadCursor: not a cursor of this list.
    """
    values = listing.decode(token, _CURSOR)
    if values[0] not in (0, 1):
        raise listing.BadCursor(token[:20])
    return values


def _family_filters(query: Any, filters: Filters) -> Any:
    if filters.search:
        query = query.where(listing.contains_text(col(Family.label), filters.search))
    return query


def open_flags(
    session: Session,
    user: User,
    *,
    team_queue: bool,
    now: datetime,
    covered: list[int],
    filters: Filters | None = None,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
) -> listing.Page[FlagRow]:
    """One page of the flags not closed, in ``FLAG_ORDER``: the first, or the one after (or
    before) the cursor ``after`` (``before``). ``covered``: clinicians on leave whose families
    ``user`` covers today. The team scope is in the query, whatever a cursor says.

    :raises listing.BadCursor: a cursor that is not one of this list's.
    """
    filters = filters or Filters()
    query = (
        select(Flag, Carer, User.display_name, Family)
        .join(Carer, col(Carer.id) == Flag.carer_id)
        .join(User, col(User.id) == Carer.user_id)
        .join(Family, col(Family.id) == Flag.family_id)
        .where(Flag.team_id == user.team_id, Flag.state != FlagState.CLOSED)
    )
    query = _scope(query, user, team_queue=team_queue, with_flags=True, covered=covered)
    query = _family_filters(query, filters)
    if filters.clinician_id is not None:
        query = query.where(
            sa.or_(
                col(Family.assigned_clinician_id) == filters.clinician_id,
                col(Flag.owner_id) == filters.clinician_id,
            )
        )
    if filters.severity:
        query = query.where(Flag.severity == filters.severity)
    if filters.overdue:
        query = query.where(col(Flag.due_at) < now)
    page = listing.fetch(
        session,
        query,
        FLAG_ORDER,
        size=size,
        after=flag_cursor(after) if after else None,
        before=flag_cursor(before) if before else None,
    )
    rows = [
        FlagRow(
            flag=flag,
            carer=carer,
            carer_name=name,
            family=family,
            overdue=_is_overdue(flag, now),
            covering=family.assigned_clinician_id in covered,
        )
        for flag, carer, name, family in page.rows
    ]
    return dataclasses.replace(page, rows=rows)


def more_pressing_follow(page: listing.Page[FlagRow]) -> bool:
    """Whether urgent or overdue flags go on past this page (its last flag is one, and more
    flags follow): the page says so, so nobody takes page 1 for all of them."""
    if not page.has_next or not page.rows:
        return False
    last = page.rows[-1]
    return last.flag.severity == Severity.URGENT.value or last.overdue


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
        query = _scope(query, user, team_queue=team_queue, with_flags=False, covered=covered)
        query = _family_filters(query, filters)
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
