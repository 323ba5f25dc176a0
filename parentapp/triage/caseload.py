"""The family list of a clinician's team, a page at a time: the clinician's own families
first, then the rest, each by name.

A page is one query for its families (with their clinicians' names) and two for what the list
shows of them (carers joined, babies' names), whatever the team's size or the page's depth.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp import listing
from parentapp.accounts.models import User
from parentapp.families.models import Carer, Family, Infant
from parentapp.listing import Filters
from parentapp.triage.models import Flag
from parentapp.triage.vocab import FlagState

# Families a page: a clinician's whole caseload usually fits on the first.
PAGE_SIZE = 50


@dataclass(frozen=True)
class FamilyRow:
    family: Family
    clinician_name: str
    carer_count: int
    infant_names: list[str]
    # Assigned to the reader (listed first, in a table of their own).
    mine: bool


def _order(reader_id: int) -> tuple[listing.Key, ...]:
    return (
        listing.Key(sa.case((col(Family.assigned_clinician_id) == reader_id, 0), else_=1)),
        listing.Key(col(Family.label)),
        listing.Key(col(Family.id)),
    )


_CURSOR = ((int, False), (str, False), (int, False))


def family_cursor(token: str) -> tuple[listing.Value, ...]:
    """The sort key a family-page cursor carries.

    :raises listing.BadCursor: not a cursor of this list.
    """
    values = listing.decode(token, _CURSOR)
    if values[0] not in (0, 1):
        raise listing.BadCursor(token[:20])
    return values


def _has_overdue_flag(now: datetime) -> Any:
    # A flag of the family's still open past its due-by: the family needs someone today.
    return sa.exists(
        select(Flag.id).where(
            Flag.family_id == Family.id,
            Flag.state != FlagState.CLOSED,
            col(Flag.due_at) < now,
        )
    )


def family_page(
    session: Session,
    reader: User,
    *,
    now: datetime,
    filters: Filters | None = None,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
) -> listing.Page[FamilyRow]:
    """One page of the families of ``reader``'s team: the first, or the one after (before) the
    cursor ``after`` (``before``). ``filters.overdue`` keeps the families with an overdue flag;
    a severity filter has no meaning for a family and is not applied. The team is in the
    query, whatever a cursor or filter says.

    :raises listing.BadCursor: a cursor that is not one of this list's.
    """
    filters = filters or Filters()
    query = (
        select(Family, User.display_name)
        .join(User, col(User.id) == Family.assigned_clinician_id)
        .where(Family.team_id == (reader.team_id or 0))
    )
    if filters.search:
        query = query.where(listing.contains_text(col(Family.label), filters.search))
    if filters.clinician_id is not None:
        query = query.where(Family.assigned_clinician_id == filters.clinician_id)
    if filters.overdue:
        query = query.where(_has_overdue_flag(now))
    page = listing.fetch(
        session,
        query,
        _order(reader.id or 0),
        size=size,
        after=family_cursor(after) if after else None,
        before=family_cursor(before) if before else None,
    )
    ids = {family.id for family, _name in page.rows}
    carers: dict[int, int] = {}
    infants: dict[int, list[str]] = {}
    if ids:
        carers = dict(
            session.exec(
                select(Carer.family_id, sa.func.count())
                .where(col(Carer.family_id).in_(ids), col(Carer.closed_at).is_(None))
                .group_by(col(Carer.family_id))
            ).all()
        )
        for family_id, name in session.exec(
            select(Infant.family_id, Infant.name)
            .where(col(Infant.family_id).in_(ids))
            .order_by(col(Infant.id))
        ):
            infants.setdefault(family_id, []).append(name)
    rows = [
        FamilyRow(
            family=family,
            clinician_name=name,
            carer_count=carers.get(family.id or 0, 0),
            infant_names=infants.get(family.id or 0, []),
            mine=family.assigned_clinician_id == reader.id,
        )
        for family, name in page.rows
    ]
    return dataclasses.replace(page, rows=rows)
