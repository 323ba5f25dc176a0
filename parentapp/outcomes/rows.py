"""What the outcome report reads: the team's carers, their check-ins, schedules and flags, as
plain rows (``records.py``) for the pure figures.

Only the team's carers, and not one whose record is restricted (a closed account's: only a
lead reads it, each time with a reason, and it leaves every ordinary page).
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.audit.models import AuditEvent
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.outcomes.records import (
    CarerInfo,
    CheckinRow,
    FlagRow,
    Period,
    ReferralRow,
    ScheduleRow,
    TeamRows,
)
from parentapp.referrals.models import Referral
from parentapp.teams.models import Team
from parentapp.triage.models import Flag


def _team_carers(team: Team) -> sa.Select[int | None]:
    return (
        sa.select(col(Carer.id))
        .join(Family, col(Family.id) == Carer.family_id)
        .where(col(Family.team_id) == team.id, col(Carer.restricted_at).is_(None))
    )


def _carers(session: Session, team: Team) -> tuple[CarerInfo, ...]:
    found = session.exec(
        select(Carer, User.locale)
        .join(User, col(User.id) == Carer.user_id)
        .where(col(Carer.id).in_(_team_carers(team)))
        .order_by(col(Carer.id))
    ).all()
    return tuple(
        CarerInfo(carer.id or 0, CarerRole(carer.carer_role), locale, carer.consented_at)
        for carer, locale in found
    )


def _scores(scores: Mapping[str, Any]) -> dict[str, int | None]:
    values: dict[str, int | None] = {}
    for scale_id, score in scores.items():
        value = score.get("value") if isinstance(score, dict) else None
        values[scale_id] = value if isinstance(value, int) else None
    return values


def _stopped_at(session: Session, team: Team) -> dict[tuple[int, str], datetime]:
    """When each stopped schedule was last stopped, from the audit log: the schedule row keeps
    only that it is stopped, and the log's detail starts with the instrument id."""
    events = session.exec(
        select(AuditEvent.target_id, AuditEvent.detail, AuditEvent.at).where(
            AuditEvent.action == "schedule.stopped",
            AuditEvent.target_type == "carer",
            col(AuditEvent.target_id).in_(_team_carers(team)),
        )
    ).all()
    stopped: dict[tuple[int, str], datetime] = {}
    for carer_id, detail, at in events:
        key = (carer_id or 0, (detail or "").split(" ", 1)[0])
        stopped[key] = max(at, stopped.get(key, at))
    return stopped


def _schedules(
    session: Session, team: Team, latest: dict[tuple[int, str], datetime]
) -> tuple[ScheduleRow, ...]:
    stopped = _stopped_at(session, team)
    found = session.exec(
        select(Schedule, User.active)
        .join(Carer, col(Carer.id) == Schedule.carer_id)
        .join(User, col(User.id) == Carer.user_id)
        .where(col(Schedule.carer_id).in_(_team_carers(team)))
        .order_by(col(Schedule.id))
    ).all()
    rows = []
    for schedule, account_active in found:
        key = (schedule.carer_id, schedule.instrument_id)
        asked_until = None
        if not (schedule.active and account_active):
            # A deactivated account, or a stop the log does not hold: asking is taken to have
            # ended with the last check-in, so no due check-in is invented after it.
            asked_until = stopped.get(key) or latest.get(key) or schedule.starts_at
        rows.append(
            ScheduleRow(
                carer_id=schedule.carer_id,
                instrument_id=schedule.instrument_id,
                interval_days=schedule.interval_days,
                starts_at=schedule.starts_at,
                asked_until=asked_until,
            )
        )
    return tuple(rows)


def team_rows(session: Session, team: Team, period: Period, now: datetime) -> TeamRows:
    """Everything the report needs, read in a few queries.

    Check-ins are read from two of the longest interval before the period's end (or now), if
    that is earlier than its start, so that a carer who stopped can be told from one who
    never started; the latest one before them is kept for each carer and instrument, since a
    due date counts from the last check-in.
    """
    carer_ids = _team_carers(team)
    longest = session.exec(
        select(sa.func.max(Schedule.interval_days)).where(col(Schedule.carer_id).in_(carer_ids))
    ).one()
    end = min(period.ends_at, now)
    read_from = min(period.starts_at, end - 2 * timedelta(days=longest or 0))
    checkins = session.exec(
        select(CheckIn.carer_id, CheckIn.instrument_id, CheckIn.submitted_at, CheckIn.scores)
        .where(
            col(CheckIn.carer_id).in_(carer_ids),
            col(CheckIn.submitted_at) >= read_from,
            col(CheckIn.submitted_at) <= now,
        )
        .order_by(col(CheckIn.submitted_at), col(CheckIn.id))
    ).all()
    before = session.exec(
        select(CheckIn.carer_id, CheckIn.instrument_id, sa.func.max(CheckIn.submitted_at))
        .where(col(CheckIn.carer_id).in_(carer_ids), col(CheckIn.submitted_at) < read_from)
        .group_by(col(CheckIn.carer_id), col(CheckIn.instrument_id))
    ).all()
    last_before = {(c, i): at for c, i, at in before}
    latest = dict(last_before)
    for carer_id, instrument_id, at, _scores_json in checkins:
        latest[(carer_id, instrument_id)] = at
    flags = session.exec(
        select(Flag).where(
            Flag.team_id == team.id,
            col(Flag.carer_id).in_(carer_ids),
            col(Flag.opened_at) >= period.starts_at,
            col(Flag.opened_at) < period.ends_at,
        )
    ).all()
    return TeamRows(
        carers=_carers(session, team),
        checkins=tuple(
            CheckinRow(carer_id, instrument_id, at, _scores(scores or {}))
            for carer_id, instrument_id, at, scores in checkins
        ),
        last_before=last_before,
        schedules=_schedules(session, team, latest),
        flags=tuple(
            FlagRow(
                carer_id=f.carer_id,
                rule_id=f.rule_id,
                severity=f.severity,
                opened_at=f.opened_at,
                due_at=f.due_at,
                acknowledged_at=f.acknowledged_at,
                escalation_level=f.escalation_level,
                escalated_at=f.escalated_at,
            )
            for f in flags
        ),
        referrals=_referrals(session, team, period),
    )


def _referrals(session: Session, team: Team, period: Period) -> tuple[ReferralRow, ...]:
    rows = session.exec(
        select(Referral).where(
            Referral.team_id == team.id,
            col(Referral.received_at) >= period.starts_at,
            col(Referral.received_at) < period.ends_at,
        )
    ).all()
    return tuple(
        ReferralRow(
            referrer_type=r.referrer_type,
            received_at=r.received_at,
            acknowledged_at=r.acknowledged_at,
            triaged_at=r.triaged_at,
            accepted=r.triaged_at is not None and r.decline_reason is None,
            contact_made_at=r.contact_made_at,
        )
        for r in rows
    )
