"""Team use cases: creating teams and changing their settings."""

from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlmodel import Session

from parentapp.accounts.models import User
from parentapp.audit.services import record
from parentapp.errors import DomainError
from parentapp.teams.models import INVITE_EXPIRY_BOUNDS, Team
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
    record(
        session=session,
        action="team.created",
        actor_id=actor.id if actor else None,
        target_type="team",
        target_id=team.id,
    )
    session.commit()
    return team


def update_settings(
    *, session: Session, actor: User, team: Team, invite_expiry_days: int, time_zone: str
) -> None:
    """Change a team's settings within safe bounds.

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
    team.invite_expiry_days = invite_expiry_days
    team.time_zone = time_zone
    session.add(team)
    record(
        session=session,
        action="team.settings",
        actor_id=actor.id,
        target_type="team",
        target_id=team.id,
    )
    session.commit()
