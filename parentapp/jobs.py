"""Periodic jobs run by the worker. Each job is a function of (app, now) returning an
optional one-line summary of what it did (printed by ``flask jobs run-once``). ``now`` is
passed in, so a test can run the jobs at any moment (a clock advanced to a due-by).
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Flask

from parentapp.db import utcnow

if TYPE_CHECKING:
    from parentapp.notifications.wakeup import OutboxListener

Job = Callable[[Flask, datetime], str | None]
log = logging.getLogger(__name__)


def _expire_login_sessions(app: Flask, now: datetime) -> None:
    """Mark sessions past their absolute lifetime as revoked, so the table shows only live ones."""
    import sqlalchemy as sa

    from parentapp.accounts.models import LoginSession
    from parentapp.db import session_scope

    settings = app.config["PARENTAPP_SETTINGS"]
    cutoff = now - max(settings.carer_absolute_timeout, settings.clinician_absolute_timeout)
    with session_scope(app) as session:
        session.execute(
            sa.update(LoginSession)
            .where(LoginSession.revoked_at.is_(None), LoginSession.created_at < cutoff)  # type: ignore[union-attr]
            .values(revoked_at=now)
        )
        session.commit()


def _escalate_flags(app: Flask, now: datetime) -> str:
    """Escalate urgent flags nobody has acknowledged by their due-by (first: the most urgent)."""
    from parentapp.triage.escalation import escalate_due

    return escalate_due(app, now)


def _escalate_referrals(app: Flask, now: datetime) -> str:
    """Escalate referrals whose next step is overdue (the same ladder as flags)."""
    from parentapp.referrals.escalation import escalate_overdue

    return escalate_overdue(app, now)


def _check_disengagement(app: Flask, now: datetime) -> str:
    """Raise disengagement flags for carers who have stopped checking in."""
    from parentapp.checkins.disengagement import check_disengagement

    return check_disengagement(app, now)


def _queue_digests(app: Flask, now: datetime) -> str:
    """Write each clinician's daily digest email once their team's digest hour has come."""
    from parentapp.db import session_scope
    from parentapp.triage.notices import queue_digests

    with session_scope(app) as session:
        queued = queue_digests(
            session=session, digest_hour=app.config["PARENTAPP_SETTINGS"].digest_hour, now=now
        )
    return f"{queued} digest(s) queued"


def _send_reminders(app: Flask, now: datetime) -> str:
    """Remind carers whose check-in is due (push, else an email queued for the next job)."""
    from parentapp.reminders.jobs import send_reminders

    return send_reminders(app, now)


def _notify_replies(app: Flask, now: datetime) -> str:
    """Tell carers there is a message from their team (push, else an email queued)."""
    from parentapp.replies.jobs import notify_replies

    return notify_replies(app, now)


def _review_retention(app: Flask, now: datetime) -> str:
    """Mark closed accounts' records kept their full retention period, for a lead to decide."""
    from parentapp.closure.retention import review_retention

    return review_retention(app, now)


def _deliver_notifications(app: Flask, now: datetime) -> str:
    """Send due notifications from the outbox (last, so this run's flags and digests go too)."""
    from parentapp.notifications.delivery import deliver_all_due

    return f"{deliver_all_due(app, now=now)} notification(s) delivered"


JOBS: tuple[Job, ...] = (
    _escalate_flags,
    _escalate_referrals,
    _expire_login_sessions,
    _check_disengagement,
    _queue_digests,
    _send_reminders,
    _notify_replies,
    _review_retention,
    _deliver_notifications,
)


def job_name(job: Job) -> str:
    return getattr(job, "__name__", repr(job)).lstrip("_")


def run_jobs_once(
    app: Flask,
    report: Callable[[str, str | None], None] | None = None,
    now: datetime | None = None,
) -> int:
    """Run every periodic job once, all at the same moment ``now`` (default: the clock);
    returns how many finished without an error.

    ``report`` is called after each job with its name and summary. A job that fails is logged
    and reported, and the others still run: one broken job must not stop escalations.
    """
    finished = 0
    moment = now or utcnow()
    with app.app_context():
        for job in JOBS:
            try:
                summary = job(app, moment)
            except Exception:
                log.exception("job %s failed", job_name(job))
                summary = "failed (see the log)"
            else:
                finished += 1
            if report is not None:
                report(job_name(job), summary)
    return finished


def run_worker(
    app: Flask,
    *,
    interval: float,
    should_stop: Callable[[], bool],
    listener: "OutboxListener | None" = None,
    once: bool = False,
    report: Callable[[int], None] | None = None,
) -> None:
    """Run every periodic job each ``interval`` seconds until ``should_stop()`` says so.

    With a ``listener`` (PostgreSQL), the outbox is also delivered the moment the listener is
    woken by newly committed rows, between the periodic runs; those runs keep their schedule
    and remain the fallback while the listener is reconnecting. Without one (SQLite) the
    worker only polls. ``report`` gets each periodic run's count of finished jobs.
    """
    if listener is not None and not once:
        listener.start()
    try:
        while not should_stop():
            finished = run_jobs_once(app)
            if report is not None:
                report(finished)
            if once:
                break
            deadline = time.monotonic() + interval
            while not should_stop():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                # Short slices, so a stop request is seen within half a second.
                if listener is None:
                    time.sleep(min(0.5, remaining))
                elif listener.wait(min(0.5, remaining)):
                    _deliver_now(app)
    finally:
        if listener is not None and not once:
            listener.stop()


def _deliver_now(app: Flask) -> None:
    from parentapp.notifications import delivery

    try:
        delivered = delivery.deliver_all_due(app)
    except Exception:
        log.exception("delivering on a wake-up failed; the next periodic run retries")
    else:
        log.info("woken: %s notification(s) delivered", delivered)
