"""The disengagement job: a carer who stops checking in is a concern, not "no news". Missed
check-ins are counted here, from their schedules; triage's rule decides and raises the flag."""

from collections.abc import Iterator
from datetime import datetime
from itertools import groupby
from typing import Any

from flask import Flask
from sqlmodel import Session

from parentapp.checkins.due import due_state
from parentapp.checkins.judging import has_recent_flag
from parentapp.checkins.models import Schedule
from parentapp.checkins.queries import last_submitted, running_schedules
from parentapp.db import session_scope, utcnow
from parentapp.families.models import Carer, Family
from parentapp.teams.models import Team
from parentapp.triage.evaluate import disengagement_decision, disengagement_held, missed_threshold
from parentapp.triage.queries import last_closed_flag, live_flag
from parentapp.triage.services import Outcome, apply_decision
from parentapp.triage.vocab import Category


def _by_carer(
    rows: list[tuple[Schedule, Carer, Family, Team]],
) -> Iterator[tuple[Carer, Family, Team, list[Schedule]]]:
    for _carer_id, group in groupby(rows, key=lambda row: row[1].id):
        members = list(group)
        _, carer, family, team = members[0]
        yield carer, family, team, [row[0] for row in members]


def _missed(
    session: Session, carer: Carer, schedules: list[Schedule], now: datetime
) -> dict[str, dict[str, Any]]:
    """instrument id -> {"missed": n, "last_checkin_at": iso or None} for each schedule."""
    assert carer.id is not None
    last = last_submitted(session, carer.id or 0)
    result = {}
    for schedule in schedules:
        submitted = last.get(schedule.instrument_id)
        state = due_state(
            starts_at=schedule.starts_at,
            interval_days=schedule.interval_days,
            last_submitted_at=submitted,
            now=now,
        )
        result[schedule.instrument_id] = {
            "missed": state.missed,
            "last_checkin_at": submitted.isoformat() if submitted else None,
        }
    return result


def disengagement_for_carer(
    *,
    session: Session,
    carer: Carer,
    family: Family,
    team: Team,
    schedules: list[Schedule],
    now: datetime,
) -> Outcome | None:
    """Raise or update one carer's disengagement flag if their misses reach the threshold.

    A carer with several schedules gets one decision, carrying every schedule over the
    threshold, so the evidence is stable from run to run and a run changes nothing until
    another check-in is missed. Flushes; the caller commits.
    """
    assert carer.id is not None
    recent = has_recent_flag(session, carer.id)
    applied = missed_threshold(team.missed_checkins_threshold, recent)
    over = {
        instrument_id: state
        for instrument_id, state in _missed(session, carer, schedules, now).items()
        if state["missed"] >= applied
    }
    if not over:
        return None
    decision = disengagement_decision(
        max(state["missed"] for state in over.values()),
        team.missed_checkins_threshold,
        recent,
        detail={"schedules": over},
    )
    if decision is None:
        return None
    if live_flag(session, carer.id, Category.DISENGAGEMENT) is None:
        closed = last_closed_flag(session, carer.id, Category.DISENGAGEMENT)
        if disengagement_held(schedules=over, closed_evidence=closed.evidence if closed else None):
            return None
    _flag, outcome = apply_decision(
        session=session, carer=carer, family=family, checkin=None, decision=decision, now=now
    )
    return outcome


def check_disengagement(app: Flask, now: datetime | None = None) -> str:
    """Raise a disengagement flag for each consenting, active carer who has missed enough
    scheduled check-ins in a row. One commit per carer: a failure for one carer is logged and
    does not stop the others being checked."""
    now = now or utcnow()
    opened = updated = failed = 0
    with session_scope(app) as session:
        for carer, family, team, schedules in _by_carer(running_schedules(session)):
            try:
                outcome = disengagement_for_carer(
                    session=session,
                    carer=carer,
                    family=family,
                    team=team,
                    schedules=schedules,
                    now=now,
                )
                session.commit()
            except Exception:
                session.rollback()
                app.logger.exception("disengagement check failed for carer %s", carer.id)
                failed += 1
                continue
            opened += outcome == Outcome.OPENED
            updated += outcome == Outcome.RETRIGGERED
    summary = f"{opened} disengagement flag(s) opened, {updated} updated"
    return summary + (f", {failed} carer(s) failed (see the log)" if failed else "")
