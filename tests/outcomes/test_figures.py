"""The change figures at, just below and just above each threshold (PHQ-9: reliable change
5 points, cut-off 10), and the rounding the tables use."""

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_registry
from parentapp.instruments.schema import Scale
from parentapp.outcomes.figures import ChangeFigures, scale_figures
from parentapp.outcomes.records import ALL, CarerInfo, CheckinRow, Group, ScaleRef, period_of
from parentapp.outcomes.tables import one_decimal, share

PERIOD = period_of(date(2026, 9, 1), date(2026, 11, 29), "Europe/London")
FIRST = datetime(2026, 9, 10, 12, tzinfo=UTC)
LATEST = FIRST + timedelta(days=28)
EVERYONE = Group(ALL, ALL)


def phq9(**changes: object) -> ScaleRef:
    definition = builtin_registry().get("phq9")
    scale = definition.scales[0]
    if changes:
        scale = Scale.model_validate({**scale.model_dump(), **changes})
    return ScaleRef("phq9", definition.short_title, scale)


def carer(role: CarerRole = CarerRole.MOTHER, carer_id: int = 1) -> CarerInfo:
    return CarerInfo(carer_id, role, "en", FIRST - timedelta(days=30))


def figures(
    first: int,
    latest: int,
    ref: ScaleRef | None = None,
    role: CarerRole = CarerRole.MOTHER,
) -> ChangeFigures:
    rows = [
        CheckinRow(1, "phq9", FIRST, {"total": first}),
        CheckinRow(1, "phq9", LATEST, {"total": latest}),
    ]
    return scale_figures([carer(role)], rows, ref or phq9(), PERIOD, [EVERYONE])[0]


@pytest.mark.parametrize(
    ("first", "latest", "improved", "deteriorated"),
    [
        (14, 10, 0, 0),  # a fall of 4: just below the reliable change
        (14, 9, 1, 0),  # a fall of 5: at it
        (14, 8, 1, 0),  # a fall of 6: above it
        (6, 10, 0, 0),  # a rise of 4
        (6, 11, 0, 1),  # a rise of 5
        (6, 12, 0, 1),  # a rise of 6
    ],
)
def test_reliable_change_counts_from_the_threshold_on(
    first: int, latest: int, improved: int, deteriorated: int
) -> None:
    found = figures(first, latest)
    assert (found.improved, found.deteriorated) == (improved, deteriorated)
    assert found.no_reliable_change == 1 - improved - deteriorated
    assert found.mean_change == latest - first


@pytest.mark.parametrize(
    ("first", "latest", "case_at_first", "recovered", "rose"),
    [
        (10, 9, 1, 1, None),  # at the cut-off, then just below it: recovered
        (10, 10, 1, 0, None),  # at it both times: not recovered
        (11, 10, 1, 0, None),  # above, then at it: still a case
        (9, 9, 0, None, 0),  # just below both times
        (9, 10, 0, None, 1),  # just below, then at it: rose to the cut-off
        (8, 11, 0, None, 1),  # below, then above
    ],
)
def test_crossing_the_cut_off(
    first: int, latest: int, case_at_first: int, recovered: int | None, rose: int | None
) -> None:
    found = figures(first, latest)
    assert found.cases_at_first == case_at_first
    assert found.below_at_first == 1 - case_at_first
    if recovered is not None:
        assert found.recovered == recovered
    if rose is not None:
        assert found.became_cases == rose


def test_the_cut_off_of_the_carers_role_applies() -> None:
    """A lower cut-off for fathers (as some scales publish): 8 -> 7 is a father's recovery,
    and not a mother's (she was below her cut-off of 10 all along)."""
    ref = phq9(cutoff={"value": 10, "source": "test", "by_role": {"father": 8}})
    father, mother = figures(8, 7, ref, CarerRole.FATHER), figures(8, 7, ref, CarerRole.MOTHER)
    assert (father.cases_at_first, father.recovered) == (1, 1)
    assert (mother.cases_at_first, mother.recovered, mother.below_at_first) == (0, 0, 1)


def test_a_scale_without_thresholds_has_no_such_figures() -> None:
    """ "Not defined" must not read as "nobody": the weekly check-in has neither threshold."""
    found = figures(14, 2, phq9(reliable_change=None, cutoff=None))
    assert found.paired == 1 and found.mean_change == -12
    assert found.improved is found.deteriorated is found.no_reliable_change is None
    assert found.cases_at_first is found.recovered is found.became_cases is None


def test_one_score_is_scored_but_not_paired_and_scores_outside_the_period_do_not_count() -> None:
    before = PERIOD.starts_at - timedelta(seconds=1)
    rows = [
        CheckinRow(1, "phq9", before, {"total": 20}),  # before the period: not the first
        CheckinRow(1, "phq9", FIRST, {"total": 12}),
        CheckinRow(1, "phq9", LATEST, {"total": None}),  # too many items missing: no score
        CheckinRow(1, "gad7", LATEST, {"total": 3}),  # another instrument
        CheckinRow(2, "phq9", PERIOD.starts_at, {"total": 15}),  # the first moment counts
        CheckinRow(2, "phq9", PERIOD.ends_at - timedelta(seconds=1), {"total": 9}),
        CheckinRow(2, "phq9", PERIOD.ends_at, {"total": 30}),  # the day after: not counted
    ]
    carers = [carer(carer_id=1), carer(CarerRole.FATHER, carer_id=2)]
    found = scale_figures(carers, rows, phq9(), PERIOD, [EVERYONE])[0]
    assert (found.scored, found.paired, found.mean_change) == (2, 1, Fraction(-6))


def test_period_days_are_the_teams() -> None:
    """The period runs from midnight of its first day to midnight after its last, in the
    team's zone (here British Summer Time: an hour before UTC midnight)."""
    summer = period_of(date(2026, 7, 1), date(2026, 7, 31), "Europe/London")
    assert summer.starts_at == datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert summer.ends_at == datetime(2026, 7, 31, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(1, 20), "0.1"),  # halves away from zero, not to even
        (Fraction(-1, 20), "-0.1"),
        (Fraction(1, 3), "0.3"),
        (Fraction(-5, 2), "-2.5"),
        (Fraction(14), "14.0"),
        (None, None),
    ],
)
def test_one_decimal(value: Fraction | None, shown: str | None) -> None:
    assert one_decimal(value) == shown


def test_share_of_nobody_is_no_figure() -> None:
    assert share(0, 0) is None
    assert share(None, 3) is None
    assert share(2, 3) == "66.7"
    assert share(0, 3) == "0.0"
