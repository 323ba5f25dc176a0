"""The one way a check-in comes into triage: judged by the rules, its flags raised, and
whether it was urgent. The check-in service calls only this module.

Check-ins sit above triage: they read a carer's earlier answers into a ``Context``
(``checkins.judging``) before the new check-in is stored, and hand it here once the check-in
is flushed (it has an id for the flags' evidence), inside the same transaction.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from parentapp.families.models import Carer, Family
from parentapp.triage.evaluate import Context, evaluate
from parentapp.triage.models import Flag
from parentapp.triage.queries import raised_urgent_flag
from parentapp.triage.rules import RULESET_VERSION as RULESET_VERSION  # stored with each check-in
from parentapp.triage.services import Judged, apply_decisions
from parentapp.triage.vocab import Severity

Flags = list[Flag]


@dataclass(frozen=True)
class Assessment:
    # Flags opened, re-raised or re-opened by the check-in, most severe first.
    flags: Flags
    # Whether one of them is urgent: the carer is shown the safety screen.
    urgent: bool


def assess_checkin(
    *,
    session: Session,
    context: Context,
    carer: Carer,
    family: Family,
    checkin: Judged,
    now: datetime,
) -> Assessment:
    """Judge a new check-in by every rule and raise or update its flags (notices queued).
    Flushes, never commits: the caller commits the check-in and its flags together."""
    flags = apply_decisions(
        session=session,
        carer=carer,
        family=family,
        checkin=checkin,
        decisions=evaluate(context),
        now=now,
    )
    # Every flag returned was opened, re-raised or re-opened by this new check-in (an
    # unchanged flag is only ever a replay's), so its severity says whether it was urgent.
    return Assessment(flags, any(flag.severity == Severity.URGENT.value for flag in flags))


def was_urgent(session: Session, checkin_id: int) -> bool:
    """Whether a stored check-in raised an urgent flag (a replay answers as the first did)."""
    return raised_urgent_flag(session, checkin_id)
