"""The plain rows the outcome figures are computed from, the period, and the groups every
figure is broken down by. No database, no Flask: ``rows.py`` fills these in."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parentapp.families.roles import CarerRole
from parentapp.instruments.schema import Scale


@dataclass(frozen=True)
class Period:
    """The days ``start`` to ``end`` (both included) in the team's time zone, and the same as
    UTC moments: from ``starts_at`` up to, not including, ``ends_at``."""

    start: date
    end: date
    starts_at: datetime
    ends_at: datetime

    def holds(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def period_of(start: date, end: date, time_zone: str) -> Period:
    """The period of those local days. Days are the team's because the team reads the report
    as its own days (a check-in at 00:30 in London belongs to that London day)."""
    zone = ZoneInfo(time_zone)

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)

    return Period(start, end, midnight(start), midnight(end + timedelta(days=1)))


@dataclass(frozen=True)
class CarerInfo:
    carer_id: int
    role: CarerRole
    # The language of the carer's account: the one they chose, which their pages, reminders
    # and (unless they switched for one) their check-ins are in. One per carer, so each carer
    # is counted in exactly one language group.
    language: str
    consented_at: datetime | None


@dataclass(frozen=True)
class CheckinRow:
    """One check-in; ``scores`` maps scale id to its value (None: too many items missing)."""

    carer_id: int
    instrument_id: str
    submitted_at: datetime
    scores: dict[str, int | None]


@dataclass(frozen=True)
class ScheduleRow:
    carer_id: int
    instrument_id: str
    interval_days: int
    starts_at: datetime
    # None while the carer is still asked; else when asking stopped (rows.py says how it is
    # known).
    asked_until: datetime | None


@dataclass(frozen=True)
class FlagRow:
    carer_id: int
    rule_id: str
    severity: str
    opened_at: datetime
    due_at: datetime | None
    acknowledged_at: datetime | None
    escalation_level: int
    escalated_at: datetime | None


@dataclass(frozen=True)
class ReferralRow:
    """A referral received in the period: who sent it (their kind) and when each step came."""

    referrer_type: str
    received_at: datetime
    acknowledged_at: datetime | None
    # When it was accepted or declined, and which.
    triaged_at: datetime | None
    accepted: bool
    contact_made_at: datetime | None


@dataclass(frozen=True)
class ScaleRef:
    """A scale of an instrument, from its latest version: the thresholds are data there."""

    instrument_id: str
    instrument_title: str
    scale: Scale


@dataclass(frozen=True)
class TeamRows:
    carers: tuple[CarerInfo, ...]
    # From a little before the period (see rows.py) up to the moment the report is made.
    checkins: tuple[CheckinRow, ...]
    # (carer id, instrument id) -> the last check-in before the earliest one in ``checkins``.
    last_before: dict[tuple[int, str], datetime]
    schedules: tuple[ScheduleRow, ...]
    # Raised in the period.
    flags: tuple[FlagRow, ...]
    # Received in the period.
    referrals: tuple[ReferralRow, ...] = ()


ALL = "all"
ROLE_GROUPS = ("mother", "father", "other")


def role_group(role: CarerRole) -> str:
    """Mothers and fathers on their own; every other carer (co-parent, grandparent, foster or
    kinship carer, other) together, so that no group is too small to read."""
    if role == CarerRole.MOTHER:
        return "mother"
    if role == CarerRole.FATHER:
        return "father"
    return "other"


@dataclass(frozen=True)
class Group:
    """A row of every table: everyone, a role group, or a language."""

    kind: str  # "all", "role" or "language"
    key: str

    def has(self, carer: CarerInfo) -> bool:
        if self.kind == ALL:
            return True
        if self.kind == "role":
            return role_group(carer.role) == self.key
        return carer.language == self.key


def groups_for(carers: Iterable[CarerInfo], language_order: Iterable[str]) -> tuple[Group, ...]:
    """Everyone, the three role groups (always, even when empty: no fathers is a finding), and
    each language a carer of the team uses, in ``language_order`` and then by code."""
    used = {carer.language for carer in carers}
    order = [code for code in language_order if code in used]
    order += sorted(used - set(order))
    return (
        Group(ALL, ALL),
        *(Group("role", key) for key in ROLE_GROUPS),
        *(Group("language", code) for code in order),
    )
