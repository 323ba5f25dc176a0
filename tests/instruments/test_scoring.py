"""Scoring of every shipped instrument, table by table: bounds, reverse items, missing answers,
bands and cut-offs at, just below and just above each boundary."""

from typing import Any

import pytest

from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_registry
from parentapp.instruments.schema import Definition
from parentapp.instruments.scoring import item_value, round_half_up, score
from tests.instruments.helpers import answers_for_total, definition, scored_items

REGISTRY = builtin_registry()


def defn(instrument_id: str) -> Definition:
    return REGISTRY.get(instrument_id)


def all_answers(instrument_id: str, code: str) -> dict[str, str]:
    d = defn(instrument_id)
    return dict.fromkeys(scored_items(d), code)


# (instrument, minimum, maximum)
BOUNDS = [("phq9", 0, 27), ("phq2", 0, 6), ("gad7", 0, 21), ("gad2", 0, 6), ("weekly", 0, 24)]


@pytest.mark.parametrize(("instrument_id", "low", "high"), BOUNDS)
def test_minimum_and_maximum(instrument_id: str, low: int, high: int) -> None:
    d = defn(instrument_id)
    assert score(d, answers_for_total(d, low))["total"].value == low
    assert score(d, answers_for_total(d, high))["total"].value == high


@pytest.mark.parametrize(
    ("instrument_id", "code", "total"),
    [
        # Published worked examples: every item "Several days" scores 1 each.
        ("phq9", "1", 9),
        ("phq9", "2", 18),
        ("phq9", "3", 27),
        ("phq2", "1", 2),
        ("gad7", "1", 7),
        ("gad7", "3", 21),
        ("gad2", "2", 4),
    ],
)
def test_published_example_totals(instrument_id: str, code: str, total: int) -> None:
    result = score(defn(instrument_id), all_answers(instrument_id, code))["total"]
    assert result.value == total
    assert result.answered == len(scored_items(defn(instrument_id)))
    assert result.missing == 0
    assert result.prorated is False


def test_phq9_difficulty_item_is_not_scored() -> None:
    answers = all_answers("phq9", "0") | {"difficulty": "3"}
    assert score(defn("phq9"), answers)["total"].value == 0


def test_weekly_reverse_scored_items() -> None:
    d = defn("weekly")
    # Everything at its lowest weight: the two reverse items (support, closeness) score 3 each.
    assert score(d, all_answers("weekly", "0"))["total"].value == 6
    assert score(d, all_answers("weekly", "3"))["total"].value == 18
    assert item_value(d, "support", "3") == 0
    assert item_value(d, "support", "0") == 3
    assert item_value(d, "closeness", "1") == 2
    assert item_value(d, "mood", "1") == 1
    assert item_value(d, "self_harm", "1") == 1


def test_item_value_refuses_unknown_code() -> None:
    with pytest.raises(ValueError, match="not an answer"):
        item_value(defn("phq9"), "q9", "7")


def test_unknown_code_is_not_silently_skipped() -> None:
    with pytest.raises(ValueError, match="not an answer"):
        score(defn("phq9"), all_answers("phq9", "1") | {"q4": "9"})


@pytest.mark.parametrize("instrument_id", ["phq9", "phq2", "gad7", "gad2", "weekly"])
def test_shipped_scales_allow_no_missing_answer(instrument_id: str) -> None:
    answers = all_answers(instrument_id, "2")
    first = scored_items(defn(instrument_id))[0]
    del answers[first]
    result = score(defn(instrument_id), answers)["total"]
    assert result.value is None
    assert result.band is None
    assert result.positive is None
    assert result.missing == 1


def test_blank_answer_counts_as_missing() -> None:
    result = score(defn("phq9"), all_answers("phq9", "1") | {"q1": "  "})["total"]
    assert (result.value, result.missing) == (None, 1)


# --- bands at, just below and just above each boundary ------------------------------------

BAND_CASES: list[tuple[str, int, str]] = []
for _instrument, _bands in {
    "phq9": [(0, "None\N{EN DASH}minimal"), (5, "Mild"), (10, "Moderate"), (15, "Moderately severe"), (20, "Severe")],
    "gad7": [(0, "Minimal"), (5, "Mild"), (10, "Moderate"), (15, "Severe")],
    "weekly": [(0, "Few difficulties"), (6, "Some difficulties"), (12, "Many difficulties"), (18, "Very many difficulties")],
}.items():  # fmt: skip
    for _index, (_min, _label) in enumerate(_bands):
        BAND_CASES.append((_instrument, _min, _label))
        BAND_CASES.append((_instrument, _min + 1, _label))
        if _index:
            BAND_CASES.append((_instrument, _min - 1, _bands[_index - 1][1]))


@pytest.mark.parametrize(("instrument_id", "total", "label"), BAND_CASES)
def test_band_boundaries(instrument_id: str, total: int, label: str) -> None:
    d = defn(instrument_id)
    result = score(d, answers_for_total(d, total))["total"]
    assert result.value == total
    assert result.band == label


@pytest.mark.parametrize("instrument_id", ["phq2", "gad2"])
def test_two_item_screens_have_no_bands(instrument_id: str) -> None:
    d = defn(instrument_id)
    assert score(d, answers_for_total(d, 6))["total"].band is None


# --- cut-offs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "cutoff"), [("phq9", 10), ("phq2", 3), ("gad7", 10), ("gad2", 3)]
)
@pytest.mark.parametrize(("offset", "positive"), [(-1, False), (0, True), (1, True)])
def test_cutoff_at_below_and_above(
    instrument_id: str, cutoff: int, offset: int, positive: bool
) -> None:
    d = defn(instrument_id)
    result = score(d, answers_for_total(d, cutoff + offset))["total"]
    assert result.cutoff == cutoff
    assert result.positive is positive


@pytest.mark.parametrize("total", [0, 12, 24])
def test_weekly_has_no_cutoff(total: int) -> None:
    d = defn("weekly")
    result = score(d, answers_for_total(d, total))["total"]
    assert (result.cutoff, result.positive) == (None, None)


def _role_definition(**missing: Any) -> Definition:
    """Four 0-3 items; cut-off 8 in general, 6 for fathers."""
    return definition(
        items=4,
        scale={
            "cutoff": {
                "value": 8,
                "source": "test",
                "by_role": {"father": 6},
                "by_role_source": "test",
            },
            "missing": missing or {"max_missing": 0},
        },
    )


@pytest.mark.parametrize(
    ("role", "total", "cutoff", "positive"),
    [
        (CarerRole.FATHER, 5, 6, False),
        (CarerRole.FATHER, 6, 6, True),
        (CarerRole.FATHER, 7, 6, True),
        (CarerRole.MOTHER, 6, 8, False),
        (CarerRole.MOTHER, 7, 8, False),
        (CarerRole.MOTHER, 8, 8, True),
        (CarerRole.MOTHER, 9, 8, True),
        (None, 7, 8, False),
        (None, 8, 8, True),
    ],
)
def test_role_specific_cutoff(
    role: CarerRole | None, total: int, cutoff: int, positive: bool
) -> None:
    d = _role_definition()
    result = score(d, answers_for_total(d, total), carer_role=role)["total"]
    assert result.value == total
    assert result.cutoff == cutoff
    assert result.positive is positive


# --- missing answers and prorating --------------------------------------------------------


def test_missing_within_rule_is_summed_without_prorating() -> None:
    d = _role_definition(max_missing=1, prorate=False)
    result = score(d, {"i1": "3", "i2": "3", "i3": "1"})["total"]
    assert (result.value, result.answered, result.missing, result.prorated) == (7, 3, 1, False)


@pytest.mark.parametrize(
    ("answers", "value"),
    [
        # Mean of the answered items x 4 items, halves rounded up.
        ({"i1": "3", "i2": "3", "i3": "1"}, 9),  # 7 * 4 / 3 = 9.33
        ({"i1": "1", "i2": "1"}, 4),  # 2 * 4 / 2 = 4 (two missing: at the bound)
        ({"i1": "1", "i2": "0", "i3": "0"}, 1),  # 1 * 4 / 3 = 1.33
        ({"i1": "2", "i2": "0", "i3": "0"}, 3),  # 2 * 4 / 3 = 2.67
        ({"i1": "3", "i2": "0"}, 6),  # 3 * 4 / 2 = 6
        ({"i1": "3", "i2": "1", "i3": "1"}, 7),  # 5 * 4 / 3 = 6.67
    ],
)
def test_prorating(answers: dict[str, str], value: int) -> None:
    d = _role_definition(max_missing=2, prorate=True)
    result = score(d, answers)["total"]
    assert result.value == value
    assert result.prorated is True


def test_one_over_max_missing_gives_no_score() -> None:
    d = _role_definition(max_missing=2, prorate=True)
    result = score(d, {"i1": "3"}, carer_role=CarerRole.FATHER)["total"]
    assert (result.value, result.answered, result.missing) == (None, 1, 3)
    assert result.positive is None
    assert result.band is None


def test_complete_answers_are_not_marked_prorated() -> None:
    d = _role_definition(max_missing=2, prorate=True)
    result = score(d, {"i1": "1", "i2": "1", "i3": "1", "i4": "1"})["total"]
    assert (result.value, result.prorated) == (4, False)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(1, 2, 1), (3, 2, 2), (5, 2, 3), (7, 3, 2), (8, 3, 3), (0, 1, 0)],
)
def test_round_half_up(numerator: int, denominator: int, expected: int) -> None:
    from fractions import Fraction

    assert round_half_up(Fraction(numerator, denominator)) == expected


def test_hidden_items_count_as_missing() -> None:
    d = definition(
        items=3,
        extra_items=[],
        enable_when={"i3": [{"question": "i1", "operator": ">=", "answer": 2}]},
        scale={"missing": {"max_missing": 1}},
    )
    shown = score(d, {"i1": "2", "i2": "1", "i3": "3"})["total"]
    assert shown.value == 6
    # i1 below 2 hides i3; an answer left over for it must not count.
    hidden = score(d, {"i1": "1", "i2": "1", "i3": "3"})["total"]
    assert (hidden.value, hidden.missing) == (2, 1)


def test_score_json_round_trip() -> None:
    from parentapp.instruments.results import ScaleScore

    result = score(defn("phq9"), all_answers("phq9", "2"))["total"]
    assert ScaleScore.from_json(result.as_json()) == result


# --- urgent safety answers (no reassuring band beside them) ----------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "answers", "urgent"),
    [
        ("weekly", {"self_harm": "0", "harm_to_baby": "0"}, False),
        ("weekly", {"self_harm": "1", "harm_to_baby": "0"}, True),
        ("weekly", {"self_harm": "0", "harm_to_baby": "1"}, True),
        ("weekly", {"self_harm": "3"}, True),
        ("weekly", {"self_harm": "9"}, True),  # unknown code on a safety item: worrying
        ("weekly", {"mood": "3", "worry": "3"}, False),  # high scores alone are not urgent
        ("phq9", {"q9": "0", "q1": "3"}, False),
        ("phq9", {"q9": "1"}, True),
        ("gad7", {"q1": "3"}, False),  # no safety item
        ("weekly", {}, False),
    ],
)
def test_has_urgent_answer(instrument_id: str, answers: dict[str, str], urgent: bool) -> None:
    from parentapp.instruments.scoring import has_urgent_answer

    assert has_urgent_answer(defn(instrument_id), answers) is urgent


def test_a_reverse_scored_safety_item_is_judged_by_its_scored_value() -> None:
    from parentapp.instruments.scoring import has_urgent_answer

    data_defn = definition(scale={"reverse": ["i1"]})
    tagged = data_defn.model_copy(
        update={
            "items": (
                data_defn.items[0].model_copy(update={"tags": ("self_harm",)}),
                *data_defn.items[1:],
            )
        }
    )
    # Reversed: the highest weight (3) scores 0, the lowest (0) scores 3.
    assert has_urgent_answer(tagged, {"i1": "3"}) is False
    assert has_urgent_answer(tagged, {"i1": "0"}) is True
