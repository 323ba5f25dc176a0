"""Flags raised in the period: by rule and severity, response times, escalations. Pure.

A flag is counted in the period it was raised in, for the carer it is about.
"""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from parentapp.outcomes.records import CarerInfo, FlagRow, Group, Period
from parentapp.triage.response import TO_LEAD
from parentapp.triage.vocab import Severity

SEVERITY_ORDER = {severity.value: rank for rank, severity in enumerate(Severity)}


def _raised(
    carers: Iterable[CarerInfo], flags: Iterable[FlagRow], period: Period
) -> list[tuple[CarerInfo, FlagRow]]:
    by_id = {carer.carer_id: carer for carer in carers}
    return [
        (by_id[flag.carer_id], flag)
        for flag in flags
        if flag.carer_id in by_id and period.holds(flag.opened_at)
    ]


def _severity_key(severity: str) -> tuple[int, str]:
    return SEVERITY_ORDER.get(severity, len(SEVERITY_ORDER)), severity


@dataclass(frozen=True)
class RuleCount:
    rule_id: str
    severity: str
    # One count per group, in the groups' order.
    counts: tuple[int, ...]


def rule_counts(
    carers: Sequence[CarerInfo],
    flags: Sequence[FlagRow],
    period: Period,
    groups: Sequence[Group],
) -> tuple[RuleCount, ...]:
    """Flags raised by each rule at each severity (most severe first), per group."""
    raised = _raised(carers, flags, period)
    keys = sorted(
        {(flag.rule_id, flag.severity) for _carer, flag in raised},
        key=lambda key: (_severity_key(key[1]), key[0]),
    )
    return tuple(
        RuleCount(
            rule_id,
            severity,
            tuple(
                sum(
                    1
                    for carer, flag in raised
                    if flag.rule_id == rule_id and flag.severity == severity and group.has(carer)
                )
                for group in groups
            ),
        )
        for rule_id, severity in keys
    )


@dataclass(frozen=True)
class ResponseFigures:
    severity: str
    group: Group
    raised: int
    # Flags with a due-by that were acknowledged, or whose due-by has passed: the ones that
    # can be judged on time or late. One not yet due and not acknowledged is neither.
    judged: int
    on_time: int
    # Hours from being raised to being acknowledged, over the acknowledged ones.
    median_hours_to_acknowledge: Fraction | None


def _on_time(flag: FlagRow) -> bool:
    return (
        flag.acknowledged_at is not None
        and flag.due_at is not None
        and flag.acknowledged_at <= flag.due_at
    )


def _hours(start: datetime, end: datetime) -> Fraction:
    return Fraction((end - start) // timedelta(seconds=1), 3600)


def response_figures(
    carers: Sequence[CarerInfo],
    flags: Sequence[FlagRow],
    period: Period,
    groups: Sequence[Group],
    now: datetime,
) -> tuple[ResponseFigures, ...]:
    """Per severity raised in the period (most severe first), one row per group."""
    raised = _raised(carers, flags, period)
    severities = sorted({flag.severity for _c, flag in raised}, key=_severity_key)
    rows = []
    for severity in severities:
        for group in groups:
            mine = [f for c, f in raised if f.severity == severity and group.has(c)]
            judged = [
                f
                for f in mine
                if f.due_at is not None and (f.acknowledged_at is not None or f.due_at <= now)
            ]
            on_time = [f for f in judged if _on_time(f)]
            waits = [_hours(f.opened_at, f.acknowledged_at) for f in mine if f.acknowledged_at]
            rows.append(
                ResponseFigures(
                    severity=severity,
                    group=group,
                    raised=len(mine),
                    judged=len(judged),
                    on_time=len(on_time),
                    median_hours_to_acknowledge=(
                        Fraction(statistics.median(waits)) if waits else None
                    ),
                )
            )
    return tuple(rows)


@dataclass(frozen=True)
class EscalationFigures:
    group: Group
    raised: int
    # Escalated at least once (to the duty clinician or straight to the leads), and those
    # that reached the team's leads.
    escalated: int
    to_leads: int


def escalation_figures(
    carers: Sequence[CarerInfo],
    flags: Sequence[FlagRow],
    period: Period,
    groups: Sequence[Group],
) -> tuple[EscalationFigures, ...]:
    raised = _raised(carers, flags, period)
    rows = []
    for group in groups:
        mine = [f for c, f in raised if group.has(c)]
        escalated = [f for f in mine if f.escalation_level > 0 or f.escalated_at is not None]
        rows.append(
            EscalationFigures(
                group=group,
                raised=len(mine),
                escalated=len(escalated),
                to_leads=sum(1 for f in mine if f.escalation_level >= TO_LEAD),
            )
        )
    return tuple(rows)
