"""What a carer is promised after sending a check-in: by when the team will have seen what it
raised, from each flag's own due-by (the team's configured response time in its working
hours, holidays and closure days), never a promise the team has not made.

Said in the carer's language and shown in the carer's zone; when that is not the team's zone,
the zone is named too, so "by 10:00" cannot be read as the team's 10:00.
"""

from collections.abc import Iterable
from datetime import datetime

from babel.dates import get_timezone_name
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.checkins.blueprint import format_when
from parentapp.teams.models import Team
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.queries import TRIGGER_EVENTS
from parentapp.triage.vocab import Category, Severity


def flags_raised_by(session: Session, checkin_id: int) -> list[Flag]:
    """The flags this check-in opened, re-triggered or re-opened, soonest due first."""
    rows = session.exec(
        select(Flag)
        .join(FlagEvent, col(FlagEvent.flag_id) == Flag.id)
        .where(FlagEvent.checkin_id == checkin_id, col(FlagEvent.kind).in_(TRIGGER_EVENTS))
        .order_by(col(Flag.due_at), col(Flag.id))
    ).all()
    # A flag both opened and re-triggered by the same check-in (a replay) is listed once.
    return list({flag.id: flag for flag in rows}.values())


def _when(flag: Flag, team: Team) -> str:
    assert flag.due_at is not None
    when = format_when(flag.due_at)
    zone = get_timezone()
    if zone is None or str(zone) == team.time_zone:
        return when
    name = get_timezone_name(flag.due_at.astimezone(zone), width="long", locale=get_locale())
    return str(_("%(when)s (%(zone)s)", when=when, zone=name))


def _sentence(flag: Flag, when: str) -> str:
    # Urgent is urgent whatever raised it: the same words as the safety screen's answers.
    if flag.severity == Severity.URGENT.value:
        return str(_("A member of your team will see this by %(when)s.", when=when))
    if flag.category == Category.NOTE.value:
        return str(_("Your note will be read by %(when)s.", when=when))
    if flag.category == Category.CONTACT_REQUEST.value:
        return str(_("Someone from your team will be in touch by %(when)s.", when=when))
    return str(_("A member of your team will see this by %(when)s.", when=when))


def promises(flags: Iterable[Flag], team: Team) -> list[str]:
    """One sentence per kind of promise (the soonest of each), in the carer's language."""
    said: list[str] = []
    kinds: set[tuple[bool, str]] = set()
    for flag in sorted((f for f in flags if f.due_at is not None), key=_soonest):
        urgent = flag.severity == Severity.URGENT.value
        kind = (urgent, "" if urgent else _kind(flag.category))
        if kind in kinds:
            continue
        kinds.add(kind)
        said.append(_sentence(flag, _when(flag, team)))
    return said


def _kind(category: str) -> str:
    return category if category in {Category.NOTE.value, Category.CONTACT_REQUEST.value} else ""


def _soonest(flag: Flag) -> tuple[datetime, int]:
    assert flag.due_at is not None
    return flag.due_at, flag.id or 0
