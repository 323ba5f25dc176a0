"""The outcome report of a team for a period: its rows read, its figures and tables made."""

from datetime import date, datetime

from sqlmodel import Session

from parentapp.i18n.languages import LANGUAGES
from parentapp.instruments.registry import load_registry
from parentapp.outcomes.records import ScaleRef, period_of
from parentapp.outcomes.report import Report, build_report
from parentapp.outcomes.rows import team_rows
from parentapp.teams.models import Team


def scale_refs(session: Session) -> list[ScaleRef]:
    """Every scored scale of every instrument, from its latest version."""
    return [
        ScaleRef(definition.id, definition.short_title, scale)
        for definition in load_registry(session).latest()
        for scale in definition.scales
    ]


def instrument_choices(session: Session) -> list[tuple[str, str]]:
    """(id, short title, untranslated) of each instrument with a score to report."""
    seen: dict[str, str] = {}
    for ref in scale_refs(session):
        seen.setdefault(ref.instrument_id, ref.instrument_title)
    return list(seen.items())


def team_report(
    session: Session,
    team: Team,
    *,
    start: date,
    end: date,
    instrument_id: str | None,
    now: datetime,
) -> Report:
    period = period_of(start, end, team.time_zone)
    return build_report(
        team_rows(session, team, period, now),
        scale_refs(session),
        period,
        now,
        instrument_id=instrument_id,
        language_order=[language.code for language in LANGUAGES],
    )
