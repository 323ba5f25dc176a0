"""Periodic jobs run by the worker. Each job is a function of (app) returning an optional
one-line summary of what it did (printed by ``flask jobs run-once``).

Later domains register their jobs here (escalation, disengagement, reminders, digests).
"""

import logging
from collections.abc import Callable

from flask import Flask

from parentapp.db import utcnow

Job = Callable[[Flask], str | None]
log = logging.getLogger(__name__)


def _expire_login_sessions(app: Flask) -> None:
    """Mark sessions past their absolute lifetime as revoked, so the table shows only live ones."""
    import sqlalchemy as sa

    from parentapp.accounts.models import LoginSession
    from parentapp.db import session_scope

    settings = app.config["PARENTAPP_SETTINGS"]
    cutoff = utcnow() - max(settings.carer_absolute_timeout, settings.clinician_absolute_timeout)
    with session_scope(app) as session:
        session.execute(
            sa.update(LoginSession)
            .where(LoginSession.revoked_at.is_(None), LoginSession.created_at < cutoff)  # type: ignore[union-attr]
            .values(revoked_at=utcnow())
        )
        session.commit()


def _check_disengagement(app: Flask) -> str:
    """Raise disengagement flags for carers who have stopped checking in."""
    from parentapp.triage.jobs import check_disengagement

    return check_disengagement(app)


def _queue_digests(app: Flask) -> str:
    """Write each clinician's daily digest email once their team's digest hour has come."""
    from parentapp.db import session_scope
    from parentapp.notifications.services import queue_digests

    with session_scope(app) as session:
        queued = queue_digests(
            session=session, digest_hour=app.config["PARENTAPP_SETTINGS"].digest_hour
        )
    return f"{queued} digest(s) queued"


def _deliver_notifications(app: Flask) -> str:
    """Send due notifications from the outbox (last, so this run's flags and digests go too)."""
    from parentapp.notifications.delivery import deliver_all_due

    return f"{deliver_all_due(app)} notification(s) delivered"


JOBS: tuple[Job, ...] = (
    _expire_login_sessions,
    _check_disengagement,
    _queue_digests,
    _deliver_notifications,
)


def job_name(job: Job) -> str:
    return getattr(job, "__name__", repr(job)).lstrip("_")


def run_jobs_once(app: Flask, report: Callable[[str, str | None], None] | None = None) -> int:
    """Run every periodic job once; returns how many finished without an error.

    ``report`` is called after each job with its name and summary. A job that fails is logged
    and reported, and the others still run: one broken job must not stop escalations.
    """
    finished = 0
    with app.app_context():
        for job in JOBS:
            try:
                summary = job(app)
            except Exception:
                log.exception("job %s failed", job_name(job))
                summary = "failed (see the log)"
            else:
                finished += 1
            if report is not None:
                report(job_name(job), summary)
    return finished
