"""Properties over every shipped definition: any valid answers score and evaluate without
crashing, and a non-zero self-harm (or harm-to-baby) answer always raises an urgent flag."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_definitions
from parentapp.instruments.schema import Definition, ItemType
from parentapp.instruments.scoring import item_value, score
from parentapp.triage.evaluate import Context, disengagement_decision, evaluate
from parentapp.triage.vocab import Category, Severity

DEFINITIONS = builtin_definitions()


def _answers(defn: Definition) -> st.SearchStrategy[dict[str, str]]:
    """Any answer the form accepts for each item, or none at all."""
    fields: dict[str, st.SearchStrategy[str | None]] = {}
    for item in defn.items:
        if item.type == ItemType.CHOICE:
            codes = [option.code for option in defn.options(item)]
            fields[item.link_id] = st.none() | st.sampled_from(codes)
        elif item.type == ItemType.BOOLEAN:
            fields[item.link_id] = st.none() | st.sampled_from(["true", "false"])
        elif item.type == ItemType.TEXT:
            fields[item.link_id] = st.none() | st.text(max_size=item.max_length or 200)
    return st.fixed_dictionaries(fields).map(
        lambda answers: {k: v for k, v in answers.items() if v is not None}
    )


def _positive(defn: Definition, answers: dict[str, str], tag: str) -> bool:
    return any(
        item_value(defn, item.link_id, answers[item.link_id]) > 0
        for item in defn.tagged(tag)
        if item.link_id in answers
    )


@pytest.mark.parametrize("defn", DEFINITIONS, ids=lambda d: d.id)
def test_any_answers_score_and_evaluate_and_safety_answers_always_flag(defn: Definition):
    scale_ids = [scale.id for scale in defn.scales]

    @settings(max_examples=150, deadline=None)
    @given(
        answers=_answers(defn),
        role=st.sampled_from(list(CarerRole)),
        baseline=st.fixed_dictionaries(
            {scale_id: st.none() | st.integers(0, 30) for scale_id in scale_ids}
        ),
        held=st.frozensets(st.sampled_from(scale_ids)) if scale_ids else st.just(frozenset()),
    )
    def check(answers, role, baseline, held):
        scores = score(defn, answers, role)
        ctx = Context(
            definition=defn,
            answers=answers,
            scores=scores,
            carer_role=role,
            baseline=baseline,
            deterioration_held=held,
        )
        decisions = evaluate(ctx)
        by_category = {d.category: d for d in decisions}
        for tag, category in (
            ("self_harm", Category.SELF_HARM),
            ("harm_to_baby", Category.HARM_TO_BABY),
        ):
            if _positive(defn, answers, tag):
                assert by_category[category].severity == Severity.URGENT
            else:
                assert category not in by_category
        if _positive(defn, answers, "harm_to_baby"):
            assert by_category[Category.HARM_TO_BABY].safeguarding
        for decision in decisions:
            assert decision.reason
            # Evidence holds codes and numbers only: never text a carer typed.
            for link_id in decision.evidence.get("answers", {}):
                assert defn.item(link_id).type != ItemType.TEXT

    check()


def test_the_property_covers_both_safety_tags():
    tags = {tag for defn in DEFINITIONS for item in defn.items for tag in item.tags}
    assert {"self_harm", "harm_to_baby", "contact_request"} <= tags


@settings(max_examples=300, deadline=None)
@given(missed=st.integers(0, 20), threshold=st.integers(1, 6), recent=st.booleans())
def test_disengagement_is_monotonic_and_a_recent_flag_never_delays_it(missed, threshold, recent):
    decided = disengagement_decision(missed, threshold, recent) is not None
    if decided:
        assert disengagement_decision(missed + 1, threshold, recent) is not None
        assert disengagement_decision(missed, threshold, True) is not None
    if missed >= threshold:
        assert decided
    if missed == 0:
        assert not decided
