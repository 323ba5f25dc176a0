"""Escalation: an urgent flag nobody has acknowledged by its due-by goes to the team's duty
clinician, then (still unacknowledged) to the team lead, or to every clinician of a team
without one. It never leaves the team (see ``triage.reach``). Every step is a flag event, an audit
entry and a notification (in-app and email) to each person it reaches."""

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, col, select

from parentapp.audit.services import record
from parentapp.db import session_scope, utcnow
from parentapp.leave.services import route
from parentapp.teams.models import Team
from parentapp.teams.queries import duty_clinician
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.notices import notify_escalation
from parentapp.triage.reach import covers_today, leads_or_team
from parentapp.triage.response import TO_DUTY, TO_LEAD, next_escalation_at
from parentapp.triage.vocab import Category, FlagState, Severity

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    level: int
    recipient_ids: list[int]


def next_step(session: Session, flag: Flag, team: Team, now: datetime) -> Step:
    """Who the flag goes to next. The duty clinician is skipped when there is none, or when
    they are the one already holding the flag; a team with no lead goes to every active
    clinician of the team. Nobody at all only when the team has no active clinician left."""
    assert team.id is not None
    covers = covers_today(session, team, now)
    holder = route(flag.owner_id, covers)
    if flag.escalation_level < TO_DUTY:
        duty = duty_clinician(session, team.id)
        duty_id = route(duty.id, covers) if duty is not None and duty.id is not None else None
        if duty_id is not None and duty_id != holder:
            return Step(TO_DUTY, [duty_id])
    return Step(TO_LEAD, leads_or_team(session, team, now, besides=frozenset({holder})))


def escalate(session: Session, flag: Flag, team: Team, now: datetime) -> Step:
    """Move ``flag`` one escalation step on; flushes (the caller commits)."""
    assert flag.id is not None
    step = next_step(session, flag, team, now)
    flag.escalation_level = step.level
    flag.escalated_at = now
    session.add(flag)
    session.add(
        FlagEvent(
            flag_id=flag.id,
            at=now,
            kind="escalated",
            level=step.level,
            recipient_ids=step.recipient_ids,
        )
    )
    record(
        session=session,
        action="flag.escalated",
        target_type="flag",
        target_id=flag.id,
        detail=f"level {step.level} to user(s) {', '.join(map(str, step.recipient_ids)) or 'none'}",
    )
    if not step.recipient_ids:
        # Only a team with no active clinician gets here; the admin page lists it too.
        log.error("flag %s: nobody active in team %s to escalate to", flag.id, team.id)
    notify_escalation(
        session=session, flag=flag, recipient_ids=step.recipient_ids, level=step.level, now=now
    )
    return step


def _candidates(session: Session, now: datetime) -> list[int]:
    """Open flags that may be due a step: urgent ones, and requests to be contacted (the carer
    was told by when someone would be in touch, so nobody answering is as serious)."""
    rows = session.exec(
        select(Flag.id)
        .where(
            Flag.state == FlagState.OPEN.value,
            sa.or_(
                col(Flag.severity) == Severity.URGENT.value,
                col(Flag.category) == Category.CONTACT_REQUEST.value,
            ),
            col(Flag.escalation_level) < TO_LEAD,
            col(Flag.due_at) <= now,
        )
        .order_by(col(Flag.due_at), col(Flag.id))
    ).all()
    return [i for i in rows if i is not None]


def escalate_due(app: Flask, now: datetime | None = None) -> str:
    """Escalate every urgent flag whose next escalation time has come; one commit per flag.

    Each flag is re-read under a row lock (PostgreSQL) before it is changed, so two workers
    cannot both escalate it: the second sees the first's step and waits for the next one.
    """
    now = now or utcnow()
    counts = {TO_DUTY: 0, TO_LEAD: 0}
    failed = 0
    with session_scope(app) as session:
        for flag_id in _candidates(session, now):
            try:
                flag = session.get(Flag, flag_id, with_for_update=True, populate_existing=True)
                team = session.get(Team, flag.team_id) if flag is not None else None
                if flag is None or team is None:
                    continue
                due = next_escalation_at(flag, team)
                if due is None or due > now:
                    session.rollback()
                    continue
                step = escalate(session, flag, team, now)
                session.commit()
            except Exception:
                session.rollback()
                app.logger.exception("escalating flag %s failed", flag_id)
                failed += 1
                continue
            counts[step.level] += 1
    summary = (
        f"{counts[TO_DUTY]} flag(s) escalated to the duty clinician, {counts[TO_LEAD]} to the lead"
    )
    return summary + (f", {failed} failed (see the log)" if failed else "")
