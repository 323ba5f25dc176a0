"""Flags' response times at their due-by, and what counts in the period."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

from parentapp.families.roles import CarerRole
from parentapp.outcomes.flag_figures import escalation_figures, response_figures, rule_counts
from parentapp.outcomes.records import ALL, CarerInfo, FlagRow, Group, period_of

PERIOD = period_of(date(2026, 9, 1), date(2026, 11, 29), "UTC")
RAISED = datetime(2026, 10, 1, 9, tzinfo=UTC)
DUE = RAISED + timedelta(hours=4)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
CARERS = [CarerInfo(1, CarerRole.MOTHER, "en", None)]
EVERYONE = [Group(ALL, ALL)]


BASE = FlagRow(
    carer_id=1,
    rule_id="self-harm-any",
    severity="urgent",
    opened_at=RAISED,
    due_at=DUE,
    acknowledged_at=None,
    escalation_level=0,
    escalated_at=None,
)


def flag(acknowledged_at: datetime | None, **kw: Any) -> FlagRow:
    return replace(BASE, acknowledged_at=acknowledged_at, **kw)


def test_acknowledged_at_the_due_by_time_is_on_time_a_second_later_is_not() -> None:
    flags = [flag(DUE), flag(DUE + timedelta(seconds=1))]
    (found,) = response_figures(CARERS, flags, PERIOD, EVERYONE, NOW)
    assert (found.raised, found.judged, found.on_time) == (2, 2, 1)
    # The median of 4 hours and 4 hours and a second.
    assert found.median_hours_to_acknowledge == Fraction(4) + Fraction(1, 7200)


def test_a_flag_not_yet_due_is_neither_on_time_nor_late() -> None:
    waiting = flag(None)
    (found,) = response_figures(CARERS, [waiting], PERIOD, EVERYONE, DUE - timedelta(seconds=1))
    assert (found.raised, found.judged, found.on_time) == (1, 0, 0)
    (late,) = response_figures(CARERS, [waiting], PERIOD, EVERYONE, DUE)
    assert (late.judged, late.on_time) == (1, 0)


def test_only_flags_raised_in_the_period_of_the_carers_given() -> None:
    flags = [
        flag(None, opened_at=PERIOD.starts_at - timedelta(seconds=1)),
        flag(None, opened_at=PERIOD.ends_at),
        flag(None, carer_id=99),  # not a carer of the report (another team, or restricted)
        flag(None, severity="concern", rule_id="score-at-cutoff", escalation_level=2),
    ]
    assert [
        (r.rule_id, r.severity, r.counts) for r in rule_counts(CARERS, flags, PERIOD, EVERYONE)
    ] == [("score-at-cutoff", "concern", (1,))]
    (escalations,) = escalation_figures(CARERS, flags, PERIOD, EVERYONE)
    assert (escalations.raised, escalations.escalated, escalations.to_leads) == (1, 1, 1)
