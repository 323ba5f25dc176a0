"""Escalation: an urgent flag nobody has acknowledged by its due-by goes to the team's duty
clinician, then (still unacknowledged) to the team lead, or to every clinician of a team
without one. It never leaves the team (see ``triage.reach``). Every step is a flag event, an audit
entry and a notification (in-app and email) to each person it reaches."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

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
T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    level: int
    recipient_ids: list[int]


def next_step(session: Session, flag: Flag, team: Team, now: datetime) -> Step:
    """Who the flag goes to next (``next_step_for`` with the flag's owner and level)."""
    return next_step_for(session, team, now, holder_id=flag.owner_id, level=flag.escalation_level)


def next_step_for(
    session: Session, team: Team, now: datetime, *, holder_id: int | None, level: int
) -> Step:
    """Who something at escalation ``level``, held by ``holder_id`` (or nobody yet), goes to
    next. The duty clinician is skipped when there is none, or when they are the one already
    holding it; a team with no lead goes to every active clinician of the team. Nobody at all
    only when the team has no active clinician left."""
    assert team.id is not None
    covers = covers_today(session, team, now)
    holder = route(holder_id, covers) if holder_id is not None else None
    if level < TO_DUTY:
        duty = duty_clinician(session, team.id)
        duty_id = route(duty.id, covers) if duty is not None and duty.id is not None else None
        if duty_id is not None and duty_id != holder:
            return Step(TO_DUTY, [duty_id])
    besides = frozenset({holder}) if holder is not None else frozenset()
    return Step(TO_LEAD, leads_or_team(session, team, now, besides=besides))


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


@dataclass(frozen=True)
class Ladder(Generic[T]):
    """One kind of thing that escalates when nobody acts on it by its due-by (flags,
    referrals): where to find candidates, how to lock and reread one, when it is due its next
    step, and how to take that step (flushes; ``run_ladder`` commits)."""

    candidates: Callable[[Session, datetime], list[int]]
    load: Callable[[Session, int], tuple[T, Team] | None]
    due_at: Callable[[T, Team], datetime | None]
    escalate: Callable[[Session, T, Team, datetime], Step]
    what: str


def run_ladder(app: Flask, ladder: "Ladder[T]", now: datetime) -> dict[int, int]:
    """Escalate every candidate whose next escalation time has come; one commit each.

    Each is re-read under a row lock (PostgreSQL) before it is changed, so two workers cannot
    both escalate it: the second sees the first's step and waits for the next one. Returns how
    many went to each level, and under key 0 how many failed (logged).
    """
    counts = {0: 0, TO_DUTY: 0, TO_LEAD: 0}
    with session_scope(app) as session:
        for item_id in ladder.candidates(session, now):
            try:
                loaded = ladder.load(session, item_id)
                if loaded is None:
                    continue
                item, team = loaded
                due = ladder.due_at(item, team)
                if due is None or due > now:
                    session.rollback()
                    continue
                step = ladder.escalate(session, item, team, now)
                session.commit()
            except Exception:
                session.rollback()
                app.logger.exception("escalating %s %s failed", ladder.what, item_id)
                counts[0] += 1
                continue
            counts[step.level] += 1
    return counts


def _load_flag(session: Session, flag_id: int) -> tuple[Flag, Team] | None:
    flag = session.get(Flag, flag_id, with_for_update=True, populate_existing=True)
    team = session.get(Team, flag.team_id) if flag is not None else None
    return (flag, team) if flag is not None and team is not None else None


FLAGS: Ladder[Flag] = Ladder(
    candidates=_candidates,
    load=_load_flag,
    due_at=next_escalation_at,
    escalate=escalate,
    what="flag",
)


def summary(counts: dict[int, int], what: str) -> str:
    """One line for ``flask jobs run-once``: how many went where, and how many failed."""
    line = (
        f"{counts[TO_DUTY]} {what}(s) escalated to the duty clinician, "
        f"{counts[TO_LEAD]} to the lead"
    )
    return line + (f", {counts[0]} failed (see the log)" if counts[0] else "")


def escalate_due(app: Flask, now: datetime | None = None) -> str:
    """Escalate every urgent flag whose next escalation time has come; one commit per flag."""
    return summary(run_ladder(app, FLAGS, now or utcnow()), "flag")
