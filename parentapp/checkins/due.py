"""When a scheduled check-in is due, and how many have been missed. Pure: no Flask, no database."""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class DueState:
    next_due_at: datetime
    is_due: bool
    # Whole intervals that have passed since the check-in fell due without one being done.
    missed: int


def due_state(
    *,
    starts_at: datetime,
    interval_days: int,
    last_submitted_at: datetime | None,
    now: datetime,
    asked_at: datetime | None = None,
) -> DueState:
    """Due ``interval_days`` after the last check-in (or at ``starts_at`` before the first);
    also due from ``asked_at`` (the carer was asked to answer now) until an answer after it.

    Missed counts the due dates that went by without a check-in: a weekly check-in due on
    day 0 and still not done on day 7 has missed 1; on day 14, 2. Being asked now adds no
    missed check-in: it only brings the next one forward.
    """
    interval = timedelta(days=interval_days)
    next_due = (
        starts_at if last_submitted_at is None else max(starts_at, last_submitted_at + interval)
    )
    if (
        asked_at is not None
        and asked_at < next_due
        and (last_submitted_at is None or last_submitted_at < asked_at)
    ):
        return DueState(next_due_at=asked_at, is_due=now >= asked_at, missed=0)
    if now < next_due:
        return DueState(next_due_at=next_due, is_due=False, missed=0)
    missed = int((now - next_due) / interval)
    return DueState(next_due_at=next_due, is_due=True, missed=missed)
