"""Reads for the clinician's flag dashboard: open flags, a page at a time (the carers furthest
behind on check-ins are ``checkins.behind``'s).

Each read is a fixed handful of queries whatever the team's size, and each page holds at most
``PAGE_SIZE`` flags: the page must stay quick with thousands of families.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp import listing
from parentapp.accounts.models import Role, User
from parentapp.families.models import Carer, Family
from parentapp.listing import Filters
from parentapp.triage.models import Flag
from parentapp.triage.vocab import FlagState, Severity

# Flags a page: enough to see a morning's work at a glance, few enough to read.
PAGE_SIZE = 25


@dataclass(frozen=True)
class FlagRow:
    flag: Flag
    carer: Carer
    carer_name: str
    family: Family
    overdue: bool
    # The family is another clinician's, covered by the reader while they are on leave.
    covering: bool = False


def caseload_scope(
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


def family_filters(query: Any, filters: Filters) -> Any:
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
    query = caseload_scope(query, user, team_queue=team_queue, with_flags=True, covered=covered)
    query = family_filters(query, filters)
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
