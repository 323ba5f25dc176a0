"""Overdue referrals escalate like urgent flags, on the same ladder (``triage.escalation``):
past its due-by, a referral goes to the duty clinician, then (still not moved on) to the lead.
Only the candidates, the holder and the notice are a referral's own."""

from datetime import datetime

from flask import Flask
from sqlmodel import Session, col, select

from parentapp.audit.services import record
from parentapp.db import utcnow
from parentapp.families.models import Family
from parentapp.referrals.models import Referral
from parentapp.referrals.notices import tell_overdue
from parentapp.referrals.queries import OPEN_STATES
from parentapp.teams.models import Team
from parentapp.triage.escalation import Ladder, Step, next_step_for, run_ladder, summary
from parentapp.triage.response import TO_LEAD, escalation_due_at


def _candidates(session: Session, now: datetime) -> list[int]:
    rows = session.exec(
        select(Referral.id)
        .where(
            col(Referral.state).in_(OPEN_STATES),
            col(Referral.escalation_level) < TO_LEAD,
            col(Referral.due_at) <= now,
        )
        .order_by(col(Referral.due_at), col(Referral.id))
    ).all()
    return [i for i in rows if i is not None]


def _load(session: Session, referral_id: int) -> tuple[Referral, Team] | None:
    referral = session.get(Referral, referral_id, with_for_update=True, populate_existing=True)
    team = session.get(Team, referral.team_id) if referral is not None else None
    return (referral, team) if referral is not None and team is not None else None


def due_at(referral: Referral, team: Team) -> datetime | None:
    """When an open referral escalates next; None when finished or already with the lead."""
    if referral.state not in OPEN_STATES:
        return None
    return escalation_due_at(
        team, referral.due_at, referral.escalation_level, referral.escalated_at
    )


def escalate(session: Session, referral: Referral, team: Team, now: datetime) -> Step:
    """Move an overdue referral one step up the ladder; flushes (``run_ladder`` commits).
    Once accepted, the family's assigned clinician holds it (and is not told twice)."""
    family = session.get(Family, referral.family_id) if referral.family_id else None
    holder = family.assigned_clinician_id if family is not None else None
    step = next_step_for(session, team, now, holder_id=holder, level=referral.escalation_level)
    referral.escalation_level = step.level
    referral.escalated_at = now
    session.add(referral)
    record(
        session=session,
        action="referral.escalated",
        target_type="referral",
        target_id=referral.id,
        detail=f"level {step.level} to user(s) {', '.join(map(str, step.recipient_ids)) or 'none'}",
    )
    tell_overdue(session=session, referral=referral, recipient_ids=step.recipient_ids, now=now)
    return step


REFERRALS: Ladder[Referral] = Ladder(
    candidates=_candidates, load=_load, due_at=due_at, escalate=escalate, what="referral"
)


def escalate_overdue(app: Flask, now: datetime | None = None) -> str:
    """Escalate every referral whose next escalation time has come (a worker job)."""
    return summary(run_ladder(app, REFERRALS, now or utcnow()), "referral")
