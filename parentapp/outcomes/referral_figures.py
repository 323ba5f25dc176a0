"""Referrals received in the period, by the kind of professional who sent them: how long the
team took to acknowledge them and to make first contact, and how many it accepted. Pure.

Days are calendar days (a family waits through weekends too), to one decimal; the medians
are over the referrals that reached the step. The acceptance rate is over those triaged.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from parentapp.outcomes.records import Period, ReferralRow

# The row of every referral, whoever sent it.
EVERYONE = "all"


@dataclass(frozen=True)
class ReferralFigures:
    referrer_type: str  # a profession code, or EVERYONE
    received: int
    acknowledged: int
    median_days_to_acknowledge: Fraction | None
    triaged: int
    accepted: int
    contact_made: int
    median_days_to_first_contact: Fraction | None


def _days(start: datetime, end: datetime) -> Fraction:
    return Fraction((end - start) // timedelta(seconds=1), 86400)


def _median(values: list[Fraction]) -> Fraction | None:
    return Fraction(statistics.median(values)) if values else None


def _figures(kind: str, rows: Sequence[ReferralRow]) -> ReferralFigures:
    return ReferralFigures(
        referrer_type=kind,
        received=len(rows),
        acknowledged=sum(1 for r in rows if r.acknowledged_at is not None),
        median_days_to_acknowledge=_median(
            [_days(r.received_at, r.acknowledged_at) for r in rows if r.acknowledged_at]
        ),
        triaged=sum(1 for r in rows if r.triaged_at is not None),
        accepted=sum(1 for r in rows if r.accepted),
        contact_made=sum(1 for r in rows if r.contact_made_at is not None),
        median_days_to_first_contact=_median(
            [_days(r.received_at, r.contact_made_at) for r in rows if r.contact_made_at]
        ),
    )


def referral_figures(
    referrals: Sequence[ReferralRow], period: Period, order: Sequence[str]
) -> tuple[ReferralFigures, ...]:
    """Every referral received in the period, then one row per kind of referrer (in
    ``order``, then any other kind) that sent one."""
    mine = [r for r in referrals if period.holds(r.received_at)]
    if not mine:
        return ()
    rank = {kind: i for i, kind in enumerate(order)}
    kinds = sorted({r.referrer_type for r in mine}, key=lambda k: (rank.get(k, len(rank)), k))
    return (
        _figures(EVERYONE, mine),
        *(_figures(kind, [r for r in mine if r.referrer_type == kind]) for kind in kinds),
    )
