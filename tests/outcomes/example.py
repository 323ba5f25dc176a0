"""A small team worked out by hand: three carers (a mother and a grandparent in English, a
father in Polish), their PHQ-9 scores, schedules and flags, and every figure of the report
written out beforehand. The same example is checked against the pure functions, the CSV
downloads and the page.

Each carer's PHQ-9 is due every 14 days from T0 (56 days before now); the period is the 61
days up to today, so T0 is inside it.

- Mother: 15 at T0+1d, 8 at T0+15d. Change -7 (reliable improvement: 5 or more), 15 -> 8
  crosses the cut-off of 10 downwards (recovered). Due T0 (done), T0+15d (done), T0+29d
  (missed, its interval over at T0+43d); T0+43d is still open. 3 due, 2 done. Her last
  check-in is 41 days ago: stopped (nothing in the last 28 days). Gap 14 days.
- Father (Polish): 6 at T0+2d, 12 at T0+44d. Change +6 (reliable deterioration), 6 -> 12
  crosses upwards. Due T0 (done), T0+16d (missed), T0+30d (missed), T0+44d (done). 4 due, 2
  done. Not stopped (12 days ago). Gap 42 days.
- Grandparent: 9, 11, 11 at T0+3d, +17d, +31d. Change +2 (no reliable change), 9 -> 11 crosses
  upwards. 3 due, 3 done; T0+45d still open. Gaps 14 and 14.
- A restricted carer (a closed account) with scores and a flag, and a carer of another team:
  neither counts anywhere.

Referrals (received in the period, days after T0): a health visitor's at +1d, acknowledged
12 hours later, accepted, first contact 6 days after it arrived; a health visitor's at +2d,
acknowledged after 36 hours and declined; a GP's at +3d, acknowledged after a day, accepted,
first contact after 10 days. One more, received before the period, is not counted. So: 3
received, median 1.0 day to acknowledgement, 2 of 3 accepted (66.7%), median 8.0 days to
first contact; health visitors 1.0 day, 1 of 2 (50.0%), 6.0 days; the GP 1.0, 1 of 1, 10.0.

Flags: the mother's urgent one acknowledged after 2 hours (due 4), the father's urgent one
after 6 hours (late, escalated to the leads), the grandparent's concern past its due-by and
not acknowledged, and the father's missed check-ins concern not yet due.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from parentapp.families.roles import CarerRole
from parentapp.outcomes.records import (
    CarerInfo,
    CheckinRow,
    FlagRow,
    Period,
    ReferralRow,
    ScheduleRow,
    TeamRows,
    period_of,
)

DAY, HOUR = timedelta(days=1), timedelta(hours=1)
PERIOD_DAYS = 60  # start = today - 60 days, end = today
INTERVAL = 14
TIME_ZONE = "Europe/London"


@dataclass(frozen=True)
class CarerSpec:
    name: str
    role: CarerRole
    locale: str
    # (days after T0, PHQ-9 total)
    scores: tuple[tuple[int, int], ...]
    restricted: bool = False


CARERS = (
    CarerSpec("mother", CarerRole.MOTHER, "en", ((1, 15), (15, 8))),
    CarerSpec("father", CarerRole.FATHER, "pl", ((2, 6), (44, 12))),
    CarerSpec("grandparent", CarerRole.GRANDPARENT, "en", ((3, 9), (17, 11), (31, 11))),
    CarerSpec("closed", CarerRole.MOTHER, "en", ((4, 20), (18, 2)), restricted=True),
)


@dataclass(frozen=True)
class FlagSpec:
    carer: str
    rule_id: str
    category: str
    severity: str
    days_ago: int
    due_after: timedelta
    acknowledged_after: timedelta | None = None
    escalation_level: int = 0


FLAGS = (
    FlagSpec("mother", "self-harm-any", "self_harm", "urgent", 40, 4 * HOUR, 2 * HOUR),
    FlagSpec("father", "self-harm-any", "self_harm", "urgent", 30, 4 * HOUR, 6 * HOUR, 2),
    FlagSpec("grandparent", "score-at-cutoff", "mood", "concern", 20, 48 * HOUR),
    FlagSpec("father", "disengaged", "disengagement", "concern", 5, 6 * DAY),
    FlagSpec("closed", "self-harm-any", "self_harm", "urgent", 10, 4 * HOUR, 1 * HOUR),
)


def t0(now: datetime) -> datetime:
    return now - 56 * DAY


# Every table as it must read, worked out by hand from the lines above. None: no such figure
# (a dash on the page, an empty cell in the CSV).
GROUPS = ("All carers", "Mothers", "Fathers", "Other carers", "English", "Polish")
# fmt: off
EXPECTED: dict[str, list[list[str | None]]] = {
    "change-phq9-total": [
    # group, scored, paired, mean change, improved, %, deteriorated, %, no reliable change,
    # at/above cut-off at first, recovered, %, below at first, rose to/above, %
        ["All carers", "3", "3", "0.3", "1", "33.3", "1", "33.3", "1", "1", "1", "100.0", "2", "2", "100.0"],
        ["Mothers", "1", "1", "-7.0", "1", "100.0", "0", "0.0", "0", "1", "1", "100.0", "0", "0", None],
        ["Fathers", "1", "1", "6.0", "0", "0.0", "1", "100.0", "0", "0", "0", None, "1", "1", "100.0"],
        ["Other carers", "1", "1", "2.0", "0", "0.0", "0", "0.0", "1", "0", "0", None, "1", "1", "100.0"],
        ["English", "2", "2", "-2.5", "1", "50.0", "0", "0.0", "1", "1", "1", "100.0", "1", "1", "100.0"],
        ["Polish", "1", "1", "6.0", "0", "0.0", "1", "100.0", "0", "0", "0", None, "1", "1", "100.0"],
    ],
    "engagement": [
    # group, asked, due, done, %, median days between, could have stopped, stopped, %
        ["All carers", "3", "10", "7", "70.0", "14.0", "3", "1", "33.3"],
        ["Mothers", "1", "3", "2", "66.7", "14.0", "1", "1", "100.0"],
        ["Fathers", "1", "4", "2", "50.0", "42.0", "1", "0", "0.0"],
        ["Other carers", "1", "3", "3", "100.0", "14.0", "1", "0", "0.0"],
        ["English", "2", "6", "5", "83.3", "14.0", "2", "1", "50.0"],
        ["Polish", "1", "4", "2", "50.0", "42.0", "1", "0", "0.0"],
    ],
    "flags": [
    # rule, severity, then one count per group
        ["self-harm-any", "Urgent", "2", "1", "1", "0", "1", "1"],
        ["disengaged", "Concern", "1", "0", "1", "0", "0", "1"],
        ["score-at-cutoff", "Concern", "1", "0", "0", "1", "1", "0"],
    ],
    "response-times": [
    # severity, group, raised, acknowledged or past due-by, on time, %, median hours
        ["Urgent", "All carers", "2", "2", "1", "50.0", "4.0"],
        ["Urgent", "Mothers", "1", "1", "1", "100.0", "2.0"],
        ["Urgent", "Fathers", "1", "1", "0", "0.0", "6.0"],
        ["Urgent", "Other carers", "0", "0", "0", None, None],
        ["Urgent", "English", "1", "1", "1", "100.0", "2.0"],
        ["Urgent", "Polish", "1", "1", "0", "0.0", "6.0"],
        ["Concern", "All carers", "2", "1", "0", "0.0", None],
        ["Concern", "Mothers", "0", "0", "0", None, None],
        ["Concern", "Fathers", "1", "0", "0", None, None],
        ["Concern", "Other carers", "1", "1", "0", "0.0", None],
        ["Concern", "English", "1", "1", "0", "0.0", None],
        ["Concern", "Polish", "1", "0", "0", None, None],
    ],
    "escalations": [
    # group, raised, escalated, %, reached the leads
        ["All carers", "4", "1", "25.0", "1"],
        ["Mothers", "1", "0", "0.0", "0"],
        ["Fathers", "2", "1", "50.0", "1"],
        ["Other carers", "1", "0", "0.0", "0"],
        ["English", "2", "0", "0.0", "0"],
        ["Polish", "2", "1", "50.0", "1"],
    ],
    "referrals": [
    # referrer, received, acknowledged, median days, triaged, accepted, %, first contact, days
        ["All referrers", "3", "3", "1.0", "3", "2", "66.7", "2", "8.0"],
        ["Health visitor", "2", "2", "1.0", "2", "1", "50.0", "1", "6.0"],
        ["GP", "1", "1", "1.0", "1", "1", "100.0", "1", "10.0"],
    ],
}
# fmt: on


def period_days(now: datetime) -> tuple[date, date]:
    """The period's first and last day, as the page is asked for them (the team's days)."""
    today = now.astimezone(ZoneInfo(TIME_ZONE)).date()
    return today - timedelta(days=PERIOD_DAYS), today


def period(now: datetime) -> Period:
    return period_of(*period_days(now), TIME_ZONE)


def flag_row(spec: FlagSpec, carer_id: int, now: datetime) -> FlagRow:
    opened = now - spec.days_ago * DAY
    return FlagRow(
        carer_id=carer_id,
        rule_id=spec.rule_id,
        severity=spec.severity,
        opened_at=opened,
        due_at=opened + spec.due_after,
        acknowledged_at=opened + spec.acknowledged_after if spec.acknowledged_after else None,
        escalation_level=spec.escalation_level,
        escalated_at=opened + spec.due_after if spec.escalation_level else None,
    )


def rows(now: datetime) -> TeamRows:
    """The rows ``outcomes.rows`` reads for the example, built by hand: the restricted carer is
    not among the carers (their flag is left in, and must be ignored)."""
    ids = {spec.name: number for number, spec in enumerate(CARERS, start=1)}
    shown = [spec for spec in CARERS if not spec.restricted]
    start = t0(now)
    return TeamRows(
        carers=tuple(CarerInfo(ids[s.name], s.role, s.locale, start - 30 * DAY) for s in shown),
        checkins=tuple(
            CheckinRow(ids[s.name], "phq9", start + days * DAY, {"total": value})
            for s in shown
            for days, value in s.scores
        ),
        last_before={},
        schedules=tuple(ScheduleRow(ids[s.name], "phq9", INTERVAL, start, None) for s in shown),
        flags=tuple(flag_row(f, ids[f.carer], now) for f in FLAGS),
        referrals=referral_rows(now),
    )


@dataclass(frozen=True)
class ReferralSpec:
    referrer_type: str
    received_day: float  # days after T0 (negative: before the period)
    acknowledged_after: timedelta
    accepted: bool
    first_contact_after: timedelta | None


REFERRALS = (
    ReferralSpec("health_visitor", 1, 12 * HOUR, True, 6 * DAY),
    ReferralSpec("health_visitor", 2, 36 * HOUR, False, None),
    ReferralSpec("gp", 3, DAY, True, 10 * DAY),
    ReferralSpec("gp", -10, HOUR, True, 2 * DAY),  # before the period: not counted
)


def referral_rows(now: datetime) -> tuple[ReferralRow, ...]:
    rows = []
    for spec in REFERRALS:
        received = t0(now) + spec.received_day * DAY
        acknowledged = received + spec.acknowledged_after
        rows.append(
            ReferralRow(
                referrer_type=spec.referrer_type,
                received_at=received,
                acknowledged_at=acknowledged,
                triaged_at=acknowledged,
                accepted=spec.accepted,
                contact_made_at=(
                    received + spec.first_contact_after if spec.first_contact_after else None
                ),
            )
        )
    return tuple(rows)
