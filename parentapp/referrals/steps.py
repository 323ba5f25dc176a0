"""The path of a referral, as data, and each step's due-by (pure: no database).

received → acknowledged → triaged (accepted, or declined: then closed with where the family was
pointed) → first contact offered → first contact made → closed. Each state names the action
the team owes next and how long it has for it, counted in the team's working time from when
the state began. The times come from the team's own response times, so a lead sets them in
one place: an urgent referral is answered as fast as an urgent flag.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from parentapp.referrals.vocab import State, Urgency
from parentapp.teams.hours import add_working_time, of_team, working_day_length
from parentapp.teams.models import Team
from parentapp.triage.response import response_time
from parentapp.triage.vocab import Category, Severity


def _urgent(team: Team) -> timedelta:
    return response_time(team, Severity.URGENT.value)


def _read(team: Team) -> timedelta:
    # A referral is read like a carer's note: the same or the next working day.
    return response_time(team, Severity.CONCERN.value, Category.NOTE.value)


def _concern(team: Team) -> timedelta:
    return response_time(team, Severity.CONCERN.value)


def _contact(team: Team) -> timedelta:
    return response_time(team, Severity.CONCERN.value, Category.CONTACT_REQUEST.value)


def _day(team: Team) -> timedelta:
    return working_day_length(of_team(team, closed=()))


@dataclass(frozen=True)
class Step:
    """What the team owes a referral in one state: the next states it may move to, and the
    working time allowed (routine, urgent); None: nothing is owed (it is finished)."""

    next: tuple[State, ...]
    routine: Callable[[Team], timedelta] | None
    urgent: Callable[[Team], timedelta] | None


STEPS: dict[State, Step] = {
    State.RECEIVED: Step((State.ACKNOWLEDGED, State.ACCEPTED, State.DECLINED), _read, _urgent),
    State.ACKNOWLEDGED: Step((State.ACCEPTED, State.DECLINED), _concern, _urgent),
    State.ACCEPTED: Step((State.CONTACT_OFFERED,), _concern, _contact),
    # Offered: the appointment itself is the due-by (see ``due_by``), plus a working day to
    # record that it happened.
    State.CONTACT_OFFERED: Step((State.CONTACT_MADE, State.CLOSED), _day, _day),
    State.CONTACT_MADE: Step((State.CLOSED,), None, None),
    State.DECLINED: Step((), None, None),
    State.CLOSED: Step((), None, None),
}


def may_move(current: str, to: State) -> bool:
    """Whether a referral in ``current`` may move to ``to`` (the path only goes forward)."""
    return to in STEPS[State(current)].next


def due_by(
    team: Team, state: str, urgency: str, since: datetime, appointment_at: datetime | None = None
) -> datetime | None:
    """When the team's next action on a referral that entered ``state`` at ``since`` is due
    (UTC); None when nothing more is owed. An offered appointment is due a working day after
    the appointment (or after the offer, if that is later)."""
    step = STEPS[State(state)]
    allowed = step.urgent if urgency == Urgency.URGENT.value else step.routine
    if allowed is None:
        return None
    start = max(since, appointment_at) if appointment_at is not None else since
    return add_working_time(start, allowed(team), of_team(team))
