"""Reading a clinician's in-app notifications."""

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.notifications.models import Channel, Notification

LIST_LIMIT = 100


def in_app_notifications(session: Session, user_id: int) -> list[Notification]:
    """The newest in-app notifications of one user, newest first."""
    query = (
        select(Notification)
        .where(
            col(Notification.recipient_id) == user_id,
            col(Notification.channel) == Channel.IN_APP.value,
        )
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(LIST_LIMIT)
    )
    return list(session.exec(query).all())


def unread_count(session: Session, user_id: int) -> int:
    """How many in-app notifications the user has not read: one indexed count."""
    query = select(sa.func.count()).where(
        col(Notification.recipient_id) == user_id,
        col(Notification.channel) == Channel.IN_APP.value,
        col(Notification.read_at).is_(None),
    )
    return int(session.exec(query).one())
