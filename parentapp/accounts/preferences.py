"""A person's own settings: the language they read the app in, and (staff) their time zone."""

from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlmodel import Session

from parentapp.accounts.models import User
from parentapp.errors import DomainError
from parentapp.i18n.languages import BY_CODE


def check_language(code: str) -> str:
    """The code itself when it is one we ship; otherwise a translated refusal."""
    if code not in BY_CODE:
        raise DomainError(_("That language is not available."), field="language")
    return code


def check_time_zone(name: str) -> str:
    if name not in available_timezones():
        raise DomainError(_("Choose a time zone from the list."), field="time_zone")
    return name


def set_language(*, session: Session, user: User, code: str) -> None:
    """Store the person's language on their account (not audited: nothing clinical changes)."""
    user.locale = check_language(code)
    session.add(user)
    session.commit()


def set_preferences(*, session: Session, user: User, language: str, time_zone: str = "") -> None:
    """Save the account page: the language, and for staff the zone their times are shown in
    (empty: the service's default zone). A carer's times follow their team, so a carer's
    ``time_zone`` is ignored. Everything is checked before anything is stored.
    """
    code = check_language(language)
    zone = check_time_zone(time_zone) if time_zone and not user.is_carer else None
    user.locale = code
    if not user.is_carer:
        user.time_zone = zone
    session.add(user)
    session.commit()
