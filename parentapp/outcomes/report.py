"""The whole report for a period: every figure, for every group. Pure: rows in, figures out."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from parentapp.outcomes.engagement import EngagementFigures, engagement_figures
from parentapp.outcomes.figures import ChangeFigures, scale_figures, series
from parentapp.outcomes.flag_figures import (
    EscalationFigures,
    ResponseFigures,
    RuleCount,
    escalation_figures,
    response_figures,
    rule_counts,
)
from parentapp.outcomes.records import Group, Period, ScaleRef, TeamRows, groups_for
from parentapp.outcomes.referral_figures import ReferralFigures, referral_figures
from parentapp.referrals.vocab import PROFESSIONS


@dataclass(frozen=True)
class ScaleSection:
    ref: ScaleRef
    figures: tuple[ChangeFigures, ...]


@dataclass(frozen=True)
class Report:
    period: Period
    now: datetime
    instrument_id: str | None
    groups: tuple[Group, ...]
    scales: tuple[ScaleSection, ...]
    engagement: tuple[EngagementFigures, ...]
    rules: tuple[RuleCount, ...]
    responses: tuple[ResponseFigures, ...]
    escalations: tuple[EscalationFigures, ...]
    referrals: tuple[ReferralFigures, ...] = ()


def build_report(
    rows: TeamRows,
    refs: Sequence[ScaleRef],
    period: Period,
    now: datetime,
    *,
    instrument_id: str | None = None,
    language_order: Sequence[str] = (),
) -> Report:
    """With ``instrument_id`` the scores and engagement are that instrument's alone; without,
    each instrument with a score in the period has its own section. Flags are the team's
    whatever the instrument: a missed check-in or a note belongs to no one questionnaire."""
    groups = groups_for(rows.carers, language_order)
    chosen = [r for r in refs if instrument_id is None or r.instrument_id == instrument_id]
    if instrument_id is None:
        chosen = [r for r in chosen if series(rows.checkins, r, period)]
    carers, flags = rows.carers, rows.flags
    return Report(
        period=period,
        now=now,
        instrument_id=instrument_id,
        groups=groups,
        scales=tuple(
            ScaleSection(ref, scale_figures(carers, rows.checkins, ref, period, groups))
            for ref in chosen
        ),
        engagement=engagement_figures(rows, period, now, groups, instrument_id),
        rules=rule_counts(carers, flags, period, groups),
        responses=response_figures(carers, flags, period, groups, now),
        escalations=escalation_figures(carers, flags, period, groups),
        referrals=referral_figures(rows.referrals, period, list(PROFESSIONS)),
    )
