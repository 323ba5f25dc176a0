"""The reminder job: a reminder when a check-in falls due, one follow-up, then no more.

For each due moment of each schedule a carer gets at most one "first" reminder and one
"follow_up". The Reminder row is written (and committed) before anything is sent, so a second
worker, or the same job run again, finds it and sends nothing: at most once, never twice.
A worker that dies between the two leaves a reminder unsent; the in-app banner still shows
the check-in, and missed check-ins still raise a disengagement flag.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.due import due_state
from parentapp.checkins.models import Schedule
from parentapp.checkins.queries import last_submitted, running_schedules
from parentapp.config import Settings
from parentapp.db import session_scope, utcnow
from parentapp.families.models import Carer, Family
from parentapp.notifications.services import Kind
from parentapp.reminders.models import Reminder
from parentapp.reminders.push import Message, push_else_email
from parentapp.reminders.quiet import in_quiet_hours
from parentapp.teams.models import Team

log = logging.getLogger(__name__)
FIRST = "first"
FOLLOW_UP = "follow_up"
HOME_PATH = "/home"


def current_due_at(schedule: Schedule, last: datetime | None, now: datetime) -> datetime | None:
    """The due moment the carer should be reminded of now, or None when nothing is due.

    A check-in missed for a whole interval is due again at the next interval (a weekly one
    left undone is due again a week later), so each interval gets its own reminders.
    """
    state = due_state(
        starts_at=schedule.starts_at,
        interval_days=schedule.interval_days,
        last_submitted_at=last,
        now=now,
        asked_at=schedule.asked_at,
    )
    if not state.is_due:
        return None
    return state.next_due_at + state.missed * timedelta(days=schedule.interval_days)


def next_kind(sent: dict[str, Reminder], now: datetime, follow_up: timedelta) -> str | None:
    """Which reminder is owed for one due moment, given those already sent for it."""
    first = sent.get(FIRST)
    if first is None:
        return FIRST
    if FOLLOW_UP in sent or now - first.sent_at < follow_up:
        return None
    return FOLLOW_UP


@dataclass(frozen=True)
class Owed:
    schedule_id: int
    due_at: datetime
    kind: str


def _sent(session: Session, schedule_id: int, due_at: datetime) -> dict[str, Reminder]:
    rows = session.exec(
        select(Reminder).where(Reminder.schedule_id == schedule_id, Reminder.due_at == due_at)
    ).all()
    return {row.kind: row for row in rows}


def owed_reminders(
    session: Session, carer: Carer, schedules: list[Schedule], now: datetime, follow_up: timedelta
) -> list[Owed]:
    last = last_submitted(session, carer.id or 0)
    owed = []
    for schedule in schedules:
        due_at = current_due_at(schedule, last.get(schedule.instrument_id), now)
        if due_at is None:
            continue
        kind = next_kind(_sent(session, schedule.id or 0, due_at), now, follow_up)
        if kind is not None:
            owed.append(Owed(schedule.id or 0, due_at, kind))
    return owed


def _claim(session: Session, carer: Carer, owed: list[Owed], now: datetime) -> list[Reminder]:
    """Write each owed Reminder in its own transaction; the ones this run may send.

    A row another worker wrote first fails the unique constraint: that reminder is theirs.
    """
    claimed = []
    for item in owed:
        row = Reminder(
            carer_id=carer.id or 0,
            schedule_id=item.schedule_id,
            due_at=item.due_at,
            kind=item.kind,
            channel="none",
            sent_at=now,
        )
        session.add(row)
        try:
            session.commit()
        except sa.exc.IntegrityError:
            session.rollback()
            continue
        claimed.append(row)
    return claimed


def message_for(user: User, team: Team, follow_up: bool) -> Message:
    """The push message, in the carer's language: nothing about how they are or why."""
    with force_locale(user.locale or "en"):
        title = team.discreet_name or _("Parent check-in")
        body = (
            _("A reminder: your check-in is still waiting for you.")
            if follow_up
            else _("Your check-in is ready.")
        )
    return Message(title=title, body=body, url=HOME_PATH)


def _send(
    session: Session,
    settings: Settings,
    *,
    user: User,
    team: Team,
    claimed: list[Reminder],
    now: datetime,
) -> str:
    """One message for everything claimed for this carer; by push, else an email. The channel."""
    follow_up = all(row.kind == FOLLOW_UP for row in claimed)
    channel = push_else_email(
        session=session,
        settings=settings,
        user_id=user.id or 0,
        message=message_for(user, team, follow_up),
        kind=Kind.REMINDER,
        payload={"follow_up": follow_up},
        now=now,
    )
    for row in claimed:
        row.channel = channel
        session.add(row)
    session.commit()
    return channel


def _by_carer(
    rows: list[tuple[Schedule, Carer, Family, Team]],
) -> list[tuple[Carer, Team, list[Schedule]]]:
    grouped = []
    for _carer_id, group in groupby(rows, key=lambda row: row[1].id):
        members = list(group)
        grouped.append((members[0][1], members[0][3], [row[0] for row in members]))
    return grouped


def remind_carer(
    *,
    session: Session,
    settings: Settings,
    carer: Carer,
    team: Team,
    schedules: list[Schedule],
    now: datetime,
) -> str | None:
    """Send what one carer is owed now, unless in their quiet hours; the channel used."""
    if not carer.reminders_enabled:
        return None
    user = session.get(User, carer.user_id)
    if user is None or not user.active:
        return None
    zone = user.time_zone or team.time_zone
    if in_quiet_hours(now, carer.quiet_start, carer.quiet_end, zone):
        return None  # owed reminders wait: the first run after quiet hours end sends them
    owed = owed_reminders(session, carer, schedules, now, settings.reminder_follow_up)
    if not owed:
        return None
    claimed = _claim(session, carer, owed, now)
    if not claimed:
        return None
    return _send(session, settings, user=user, team=team, claimed=claimed, now=now)


def send_reminders(app: Flask, now: datetime | None = None) -> str:
    """Remind every consenting, active carer with reminders on whose check-in is due."""
    now = now or utcnow()
    settings: Settings = app.config["PARENTAPP_SETTINGS"]
    counts = {"push": 0, "email": 0}
    failed = 0
    with session_scope(app) as session:
        for carer, team, schedules in _by_carer(running_schedules(session)):
            try:
                channel = remind_carer(
                    session=session,
                    settings=settings,
                    carer=carer,
                    team=team,
                    schedules=schedules,
                    now=now,
                )
            except Exception:
                session.rollback()
                log.exception("reminders failed for carer %s", carer.id)
                failed += 1
                continue
            if channel in counts:
                counts[channel] += 1
    summary = f"{counts['push']} reminder(s) pushed, {counts['email']} by email"
    return summary + (f", {failed} carer(s) failed (see the log)" if failed else "")


def reminders_sent(session: Session, schedule_id: int) -> list[Reminder]:
    """A schedule's reminders, oldest first (for the tests and support questions)."""
    return list(
        session.exec(
            select(Reminder)
            .where(Reminder.schedule_id == schedule_id)
            .order_by(col(Reminder.sent_at), col(Reminder.id))
        ).all()
    )
