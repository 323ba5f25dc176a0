"""Reads of flags the rules and their services need: a carer's live flag of a category, the
last one closed, and whether a check-in raised an urgent one."""

from sqlmodel import Session, col, select

from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.vocab import Category, FlagState, Severity

# Events that mean a rule fired on a check-in (as opposed to a clinician acting on the flag).
# "reopened": a new urgent answer on an acknowledged flag, which needs acknowledging again.
TRIGGER_EVENTS = ("opened", "retriggered", "reopened")
# Categories kept per baby: an answer about one baby never merges into another baby's flag.
PER_INFANT_CATEGORIES = frozenset({Category.HARM_TO_BABY.value})


def infant_key(category: str, infant_id: int | None) -> int:
    """The infant part of a live flag's identity: the baby for per-baby categories, else 0."""
    return (infant_id or 0) if category in PER_INFANT_CATEGORIES else 0


def live_flag(
    session: Session,
    carer_id: int,
    category: str,
    *,
    infant: int = 0,
    for_update: bool = False,
) -> Flag | None:
    """The carer's flag of ``category`` (about baby ``infant``, for per-baby categories: see
    ``infant_key``) that is not closed (there is at most one).

    ``for_update`` locks the row on PostgreSQL, so two transactions retriggering the same flag
    take turns instead of losing one count; it also reloads the row if the session holds it.
    """
    query = select(Flag).where(
        Flag.carer_id == carer_id,
        Flag.category == category,
        Flag.infant_key == infant,
        Flag.state != FlagState.CLOSED,
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def last_closed_flag(session: Session, carer_id: int, category: str) -> Flag | None:
    return session.exec(
        select(Flag)
        .where(Flag.carer_id == carer_id, Flag.category == category)
        .where(Flag.state == FlagState.CLOSED)
        .order_by(col(Flag.last_triggered_at).desc(), col(Flag.id).desc())
    ).first()


def raised_urgent_flag(session: Session, checkin_id: int) -> bool:
    """Whether this check-in opened or retriggered an urgent flag."""
    found = session.exec(
        select(Flag.id)
        .join(FlagEvent, col(FlagEvent.flag_id) == Flag.id)
        .where(
            FlagEvent.checkin_id == checkin_id,
            col(FlagEvent.kind).in_(TRIGGER_EVENTS),
            Flag.severity == Severity.URGENT.value,
        )
    ).first()
    return found is not None
