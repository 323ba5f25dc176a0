"""Writing notifications: outbox rows added in the caller's transaction, of any kind. What a
flag's notices say and to whom is triage's (``triage.notices``)."""

import enum
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from parentapp.accounts.models import User
from parentapp.db import utcnow
from parentapp.notifications.models import Channel, Notification


class Kind(enum.StrEnum):
    FLAG_OPENED = "flag_opened"
    # A live flag's severity was raised to urgent by a later check-in.
    FLAG_URGENT = "flag_urgent"
    # Another urgent answer on a live urgent flag (re-opened if it had been acknowledged).
    FLAG_REPEAT = "flag_repeat"
    FLAG_ESCALATED = "flag_escalated"
    # A family was reassigned: its live flags are now this clinician's.
    FLAG_REASSIGNED = "flag_reassigned"
    DIGEST = "digest"
    # To a carer: a check-in is due (the email fallback of a push reminder).
    REMINDER = "reminder"
    # To a carer: a clinician replied to a check-in (the email fallback of the push; it says
    # only that there is a message from their team, never what it says).
    TEAM_MESSAGE = "team_message"
    # To anyone: their second factor was reset by a lead or an administrator.
    FACTOR_RESET = "factor_reset"
    # To anyone: the link to reset a forgotten password (payload: the sealed token).
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind, not a password
    # To a referrer: their referral moved a step (payload: its number and the step; for a
    # decline, the reason's code and where the family was pointed). No clinical details.
    REFERRAL_STEP = "referral_step"
    # To the duty clinician and leads: a referral arrived (payload: its number, urgency).
    REFERRAL_RECEIVED = "referral_received"
    # To the duty clinician, then the lead: a referral's next step is overdue.
    REFERRAL_OVERDUE = "referral_overdue"
    # To a professional outside the team, about a carer: the link to a share (payload: the
    # sealed token and the sealed address, the language, the team's name; the carer is the
    # row's recipient, whom it is about).
    SHARE_LINK = "share_link"
    # To a clinician: a carer asked the team to invite another carer (payload: the family id).
    COPARENT_REQUESTED = "coparent_requested"
    # To the asking carer, in the app: the team decided (payload: the request id).
    COPARENT_DECIDED = "coparent_decided"
    # To someone with no account yet: their invitation code (an approved co-parent request,
    # an accepted referral). The row's recipient is the clinician who issued it; the address,
    # name and code are sealed in the payload (``families.services.email_invitation``).
    INVITATION = "invitation"


def enqueue(
    *,
    session: Session,
    recipient_id: int,
    kind: Kind,
    channels: Sequence[Channel],
    payload: dict[str, object],
    now: datetime,
    flag_id: int | None = None,
    created_at: datetime | None = None,
) -> list[Notification]:
    """Add one outbox row per channel for ``recipient_id``, due at ``now``; flushes, never
    commits (the rows land with the change that caused them, or not at all)."""
    rows = [
        Notification(
            recipient_id=recipient_id,
            channel=channel.value,
            kind=kind.value,
            flag_id=flag_id,
            payload=payload,
            deliver_after=now,
        )
        for channel in channels
    ]
    for row in rows:
        if created_at is not None:
            row.created_at = created_at  # a job run for a given moment (the digest's day)
    session.add_all(rows)
    session.flush()
    return rows


def mark_all_read(*, session: Session, user: User, now: datetime | None = None) -> int:
    """Mark every unread in-app notification of ``user`` read; commits; how many changed."""
    now = now or utcnow()
    result = session.execute(
        sa.update(Notification)
        .where(
            col(Notification.recipient_id) == user.id,
            col(Notification.channel) == Channel.IN_APP.value,
            col(Notification.read_at).is_(None),
        )
        .values(read_at=now)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def backoff(attempts: int) -> timedelta:
    """Wait before retry number ``attempts``: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


__all__ = ["Kind", "backoff", "enqueue", "mark_all_read"]
