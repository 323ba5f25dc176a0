"""Reading the audit log, for administrators."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.audit.models import AuditEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor_email: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    has_next: bool


def audit_page(
    session: Session,
    *,
    action: str | None,
    actor_email: str | None,
    start: datetime | None,
    end: datetime | None,
    page: int,
) -> AuditPage:
    """One page of events, newest first; ``end`` is exclusive. One query: a row past the page
    tells whether there is a next page without counting the whole log."""
    query = select(AuditEvent, User.email).outerjoin(User, col(User.id) == AuditEvent.actor_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_email:
        query = query.where(sa.func.lower(User.email) == actor_email.strip().lower())
    if start is not None:
        query = query.where(AuditEvent.at >= start)
    if end is not None:
        query = query.where(AuditEvent.at < end)
    rows = session.exec(
        query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return AuditPage(
        rows=[AuditRow(event, email) for event, email in rows[:PAGE_SIZE]],
        page=page,
        has_next=len(rows) > PAGE_SIZE,
    )


def known_actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEvent.action).distinct().order_by(col(AuditEvent.action))))
