"""Change in scores from each carer's first to their latest score in the period. Pure.

Higher scores mean more difficulty on every scale (``instruments.scoring.item_value`` reverses
items so that this holds), so a fall is an improvement. Each version of an instrument scores
the same scale ids, so scores of, say, GAD-7 1.0 and 1.1 are compared with each other; the
thresholds are the latest version's.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from parentapp.instruments.scoring import applicable_cutoff
from parentapp.outcomes.records import CarerInfo, CheckinRow, Group, Period, ScaleRef


@dataclass(frozen=True)
class Pair:
    """A carer's first and latest score, and the cut-off that applies to their role."""

    carer: CarerInfo
    first: int
    latest: int
    cutoff: int | None

    @property
    def change(self) -> int:
        return self.latest - self.first


@dataclass(frozen=True)
class ChangeFigures:
    group: Group
    # Carers with at least one score in the period, and those with two or more (paired).
    scored: int
    paired: int
    mean_change: Fraction | None
    # None when the scale has no reliable-change threshold (or no cut-off) in its definition:
    # "not defined" must not read as "nobody".
    reliable_change: int | None
    improved: int | None
    deteriorated: int | None
    no_reliable_change: int | None
    # Of the paired carers at or above their cut-off at first, those below it at the latest;
    # and of those below it at first, those at or above it at the latest.
    cases_at_first: int | None
    recovered: int | None
    below_at_first: int | None
    became_cases: int | None


def series(checkins: Iterable[CheckinRow], ref: ScaleRef, period: Period) -> dict[int, list[int]]:
    """carer id -> their scores on the scale in the period, oldest first."""
    found: dict[int, list[CheckinRow]] = {}
    for row in checkins:
        if row.instrument_id != ref.instrument_id or not period.holds(row.submitted_at):
            continue
        if row.scores.get(ref.scale.id) is not None:
            found.setdefault(row.carer_id, []).append(row)
    return {
        carer_id: [row.scores[ref.scale.id] or 0 for row in sorted(rows, key=_when)]
        for carer_id, rows in found.items()
    }


def _when(row: CheckinRow) -> datetime:
    return row.submitted_at


def pairs(
    carers: Iterable[CarerInfo], checkins: Iterable[CheckinRow], ref: ScaleRef, period: Period
) -> tuple[list[CarerInfo], list[Pair]]:
    """(carers with any score, their pairs): a carer with one score in the period has no
    change to show and is counted only as scored."""
    by_carer = series(checkins, ref, period)
    scored, paired = [], []
    for carer in carers:
        values = by_carer.get(carer.carer_id)
        if not values:
            continue
        scored.append(carer)
        if len(values) >= 2:
            cutoff = applicable_cutoff(ref.scale, carer.role)
            paired.append(Pair(carer, values[0], values[-1], cutoff))
    return scored, paired


def change_figures(
    group: Group, scored: Sequence[CarerInfo], paired: Sequence[Pair], ref: ScaleRef
) -> ChangeFigures:
    mine = [p for p in paired if group.has(p.carer)]
    threshold = ref.scale.reliable_change
    improved = deteriorated = None
    if threshold is not None:
        # At the threshold counts: the definitions give the smallest reliable change.
        improved = sum(1 for p in mine if p.change <= -threshold)
        deteriorated = sum(1 for p in mine if p.change >= threshold)
    with_cutoff = [p for p in mine if p.cutoff is not None]
    has_cutoff = ref.scale.cutoff is not None
    cases = [p for p in with_cutoff if p.first >= (p.cutoff or 0)]
    below = [p for p in with_cutoff if p.first < (p.cutoff or 0)]
    return ChangeFigures(
        group=group,
        scored=sum(1 for c in scored if group.has(c)),
        paired=len(mine),
        mean_change=Fraction(sum(p.change for p in mine), len(mine)) if mine else None,
        reliable_change=threshold,
        improved=improved,
        deteriorated=deteriorated,
        no_reliable_change=(
            len(mine) - (improved or 0) - (deteriorated or 0) if threshold is not None else None
        ),
        cases_at_first=len(cases) if has_cutoff else None,
        recovered=sum(1 for p in cases if p.latest < (p.cutoff or 0)) if has_cutoff else None,
        below_at_first=len(below) if has_cutoff else None,
        became_cases=(sum(1 for p in below if p.latest >= (p.cutoff or 0)) if has_cutoff else None),
    )


def scale_figures(
    carers: Sequence[CarerInfo],
    checkins: Sequence[CheckinRow],
    ref: ScaleRef,
    period: Period,
    groups: Iterable[Group],
) -> tuple[ChangeFigures, ...]:
    """One row of change figures per group for one scale."""
    scored, paired = pairs(carers, checkins, ref, period)
    return tuple(change_figures(group, scored, paired, ref) for group in groups)
