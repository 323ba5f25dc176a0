"""Every note is read by a person: a note raises its own flag, urgent when its words are about
suicide, self-harm, wanting to die or harming the baby. The pure rules here; the form, the API
and an offline replay in tests/checkins/test_note_flags.py and tests/api/test_note_flags.py."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parentapp.families.roles import CarerRole
from parentapp.instruments.answers import Answers
from parentapp.instruments.registry import builtin_registry
from parentapp.instruments.scoring import score
from parentapp.triage.evaluate import Context, FlagDecision, evaluate, worrying
from parentapp.triage.phrases import phrase_lists
from parentapp.triage.rules import (
    NOTE_HARM_TO_BABY_WORDS,
    NOTE_SELF_HARM_WORDS,
    NOTE_WRITTEN,
)
from parentapp.triage.services import merge_by_category
from parentapp.triage.vocab import Category
from tests.factories import WEEKLY_CALM

WEEKLY = builtin_registry().get("weekly")
CALM = {k: v for k, v in WEEKLY_CALM.items() if k != "note"}


def _decide(note: str | None, locale: str = "en") -> list[FlagDecision]:
    answers = dict(CALM)
    scores = score(WEEKLY, answers, CarerRole.MOTHER)
    ctx = Context(
        definition=WEEKLY,
        answers=answers,
        scores=scores,
        carer_role=CarerRole.MOTHER,
        note=note,
        locale=locale,
    )
    return [d for d in merge_by_category(evaluate(ctx)) if d.category == Category.NOTE]


@pytest.mark.parametrize("note", [None, "", "   ", "\n\t"])
def test_no_note_no_note_flag(note: str | None) -> None:
    assert _decide(note) == []


@pytest.mark.parametrize("note", ["x", "A hard week", "تعبت هذا الأسبوع", "Zmęczona", "ok" * 500])
def test_any_note_is_a_concern_to_read(note: str) -> None:
    [decision] = _decide(note, locale="ar")
    assert (decision.rule_id, decision.severity) == (NOTE_WRITTEN.id, "concern")
    # The evidence says the language and length, never the words.
    assert decision.evidence["note"] == {"language": "ar", "characters": len(note)}
    assert set(decision.evidence) == {"instrument", "note"}


def test_words_about_suicide_make_the_note_urgent_not_safeguarding() -> None:
    [decision] = _decide("I keep thinking about suicide")
    assert (decision.rule_id, decision.severity) == (NOTE_SELF_HARM_WORDS.id, "urgent")
    assert decision.safeguarding is False
    assert decision.evidence["note"] == {"language": "en", "characters": 29, "phrases": ["suicide"]}


def test_words_about_harming_the_baby_are_urgent_and_safeguarding() -> None:
    [decision] = _decide("I am scared I will hurt the baby")
    assert (decision.rule_id, decision.severity) == (NOTE_HARM_TO_BABY_WORDS.id, "urgent")
    assert decision.safeguarding is True


def test_both_kinds_of_words_are_one_urgent_safeguarding_note_flag() -> None:
    [decision] = _decide("I want to die and I might hurt the baby")
    assert decision.severity == "urgent" and decision.safeguarding is True
    assert decision.evidence["note"]["phrases"] == ["harm_to_baby", "wanting_to_die"]


ALL_PHRASES = sorted(
    {
        phrase
        for phrase_list in phrase_lists()
        for phrases in phrase_list.phrases.values()
        for phrase in phrases
    }
)


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(alphabet=st.characters(categories=["L", "Zs", "P"]), max_size=40),
    phrase=st.sampled_from(ALL_PHRASES),
    after=st.text(alphabet=st.characters(categories=["L", "Zs", "P"]), max_size=40),
)
def test_any_shipped_phrase_anywhere_in_a_note_makes_it_urgent(
    before: str, phrase: str, after: str
) -> None:
    """Whatever surrounds it, a listed phrase that starts a word is found (any language)."""
    [decision] = _decide(f"{before} {phrase}{after}")
    assert decision.severity == "urgent"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, False),
        (CALM, False),
        ({**CALM, "self_harm": "0"}, False),  # below the threshold
        ({**CALM, "self_harm": "1"}, True),  # at it
        ({**CALM, "self_harm": "3"}, True),  # above
        ({**CALM, "harm_to_baby": "1"}, True),
        ({**CALM, "self_harm": "not-a-code"}, True),  # unknown on a safety item: worrying
        ({**CALM, "note": "A hard week"}, False),
        ({**CALM, "note": "I want to die"}, True),
        ({"note": "thinking of suicide"}, True),  # even with every other answer missing
    ],
)
def test_worrying_answers_before_they_can_be_stored(answers: Answers, expected: bool) -> None:
    assert worrying(WEEKLY, answers) is expected
