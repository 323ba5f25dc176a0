"""Team use cases: creating teams and changing their settings."""

from collections.abc import Iterable
from datetime import time
from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlmodel import Session

from parentapp.accounts.models import User
from parentapp.audit.services import record
from parentapp.errors import DomainError
from parentapp.teams.contacts import add_default_contacts
from parentapp.teams.hours import WEEKDAYS, format_days, parse_days
from parentapp.teams.models import INVITE_EXPIRY_BOUNDS, MISSED_CHECKINS_BOUNDS, Team
from parentapp.teams.queries import team_by_name


def check_time_zone(name: str) -> str:
    """:raises DomainError: ``name`` is not an IANA time zone."""
    if name.strip() not in available_timezones():
        raise DomainError(_("Enter a time zone such as Europe/London."), field="time_zone")
    return name.strip()


def create_team(
    *, session: Session, name: str, time_zone: str = "Europe/London", actor: User | None = None
) -> Team:
    """Create a team. :raises DomainError: the name is taken or the time zone unknown."""
    if not name.strip():
        raise DomainError(_("Enter the team's name."), field="name")
    if team_by_name(session, name) is not None:
        raise DomainError(_("A team with this name already exists."), field="name")
    team = Team(name=name.strip(), time_zone=check_time_zone(time_zone))
    session.add(team)
    session.flush()
    # A new team is never without somewhere to send a carer in crisis.
    add_default_contacts(session, team)
    record(
        session=session,
        action="team.created",
        actor_id=actor.id if actor else None,
        target_type="team",
        target_id=team.id,
    )
    session.commit()
    return team


def _check_hours(days: set[int], start: time, end: time) -> None:
    if not days or not days <= set(WEEKDAYS):
        raise DomainError(_("Choose at least one working day."), field="working_days")
    if start >= end:
        raise DomainError(_("The working day must end after it starts."), field="working_end")


def update_settings(
    *,
    session: Session,
    actor: User,
    team: Team,
    invite_expiry_days: int,
    time_zone: str,
    working_days: Iterable[int] | None = None,
    working_start: time | None = None,
    working_end: time | None = None,
    missed_checkins_threshold: int | None = None,
) -> None:
    """Change a team's settings within safe bounds (a value left as None stays as it is).

    Carers are told when their answers will be read from the working days and hours, so
    these must describe a real week.

    :raises DomainError: a value is outside its bounds.
    """
    low, high = INVITE_EXPIRY_BOUNDS
    if not low <= invite_expiry_days <= high:
        raise DomainError(
            _("Choose between %(min)s and %(max)s days.", min=low, max=high),
            field="invite_expiry_days",
        )
    # Check everything before changing anything, so a refusal leaves the team untouched.
    time_zone = check_time_zone(time_zone)
    days = set(working_days) if working_days is not None else None
    start = team.working_start if working_start is None else working_start
    end = team.working_end if working_end is None else working_end
    _check_hours(days if days is not None else set(parse_days(team.working_days)), start, end)
    if missed_checkins_threshold is not None:
        low, high = MISSED_CHECKINS_BOUNDS
        if not low <= missed_checkins_threshold <= high:
            raise DomainError(
                _("Choose between %(min)s and %(max)s check-ins.", min=low, max=high),
                field="missed_checkins_threshold",
            )
        team.missed_checkins_threshold = missed_checkins_threshold
    team.invite_expiry_days = invite_expiry_days
    team.time_zone = time_zone
    if days is not None:
        team.working_days = format_days(days)
    team.working_start = start
    team.working_end = end
    session.add(team)
    record(
        session=session,
        action="team.settings",
        actor_id=actor.id,
        target_type="team",
        target_id=team.id,
    )
    session.commit()
