"""Writing the audit log."""

from flask import has_request_context, request
from flask_login import current_user
from sqlmodel import Session

from parentapp.audit.models import AuditEvent
from parentapp.db import get_engine


def client_ip() -> str | None:
    """The caller's address as Flask sees it (ProxyFix applies trusted proxy headers)."""
    return request.remote_addr if has_request_context() else None


def record(
    *,
    session: Session,
    action: str,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Add an event to ``session``; it is committed with the caller's own change."""
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        target_type=target_type,
        target_id=target_id,
        ip_address=client_ip(),
        detail=detail[:255] if detail else None,
    )
    session.add(event)
    return event


def record_now(
    *,
    action: str,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Record an event in its own transaction, for actions that change nothing else
    (a failed login, a refused request) and must be kept even if the request fails."""
    with Session(get_engine()) as session:
        record(
            session=session,
            action=action,
            actor_id=actor_id,
            target_type=target_type,
            target_id=target_id,
            detail=detail,
        )
        session.commit()


def record_view(
    *, session: Session, action: str, actor_id: int | None, target_type: str, target_id: int | None
) -> None:
    """Record that a person opened a record: who, which record and when, never its contents.
    Committed before the page is rendered, so every page shown is on the log."""
    record(
        session=session,
        action=action,
        actor_id=actor_id,
        target_type=target_type,
        target_id=target_id,
    )
    session.commit()


def record_denied(
    *, reason: str, target_type: str | None = None, target_id: int | None = None
) -> None:
    """Record a refused request by the current user (ASVS 16.3.2)."""
    actor = current_user.id if current_user.is_authenticated else None
    path = request.path if has_request_context() else ""
    record_now(
        action="access.denied",
        actor_id=actor,
        target_type=target_type,
        target_id=target_id,
        detail=f"{reason} {request.method if has_request_context() else ''} {path}",
    )
