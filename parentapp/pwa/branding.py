"""What a page calls the app, which icon it shows and where quick exit goes, per user.

A carer whose team chose a discreet name or icon sees those everywhere on the phone (page
titles, the header, the installed app), so someone glancing at the screen learns nothing.
"""

from dataclasses import dataclass

from flask import g, has_request_context, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session, col, select

from parentapp.db import get_session
from parentapp.families.models import Carer, Family
from parentapp.teams.models import DEFAULT_QUICK_EXIT_URL, Team

# Pages a carer reads before they have an account (or while offline): quick exit shows there
# too. Staff pages never show it.
ANONYMOUS_CARER_PAGES = frozenset(
    {
        "accounts.login",
        "families.join",
        "families.join_link",
        "families.join_about",
        "pwa.offline",
    }
)


@dataclass(frozen=True)
class Branding:
    app_name: str
    icon_set: str  # "icon" or "discreet": the file name prefix under static/icons
    quick_exit_url: str
    show_quick_exit: bool


def carer_team(session: Session, user_id: int) -> Team | None:
    """The team looking after a carer's family, or None for anyone who is not a carer."""
    statement = (
        select(Team)
        .join(Family, col(Family.team_id) == col(Team.id))
        .join(Carer, col(Carer.family_id) == col(Family.id))
        .where(Carer.user_id == user_id)
    )
    return session.exec(statement).first()


def _team_for_current_carer() -> Team | None:
    if not (current_user.is_authenticated and current_user.role == "carer"):
        return None
    return carer_team(get_session(), current_user.id)


def branding() -> Branding:
    """This request's branding (looked up once per request)."""
    cached: Branding | None = g.get("_branding")
    if cached is not None:
        return cached
    team = _team_for_current_carer()
    is_carer = current_user.is_authenticated and current_user.role == "carer"
    result = Branding(
        app_name=(team.discreet_name if team and team.discreet_name else _("Parent check-in")),
        icon_set="discreet" if team and team.discreet_icon else "icon",
        quick_exit_url=team.quick_exit_url if team else DEFAULT_QUICK_EXIT_URL,
        show_quick_exit=is_carer
        or (not current_user.is_authenticated and request.endpoint in ANONYMOUS_CARER_PAGES),
    )
    g._branding = result
    return result


def template_context() -> dict[str, object]:
    if not has_request_context():
        # Emails rendered by the worker: no one is logged in and there is no page to exit.
        return {}
    found = branding()
    return {
        "app_name": found.app_name,
        "icon_set": found.icon_set,
        "quick_exit_url": found.quick_exit_url,
        "show_quick_exit": found.show_quick_exit,
    }
