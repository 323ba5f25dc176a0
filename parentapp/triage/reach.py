"""Who in a team can be told about a flag when the person it is for cannot act on it.

A flag never leaves its team: administrators hold no caseload and see no clinical detail, so
telling them would only look like an escalation. The order is the duty clinician, then the
team's leads, then every active clinician of the team; each routed through leave cover.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.accounts.models import CLINICAL_ROLES, User
from parentapp.leave.services import active_covers, route, team_today
from parentapp.teams.models import Team
from parentapp.teams.queries import all_teams, duty_clinician, team_clinicians, team_leads
from parentapp.triage.models import Flag
from parentapp.triage.vocab import FlagState


def _routed(users: list[User], covers: dict[int, int]) -> list[int]:
    return list(dict.fromkeys(route(user.id or 0, covers) for user in users))


def covers_today(session: Session, team: Team, now: datetime) -> dict[int, int]:
    assert team.id is not None
    return active_covers(session, team.id, team_today(team, now))


def leads_or_team(
    session: Session, team: Team, now: datetime, *, besides: frozenset[int] = frozenset()
) -> list[int]:
    """The team's leads; with none, every active clinician of the team. ``besides`` (who
    already holds the flag) is left out unless nobody else is left."""
    assert team.id is not None
    covers = covers_today(session, team, now)
    for tier in (team_leads(session, team.id), team_clinicians(session, team.id)):
        ids = _routed(tier, covers)
        if ids:
            return [i for i in ids if i not in besides] or ids
    return []


def stand_ins(session: Session, team: Team, now: datetime, *, instead_of: int) -> list[int]:
    """Who is told instead of ``instead_of`` (an account no longer active): the duty
    clinician, else the leads, else every active clinician of the team; never nobody while
    the team has an active clinician."""
    assert team.id is not None
    covers = covers_today(session, team, now)
    duty = duty_clinician(session, team.id)
    for tier in ([duty] if duty is not None else [], team_leads(session, team.id)):
        ids = [i for i in _routed(tier, covers) if i != instead_of]
        if ids:
            return ids
    return [i for i in _routed(team_clinicians(session, team.id), covers) if i != instead_of]


@dataclass(frozen=True)
class Unreachable:
    """A team whose live flags nobody can be told about: no active clinician left."""

    team: Team
    live_flags: int
    oldest: datetime


def unreachable_flags(session: Session) -> list[Unreachable]:
    """Teams with live flags and no active clinician or lead: counts only (the admin page
    shows no clinical content)."""
    staffed = (
        select(User.team_id)
        .where(col(User.active).is_(True), col(User.role).in_([r.value for r in CLINICAL_ROLES]))
        .where(col(User.team_id).is_not(None))
    )
    rows = session.exec(
        select(Flag.team_id, sa.func.count(col(Flag.id)), sa.func.min(col(Flag.opened_at)))
        .where(col(Flag.state) != FlagState.CLOSED.value, col(Flag.team_id).not_in(staffed))
        .group_by(col(Flag.team_id))
        .order_by(col(Flag.team_id))
    ).all()
    teams = {team.id: team for team in all_teams(session)}
    return [
        Unreachable(team=teams[team_id], live_flags=count, oldest=oldest)
        for team_id, count, oldest in rows
        if team_id in teams
    ]
