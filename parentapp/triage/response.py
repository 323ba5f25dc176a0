"""Response times: when a flag must be acknowledged by, and when an urgent one (or a request
to be contacted) escalates.

Pure functions of a flag's team and clock, counted in the team's working time: the team is not
monitoring around the clock (carers are told so on the safety screen), so a response time is a
promise about working hours.
"""

from datetime import datetime, timedelta

from parentapp.teams.hours import add_working_time, of_team, working_day_length
from parentapp.teams.models import (
    CONCERN_RESPONSE_BOUNDS,
    CONTACT_RESPONSE_BOUNDS,
    NOTE_RESPONSE_BOUNDS,
    URGENT_RESPONSE_BOUNDS,
    Team,
)
from parentapp.triage.models import Flag
from parentapp.triage.vocab import Category, FlagState, Severity

# An urgent flag escalated to the duty clinician and still not acknowledged goes to the team
# lead after this much more working time: long enough to pick up a message, short enough that
# a day does not pass.
LEAD_ESCALATION_AFTER = timedelta(hours=1)
# Escalation steps: 1 the duty clinician, 2 the team lead (the last).
TO_DUTY, TO_LEAD = 1, 2


def _within(value: int, bounds: tuple[int, int]) -> int:
    # Settings refuse values outside the bounds; rows written another way are held to them.
    low, high = bounds
    return min(max(value, low), high)


def response_time(team: Team, severity: str, category: str | None = None) -> timedelta:
    """Working time allowed before a flag of ``severity`` (and ``category``) must be
    acknowledged. Urgent is urgent whatever its kind: a note about suicide waits no longer
    than a self-harm answer. Otherwise a note and a request to be contacted have their own
    times (what the carer is told), and every other flag the concern time."""
    if severity == Severity.URGENT.value:
        return timedelta(hours=_within(team.urgent_response_hours, URGENT_RESPONSE_BOUNDS))
    if category == Category.CONTACT_REQUEST.value:
        return timedelta(hours=_within(team.contact_response_hours, CONTACT_RESPONSE_BOUNDS))
    if category == Category.NOTE.value:
        days = _within(team.note_response_days, NOTE_RESPONSE_BOUNDS)
    else:
        days = _within(team.concern_response_days, CONCERN_RESPONSE_BOUNDS)
    # The length of a working day does not depend on which days are closed: no query for them.
    return working_day_length(of_team(team, closed=())) * days


def due_by(team: Team, severity: str, raised_at: datetime, category: str | None = None) -> datetime:
    """When a flag of ``severity`` and ``category`` raised at ``raised_at`` must be
    acknowledged (UTC)."""
    hours = of_team(team)
    return add_working_time(raised_at, response_time(team, severity, category), hours)


def escalates(flag: Flag) -> bool:
    """Whether ``flag`` escalates when nobody acknowledges it by its due-by: an urgent flag,
    and a request to be contacted (the carer was told by when someone would be in touch)."""
    return flag.severity == Severity.URGENT.value or flag.category == Category.CONTACT_REQUEST.value


def next_escalation_at(flag: Flag, team: Team) -> datetime | None:
    """When ``flag`` escalates next; None when it never will (neither urgent nor a request to
    be contacted, not open, or already with the team lead)."""
    if flag.state != FlagState.OPEN.value or not escalates(flag):
        return None
    return escalation_due_at(team, flag.due_at, flag.escalation_level, flag.escalated_at)


def escalation_due_at(
    team: Team, due_at: datetime | None, level: int, escalated_at: datetime | None
) -> datetime | None:
    """When something that escalates (a flag, an overdue referral) takes its next step: at
    its due-by to the duty clinician, then ``LEAD_ESCALATION_AFTER`` more working time later
    to the lead; None once with the lead, or with no due-by."""
    if due_at is None:
        return None
    if level < TO_DUTY:
        return due_at
    if level < TO_LEAD:
        return add_working_time(escalated_at or due_at, LEAD_ESCALATION_AFTER, of_team(team))
    return None
