"""Which restricted records have been kept their full retention period. The worker marks them
for a lead's decision; nothing is ever destroyed automatically (the NHS Records Management
Code of Practice asks for a recorded decision at the end of each period)."""

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, col, select

from parentapp.checkins.models import CheckIn
from parentapp.db import session_scope
from parentapp.families.models import Carer
from parentapp.triage.models import Flag, FlagEvent


def retention_ends(last_entry: datetime, years: int) -> datetime:
    """``years`` after ``last_entry``, on the same day of the year (29 February: 1 March)."""
    try:
        return last_entry.replace(year=last_entry.year + years)
    except ValueError:
        return last_entry.replace(year=last_entry.year + years, month=3, day=1)


def last_entries(session: Session, carer_ids: list[int]) -> dict[int, datetime]:
    """carer id -> the latest moment their record changed: a check-in, a flag event, or the
    closure itself (the retention period runs from the last entry, not from the first)."""
    latest: dict[int, datetime] = {}

    def keep(rows: Iterable[tuple[int | None, datetime | None]]) -> None:
        for carer_id, at in rows:
            if carer_id is None or at is None:
                continue
            if carer_id not in latest or at > latest[carer_id]:
                latest[carer_id] = at

    keep(session.exec(select(Carer.id, Carer.closed_at).where(col(Carer.id).in_(carer_ids))).all())
    keep(
        session.exec(
            select(CheckIn.carer_id, sa.func.max(CheckIn.submitted_at))
            .where(col(CheckIn.carer_id).in_(carer_ids))
            .group_by(col(CheckIn.carer_id))
        ).all()
    )
    keep(
        session.exec(
            select(Flag.carer_id, sa.func.max(FlagEvent.at))
            .join(Flag, col(Flag.id) == FlagEvent.flag_id)
            .where(col(Flag.carer_id).in_(carer_ids))
            .group_by(col(Flag.carer_id))
        ).all()
    )
    return latest


def mark_past_retention(session: Session, now: datetime, years: int) -> int:
    """Mark each restricted record whose period has run out and that no lead has been asked
    about yet; returns how many were marked. Commits."""
    waiting = list(
        session.exec(
            select(Carer).where(
                col(Carer.restricted_at).is_not(None), col(Carer.retention_due_at).is_(None)
            )
        ).all()
    )
    latest = last_entries(session, [c.id or 0 for c in waiting])
    marked = 0
    for carer in waiting:
        last = latest.get(carer.id or 0, carer.restricted_at)
        if last is not None and retention_ends(last, years) <= now:
            carer.retention_due_at = now
            session.add(carer)
            marked += 1
    session.commit()
    return marked


def review_retention(app: Flask, now: datetime) -> str:
    """The worker's job: list the records past retention for the team's leads."""
    years = app.config["PARENTAPP_SETTINGS"].record_retention_years
    with session_scope(app) as session:
        marked = mark_past_retention(session, now, years)
    return f"{marked} restricted record(s) past retention, for a lead's decision"
