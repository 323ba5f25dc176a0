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
    *, starts_at: datetime, interval_days: int, last_submitted_at: datetime | None, now: datetime
) -> DueState:
    """Due ``interval_days`` after the last check-in (or at ``starts_at`` before the first).

    Missed counts the due dates that went by without a check-in: a weekly check-in due on
    day 0 and still not done on day 7 has missed 1; on day 14, 2.
    """
    interval = timedelta(days=interval_days)
    next_due = (
        starts_at if last_submitted_at is None else max(starts_at, last_submitted_at + interval)
    )
    if now < next_due:
        return DueState(next_due_at=next_due, is_due=False, missed=0)
    missed = int((now - next_due) / interval)
    return DueState(next_due_at=next_due, is_due=True, missed=missed)
