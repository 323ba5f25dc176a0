"""Team use cases: creating teams and changing their settings."""

import enum
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.audit.services import record
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError
from parentapp.teams.contacts import add_default_contacts
from parentapp.teams.hours import WEEKDAYS, format_days, parse_days
from parentapp.teams.models import (
    CLOSURE_DAYS_AHEAD,
    CLOSURE_REASON_MAX,
    CONCERN_RESPONSE_BOUNDS,
    CONTACT_RESPONSE_BOUNDS,
    DEFAULT_QUICK_EXIT_URL,
    DISCREET_NAME_MAX,
    INVITE_EXPIRY_BOUNDS,
    MISSED_CHECKINS_BOUNDS,
    NATIONS,
    NOTE_RESPONSE_BOUNDS,
    QUICK_EXIT_URL_MAX,
    URGENT_RESPONSE_BOUNDS,
    Team,
    TeamClosure,
)
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


def check_quick_exit_url(url: str) -> str:
    """A carer pressing quick exit lands here: an https address of a real host, nothing else
    (empty: the default neutral site).

    :raises DomainError: the address is not https, has no host, or is too long.
    """
    url = url.strip()
    if not url:
        return DEFAULT_QUICK_EXIT_URL
    if len(url) > QUICK_EXIT_URL_MAX:
        raise DomainError(
            _("Use a shorter address (at most 255 characters)."), field="quick_exit_url"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    # No "user@host": an address with credentials in it can disguise where it really goes.
    if (
        parts is None
        or parts.scheme != "https"
        or not parts.hostname
        or "@" in parts.netloc
        or any(char.isspace() for char in url)
    ):
        raise DomainError(
            _("Enter a website address starting with https://."), field="quick_exit_url"
        )
    return url


def check_discreet_name(name: str | None) -> str | None:
    """:raises DomainError: the name is too long to fit under a phone's home-screen icon."""
    name = (name or "").strip()
    if len(name) > DISCREET_NAME_MAX:
        raise DomainError(_("Use a shorter name (at most 30 characters)."), field="discreet_name")
    return name or None


def _check_hours(days: set[int], start: time, end: time) -> None:
    if not days or not days <= set(WEEKDAYS):
        raise DomainError(_("Choose at least one working day."), field="working_days")
    if start >= end:
        raise DomainError(_("The working day must end after it starts."), field="working_end")


class Unchanged(enum.Enum):
    """A setting left as it is (None already means "nobody" for the duty clinician)."""

    TOKEN = 0


UNCHANGED = Unchanged.TOKEN


def _check_bounds(value: int | None, bounds: tuple[int, int], field: str) -> None:
    low, high = bounds
    if value is not None and not low <= value <= high:
        message = (
            _("Choose between %(min)s and %(max)s hours.", min=low, max=high)
            if field.endswith("_hours")
            else _("Choose between %(min)s and %(max)s days.", min=low, max=high)
        )
        raise DomainError(message, field=field)


def _set_duty(session: Session, team: Team, user_id: int | None) -> None:
    """Make ``user_id`` the team's one duty clinician (None: nobody)."""
    if user_id is not None:
        chosen = session.get(User, user_id)
        if (
            chosen is None
            or chosen.team_id != team.id
            or not chosen.is_clinical
            or not chosen.active
        ):
            raise DomainError(_("Choose a clinician in this team."), field="duty_clinician_id")
    others = sa.update(User).where(col(User.team_id) == team.id)
    if user_id is not None:
        # "id != NULL" matches nothing in SQL, so only add the condition for a real id.
        others = others.where(col(User.id) != user_id)
    session.execute(others.values(on_duty=False))
    if user_id is not None:
        session.execute(sa.update(User).where(col(User.id) == user_id).values(on_duty=True))


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
    urgent_response_hours: int | None = None,
    concern_response_days: int | None = None,
    note_response_days: int | None = None,
    contact_response_hours: int | None = None,
    nation: str | None = None,
    duty_clinician_id: int | Unchanged | None = UNCHANGED,
    quick_exit_url: str | None = None,
    discreet_name: str | Unchanged | None = UNCHANGED,
    discreet_icon: bool | None = None,
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
    _check_bounds(urgent_response_hours, URGENT_RESPONSE_BOUNDS, "urgent_response_hours")
    _check_bounds(concern_response_days, CONCERN_RESPONSE_BOUNDS, "concern_response_days")
    _check_bounds(note_response_days, NOTE_RESPONSE_BOUNDS, "note_response_days")
    _check_bounds(contact_response_hours, CONTACT_RESPONSE_BOUNDS, "contact_response_hours")
    if nation is not None and nation not in NATIONS:
        raise DomainError(
            _("Choose the nation whose public holidays the team keeps."), field="nation"
        )
    if quick_exit_url is not None:
        quick_exit_url = check_quick_exit_url(quick_exit_url)
    if not isinstance(discreet_name, Unchanged):
        discreet_name = check_discreet_name(discreet_name)
    if not isinstance(duty_clinician_id, Unchanged):
        _set_duty(session, team, duty_clinician_id)
    if urgent_response_hours is not None:
        team.urgent_response_hours = urgent_response_hours
    if concern_response_days is not None:
        team.concern_response_days = concern_response_days
    if note_response_days is not None:
        team.note_response_days = note_response_days
    if contact_response_hours is not None:
        team.contact_response_hours = contact_response_hours
    if nation is not None:
        team.nation = nation
    if quick_exit_url is not None:
        team.quick_exit_url = quick_exit_url
    if not isinstance(discreet_name, Unchanged):
        team.discreet_name = discreet_name
    if discreet_icon is not None:
        team.discreet_icon = discreet_icon
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


def team_local_today(team: Team, now: datetime | None = None) -> date:
    """Today's date where the team works (closure days are the team's local dates)."""
    return (now or utcnow()).astimezone(ZoneInfo(team.time_zone)).date()


def add_closure(
    *,
    session: Session,
    actor: User,
    team: Team,
    day: date,
    reason: str,
    now: datetime | None = None,
) -> TeamClosure:
    """Close the team on ``day`` (a date in the team's zone): no response time counts
    through it, and carers are told the next working day instead.

    A past day is refused: flags already due were promised by the hours as they were. So is
    a day more than a year ahead (one closure at a time, for days the lead knows of).

    :raises DomainError: the day is past, too far ahead or already closed, or no reason.
    """
    today = team_local_today(team, now)
    if day < today:
        raise DomainError(_("Choose today or a day in the future."), field="day")
    if day > today + timedelta(days=CLOSURE_DAYS_AHEAD):
        raise DomainError(_("Choose a day within the next year."), field="day")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the team is closed, such as “Training day”."), field="reason")
    if len(reason) > CLOSURE_REASON_MAX:
        raise DomainError(
            _("Use a shorter reason (at most %(max)s characters).", max=CLOSURE_REASON_MAX),
            field="reason",
        )
    taken = session.exec(
        select(TeamClosure.id).where(TeamClosure.team_id == team.id, TeamClosure.day == day)
    ).first()
    if taken is not None:
        raise DomainError(_("The team is already closed on that day."), field="day")
    assert team.id is not None and actor.id is not None
    closure = TeamClosure(team_id=team.id, day=day, reason=reason, created_by_id=actor.id)
    session.add(closure)
    session.flush()
    record(
        session=session,
        action="team.closure_added",
        actor_id=actor.id,
        target_type="team",
        target_id=team.id,
        detail=day.isoformat(),
    )
    session.commit()
    return closure


def remove_closure(*, session: Session, actor: User, team: Team, closure_id: int) -> None:
    """Open the team again on a closure day.

    :raises NotFoundError: no such closure day in this team.
    """
    closure = session.get(TeamClosure, closure_id)
    if closure is None or closure.team_id != team.id:
        raise NotFoundError("team closure")
    day = closure.day
    session.delete(closure)
    record(
        session=session,
        action="team.closure_removed",
        actor_id=actor.id,
        target_type="team",
        target_id=team.id,
        detail=day.isoformat(),
    )
    session.commit()
