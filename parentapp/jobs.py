"""Periodic jobs run by the worker. Each job is a function of (app) returning nothing.

Later domains register their jobs here (escalation, disengagement, reminders, digests).
"""

from collections.abc import Callable

from flask import Flask

from parentapp.db import utcnow

Job = Callable[[Flask], None]


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


JOBS: tuple[Job, ...] = (_expire_login_sessions,)


def run_jobs_once(app: Flask) -> int:
    """Run every periodic job once; returns how many ran."""
    with app.app_context():
        for job in JOBS:
            job(app)
    return len(JOBS)
