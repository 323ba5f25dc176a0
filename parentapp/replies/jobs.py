"""The reply job: tells each carer, once, that there is a message from their team.

Push when a browser of theirs takes it, an email otherwise; the same neutral sentence either
way, never the message, never a clinical word (the phone may be locked and seen by anyone).
The carer's reminder settings apply: reminders off means no nudge (the message waits in the
app), and quiet hours delay it until they end. Each reply is claimed (``notified_at`` set and
committed) before anything is sent, so two workers never both send it.
"""

import logging
from datetime import datetime

import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.config import Settings
from parentapp.db import session_scope, utcnow
from parentapp.families.models import Carer, Family
from parentapp.notifications.services import Kind
from parentapp.reminders.push import Message, push_else_email
from parentapp.reminders.quiet import in_quiet_hours
from parentapp.replies.models import Reply
from parentapp.teams.models import Team

log = logging.getLogger(__name__)
MESSAGES_PATH = "/messages"


def message_for(user: User, team: Team) -> Message:
    """The push message in the carer's language, under the team's discreet name if any."""
    with force_locale(user.locale or "en"):
        title = team.discreet_name or _("Parent check-in")
        body = _("You have a message from your team")
    return Message(title=title, body=body, url=MESSAGES_PATH)


def _claim(session: Session, replies: list[Reply], now: datetime, how: str) -> list[int]:
    """Mark each reply told (``how``) unless another worker did first; the ids this run owns."""
    owned = []
    for reply in replies:
        result = session.execute(
            sa.update(Reply)
            .where(col(Reply.id) == reply.id, col(Reply.notified_at).is_(None))
            .values(notified_at=now, notified_by=how)
        )
        if int(result.rowcount):  # type: ignore[attr-defined]
            owned.append(reply.id or 0)
    session.commit()
    return owned


def notify_carer(
    *,
    session: Session,
    settings: Settings,
    carer: Carer,
    team: Team,
    replies: list[Reply],
    now: datetime,
) -> str | None:
    """Tell one carer about their untold replies: "push", "email", "none", or None (wait)."""
    user = session.get(User, carer.user_id)
    unread = [r for r in replies if r.read_at is None]
    if user is None or not user.active or not carer.reminders_enabled or not unread:
        # Nobody to tell, they asked for no nudges, or they have already read it in the app.
        _claim(session, replies, now, "none")
        return "none"
    if in_quiet_hours(now, carer.quiet_start, carer.quiet_end, user.time_zone or team.time_zone):
        return None
    owned = _claim(session, replies, now, "pending")
    if not owned:
        return None
    how = push_else_email(
        session=session,
        settings=settings,
        user_id=user.id or 0,
        message=message_for(user, team),
        kind=Kind.TEAM_MESSAGE,
        payload={},
        now=now,
    )
    session.execute(
        sa.update(Reply)
        .where(col(Reply.id).in_(owned), col(Reply.notified_by) == "pending")
        .values(notified_by=how)
    )
    session.commit()
    return how


def notify_replies(app: Flask, now: datetime | None = None) -> str:
    """Tell every carer with an untold reply that there is a message from their team."""
    now = now or utcnow()
    settings: Settings = app.config["PARENTAPP_SETTINGS"]
    counts = {"push": 0, "email": 0}
    failed = 0
    with app.app_context(), session_scope(app) as session:
        rows = session.exec(
            select(Reply, Carer, Team)
            .join(Carer, col(Carer.id) == Reply.carer_id)
            .join(Family, col(Family.id) == Carer.family_id)
            .join(Team, col(Team.id) == Family.team_id)
            .where(col(Reply.notified_at).is_(None))
            .order_by(col(Reply.carer_id), col(Reply.id))
        ).all()
        by_carer: dict[int, tuple[Carer, Team, list[Reply]]] = {}
        for reply, carer, team in rows:
            by_carer.setdefault(carer.id or 0, (carer, team, []))[2].append(reply)
        for carer, team, replies in by_carer.values():
            try:
                how = notify_carer(
                    session=session,
                    settings=settings,
                    carer=carer,
                    team=team,
                    replies=replies,
                    now=now,
                )
            except Exception:
                session.rollback()
                log.exception("telling carer %s of a reply failed", carer.id)
                failed += 1
                continue
            if how in counts:
                counts[how] += 1
    summary = f"{counts['push']} carer(s) told of a message by push, {counts['email']} by email"
    return summary + (f", {failed} failed (see the log)" if failed else "")
