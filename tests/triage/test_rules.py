"""The flag rules, table-driven at, just below and just above every threshold. Pure: no database."""

import re

import pytest

from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_definitions
from parentapp.triage.evaluate import (
    Context,
    FlagDecision,
    definition_problems,
    disengagement_decision,
    disengagement_held,
    evaluate,
)
from parentapp.triage.rules import RULES, RULESET_VERSION, Check, rule_by_id
from parentapp.triage.vocab import Category, Severity
from tests.triage.helpers import answers_totalling, builtin, context, definition


def _by_rule(decisions: list[FlagDecision], rule_id: str) -> list[FlagDecision]:
    return [d for d in decisions if d.rule_id == rule_id]


# --- the ruleset itself ----------------------------------------------------------------------


def test_every_rule_has_an_id_a_reason_and_a_source():
    ids = [rule.id for rule in RULES]
    assert len(set(ids)) == len(ids)
    for rule in RULES:
        assert rule.reason.strip() and rule.source.strip()
        assert rule_by_id(rule.id) is rule
    assert rule_by_id("no-such-rule") is None
    assert re.fullmatch(r"\d{4}\.\d+\.\d+", RULESET_VERSION)


def test_the_required_rules_exist_with_their_severity():
    expected = {
        "self-harm-any": (Severity.URGENT, Category.SELF_HARM, False),
        "harm-to-baby-any": (Severity.URGENT, Category.HARM_TO_BABY, True),
        "score-at-cutoff": (Severity.CONCERN, None, False),
        "reliable-deterioration": (Severity.CONCERN, Category.DETERIORATION, False),
        "contact-requested": (Severity.CONCERN, Category.CONTACT_REQUEST, False),
        "disengaged": (Severity.CONCERN, Category.DISENGAGEMENT, False),
    }
    for rule_id, (severity, category, safeguarding) in expected.items():
        rule = rule_by_id(rule_id)
        assert rule is not None, rule_id
        assert (rule.severity, rule.category, rule.safeguarding) == (
            severity,
            category,
            safeguarding,
        )


@pytest.mark.parametrize("defn", builtin_definitions(), ids=lambda d: d.id)
def test_shipped_definitions_give_every_scale_a_usable_category(defn):
    assert definition_problems(defn) == []


@pytest.mark.parametrize("category", [None, "self_harm", "bonding"])
def test_a_scale_with_a_cutoff_but_no_usable_category_is_reported_and_still_flags_as_mood(
    category,
):
    base = definition()
    scale = base.scales[0].model_copy(update={"category": category})
    defn = base.model_copy(update={"scales": (scale,)})
    assert definition_problems(defn)
    assert definition_problems(base) == []
    decisions = evaluate(context(defn, answers_totalling(defn, 10)))
    assert [d.category for d in _by_rule(decisions, "score-at-cutoff")] == [Category.MOOD]


def test_all_zero_answers_raise_nothing():
    for instrument in ("phq9", "gad7", "weekly"):
        defn = builtin(instrument)
        answers = {i.link_id: "0" for i in defn.items if i.type == "choice"}
        assert evaluate(context(defn, answers)) == [], instrument


# --- self-harm and harm to the baby ---------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "link_id", "code", "flagged"),
    [
        ("phq9", "q9", "0", False),
        ("phq9", "q9", "1", True),
        ("phq9", "q9", "3", True),
        ("weekly", "self_harm", "0", False),
        ("weekly", "self_harm", "1", True),
        ("weekly", "self_harm", "3", True),
    ],
)
def test_self_harm_any_answer_above_zero_is_urgent(instrument, link_id, code, flagged):
    defn = builtin(instrument)
    answers = answers_totalling(defn, int(code), keep={link_id: code})
    decisions = _by_rule(evaluate(context(defn, answers)), "self-harm-any")
    if not flagged:
        assert decisions == []
        return
    [decision] = decisions
    assert decision.severity == Severity.URGENT
    assert decision.category == Category.SELF_HARM
    assert decision.evidence["answers"] == {link_id: code}
    assert decision.evidence["values"] == {link_id: int(code)}


@pytest.mark.parametrize(("code", "flagged"), [("0", False), ("1", True), ("3", True)])
def test_harm_to_baby_any_answer_above_zero_is_urgent_and_safeguarding(code, flagged):
    defn = builtin("weekly")
    answers = answers_totalling(defn, int(code), keep={"harm_to_baby": code})
    decisions = _by_rule(evaluate(context(defn, answers)), "harm-to-baby-any")
    assert len(decisions) == int(flagged)
    if flagged:
        assert decisions[0].severity == Severity.URGENT
        assert decisions[0].category == Category.HARM_TO_BABY
        assert decisions[0].safeguarding is True
        assert decisions[0].evidence["answers"] == {"harm_to_baby": code}


def test_an_unknown_answer_on_a_safety_item_raises_the_flag_rather_than_hiding_it():
    # Scoring refuses unknown codes; the rules, judging whatever reached them, fail safe.
    ctx = Context(
        definition=definition(), answers={"q7": "7"}, scores={}, carer_role=CarerRole.MOTHER
    )
    [decision] = _by_rule(evaluate(ctx), "self-harm-any")
    assert decision.evidence["values"] == {"q7": None}


def test_a_reverse_scored_self_harm_item_is_judged_by_its_scored_value():
    # Options listed lowest weight first; reversed, the highest-weight option means "not at all".
    base = definition()
    scale = base.scales[0].model_copy(update={"reverse": ("q7",)})
    defn = base.model_copy(update={"scales": (scale,)})
    quiet = evaluate(context(defn, {"q7": "3"}))
    assert _by_rule(quiet, "self-harm-any") == []
    loud = evaluate(context(defn, {"q7": "2"}))
    assert _by_rule(loud, "self-harm-any")[0].evidence["values"] == {"q7": 1}


def test_an_unanswered_safety_item_raises_nothing():
    defn = definition()
    assert _by_rule(evaluate(context(defn, {"q7": " "})), "self-harm-any") == []


# --- cut-offs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "total", "flagged", "category"),
    [
        ("phq9", 9, False, Category.MOOD),
        ("phq9", 10, True, Category.MOOD),
        ("phq9", 11, True, Category.MOOD),
        ("gad7", 9, False, Category.ANXIETY),
        ("gad7", 10, True, Category.ANXIETY),
        ("gad7", 11, True, Category.ANXIETY),
    ],
)
def test_score_at_cutoff(instrument, total, flagged, category):
    defn = builtin(instrument)
    ctx = context(defn, answers_totalling(defn, total))
    decisions = _by_rule(evaluate(ctx), "score-at-cutoff")
    assert len(decisions) == int(flagged)
    # The rule agrees with scoring's own verdict.
    assert ctx.scores["total"].positive is flagged
    if flagged:
        assert decisions[0].category == category
        assert decisions[0].severity == Severity.CONCERN
        assert decisions[0].evidence["scores"]["total"]["value"] == total
        assert decisions[0].evidence["scores"]["total"]["cutoff"] == 10


@pytest.mark.parametrize(
    ("role", "total", "flagged"),
    [
        (CarerRole.FATHER, 6, False),
        (CarerRole.FATHER, 7, True),
        (CarerRole.FATHER, 8, True),
        (CarerRole.MOTHER, 7, False),
        (CarerRole.MOTHER, 9, False),
        (CarerRole.MOTHER, 10, True),
        (CarerRole.MOTHER, 11, True),
        (CarerRole.CO_PARENT, 9, False),
        (CarerRole.CO_PARENT, 10, True),
    ],
)
def test_role_specific_cutoff(role, total, flagged):
    defn = definition()
    decisions = _by_rule(
        evaluate(context(defn, answers_totalling(defn, total), role=role)), "score-at-cutoff"
    )
    assert len(decisions) == int(flagged)
    if flagged:
        expected = 7 if role == CarerRole.FATHER else 10
        assert decisions[0].evidence["scores"]["total"]["cutoff"] == expected
        assert decisions[0].evidence["scores"]["total"]["role"] == role.value


def test_no_score_no_cutoff_decision():
    defn = builtin("phq9")
    answers = answers_totalling(defn, 20)
    del answers["q1"]  # PHQ-9 allows no missing item: the total is None
    ctx = context(defn, answers)
    assert ctx.scores["total"].value is None
    assert _by_rule(evaluate(ctx), "score-at-cutoff") == []


# --- reliable deterioration ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "rise", "flagged"),
    [
        ("phq9", 4, False),
        ("phq9", 5, True),
        ("phq9", 6, True),
        ("gad7", 3, False),
        ("gad7", 4, True),
        ("gad7", 5, True),
    ],
)
def test_reliable_deterioration_from_own_baseline(instrument, rise, flagged):
    defn = builtin(instrument)
    baseline = 2
    ctx = context(defn, answers_totalling(defn, baseline + rise), baseline={"total": baseline})
    decisions = _by_rule(evaluate(ctx), "reliable-deterioration")
    assert len(decisions) == int(flagged)
    if flagged:
        evidence = decisions[0].evidence["scores"]["total"]
        assert decisions[0].category == Category.DETERIORATION
        assert evidence == {
            "value": baseline + rise,
            "baseline": baseline,
            "best_recent": None,
            "reference": "baseline",
            "change": rise,
            "reliable_change": defn.scales[0].reliable_change,
        }


@pytest.mark.parametrize(
    ("instrument", "first", "best", "value", "flagged"),
    [
        # Recovered from 14 to 3, then relapsing: measured from 3 (PHQ-9 reliable change 5).
        ("phq9", 14, 3, 7, False),
        ("phq9", 14, 3, 8, True),
        ("phq9", 14, 3, 9, True),
        # GAD-7: from 12 down to 2, reliable change 4.
        ("gad7", 12, 2, 5, False),
        ("gad7", 12, 2, 6, True),
        ("gad7", 12, 2, 7, True),
    ],
)
def test_reliable_deterioration_from_the_best_recent_score(instrument, first, best, value, flagged):
    defn = builtin(instrument)
    ctx = context(
        defn,
        answers_totalling(defn, value),
        baseline={"total": first},
        best_recent={"total": best},
    )
    decisions = _by_rule(evaluate(ctx), "reliable-deterioration")
    assert len(decisions) == int(flagged)
    if flagged:
        assert decisions[0].evidence["scores"]["total"] == {
            "value": value,
            "baseline": first,
            "best_recent": best,
            "reference": "best_recent",
            "change": value - best,
            "reliable_change": defn.scales[0].reliable_change,
        }


def test_a_best_recent_score_above_the_baseline_leaves_the_baseline_the_reference():
    defn = builtin("phq9")
    ctx = context(defn, answers_totalling(defn, 7), baseline={"total": 2}, best_recent={"total": 6})
    [decision] = _by_rule(evaluate(ctx), "reliable-deterioration")
    evidence = decision.evidence["scores"]["total"]
    assert (evidence["reference"], evidence["change"]) == ("baseline", 5)
    # Equal scores: the first one is named.
    ctx = context(defn, answers_totalling(defn, 7), baseline={"total": 2}, best_recent={"total": 2})
    [decision] = _by_rule(evaluate(ctx), "reliable-deterioration")
    assert decision.evidence["scores"]["total"]["reference"] == "baseline"


def test_the_recent_window_is_data_on_the_rule_with_its_reason():
    rule = rule_by_id("reliable-deterioration")
    assert rule is not None
    assert rule.recent_window_days == 84
    assert "12 weeks" in rule.source and "best" in rule.source


def test_no_baseline_no_deterioration():
    defn = builtin("phq9")
    ctx = context(defn, answers_totalling(defn, 20), baseline={"total": None})
    assert _by_rule(evaluate(ctx), "reliable-deterioration") == []
    ctx = context(defn, answers_totalling(defn, 20))
    assert _by_rule(evaluate(ctx), "reliable-deterioration") == []


def test_a_held_scale_does_not_deteriorate_again():
    defn = builtin("phq9")
    answers = answers_totalling(defn, 12)
    held = context(defn, answers, baseline={"total": 2}, deterioration_held=frozenset({"total"}))
    assert _by_rule(evaluate(held), "reliable-deterioration") == []
    free = context(defn, answers, baseline={"total": 2})
    assert _by_rule(evaluate(free), "reliable-deterioration")


def test_improvement_is_not_deterioration():
    defn = builtin("phq9")
    ctx = context(defn, answers_totalling(defn, 2), baseline={"total": 20})
    assert _by_rule(evaluate(ctx), "reliable-deterioration") == []


# --- contact requested -----------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "flagged"), [("true", True), ("false", False), (None, False)])
def test_contact_requested(answer, flagged):
    defn = builtin("weekly")
    answers = answers_totalling(defn, 0)
    if answer is not None:
        answers["contact"] = answer
    decisions = _by_rule(evaluate(context(defn, answers)), "contact-requested")
    assert len(decisions) == int(flagged)
    if flagged:
        assert decisions[0].category == Category.CONTACT_REQUEST
        assert decisions[0].evidence["answers"] == {"contact": "true"}


def test_evidence_never_holds_the_free_text_note():
    defn = builtin("weekly")
    note = "a private sentence for the clinician"
    answers = answers_totalling(defn, 3, keep={"self_harm": "3"})
    answers.update({"contact": "true", "note": note})
    decisions = evaluate(context(defn, answers))
    assert {d.rule_id for d in decisions} == {"self-harm-any", "contact-requested"}
    assert all(note not in repr(d.evidence) for d in decisions)


# --- disengagement ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "recent_flag", "missed", "flagged"),
    [
        # Team default 2; one fewer after a flag.
        (2, False, 1, False),
        (2, False, 2, True),
        (2, False, 3, True),
        (2, True, 0, False),
        (2, True, 1, True),
        (2, True, 2, True),
        # Team setting 1: never below one miss.
        (1, False, 0, False),
        (1, False, 1, True),
        (1, False, 2, True),
        (1, True, 0, False),
        (1, True, 1, True),
        # Team setting 3.
        (3, False, 2, False),
        (3, False, 3, True),
        (3, False, 4, True),
        (3, True, 1, False),
        (3, True, 2, True),
        (3, True, 3, True),
    ],
)
def test_disengagement_decision(threshold, recent_flag, missed, flagged):
    decision = disengagement_decision(missed, threshold, recent_flag)
    assert (decision is not None) is flagged
    if decision is not None:
        assert decision.rule_id == "disengaged"
        assert decision.category == Category.DISENGAGEMENT
        assert decision.severity == Severity.CONCERN
        assert decision.evidence["missed"] == missed
        assert decision.evidence["team_threshold"] == threshold


def test_disengagement_rule_is_data_driven():
    rule = rule_by_id("disengaged")
    assert rule is not None and rule.check == Check.MISSED_CHECKINS
    assert (rule.lowered_by_recent_flag, rule.minimum) == (1, 1)


@pytest.mark.parametrize(
    ("now", "closed", "held"),
    [
        # Nothing closed before: never held.
        ({"weekly": {"missed": 2, "last_checkin_at": None}}, None, False),
        # Closed for this same run of misses, no further miss: held.
        (
            {"weekly": {"missed": 2, "last_checkin_at": None}},
            {"schedules": {"weekly": {"missed": 2, "last_checkin_at": None}}},
            True,
        ),
        # One more miss since: raise again.
        (
            {"weekly": {"missed": 3, "last_checkin_at": None}},
            {"schedules": {"weekly": {"missed": 2, "last_checkin_at": None}}},
            False,
        ),
        # The carer checked in since, and a new run of misses began.
        (
            {"weekly": {"missed": 2, "last_checkin_at": "2026-11-20T10:00:00+00:00"}},
            {"schedules": {"weekly": {"missed": 2, "last_checkin_at": None}}},
            False,
        ),
        # Another schedule is now missed too.
        (
            {
                "weekly": {"missed": 2, "last_checkin_at": None},
                "phq9": {"missed": 2, "last_checkin_at": None},
            },
            {"schedules": {"weekly": {"missed": 2, "last_checkin_at": None}}},
            False,
        ),
    ],
)
def test_disengagement_hysteresis(now, closed, held):
    assert disengagement_held(schedules=now, closed_evidence=closed) is held
