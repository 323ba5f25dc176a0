"""The note screen's mechanism and its English list (other languages: test_phrases_languages)."""

import json

import pytest

from parentapp.triage.phrases import PHRASES_DIR, PhraseCategory, normalise, phrase_lists, screen


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I keep thinking about suicide", "suicide"),
        ("feeling suicidal tonight", "suicide"),
        ("I could just END IT ALL", "suicide"),
        ("thought about taking my own life", "suicide"),
        ("I have been self-harming again", "self_harm"),
        ("self harm", "self_harm"),
        ("I cut myself last night", "self_harm"),
        ("I want to die", "wanting_to_die"),
        ("honestly they'd be better off without me", "wanting_to_die"),
        ("I just don’t want to wake up", "wanting_to_die"),
        ("I'm scared I will hurt the baby", "harm_to_baby"),
        ("I shook my baby when he would not stop", "harm_to_baby"),
        ("thoughts of smothering her", "harm_to_baby"),
    ],
)
def test_english_phrases_are_found(text: str, category: str) -> None:
    assert category in screen(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "We had a lovely walk in the park",
        "I am learning a new skill at work",
        "She was tired but we managed",
        "Sleep has been better this week, thank you",
        "Could we talk about feeding at the next session?",
        "My partner is doing the night feeds",
    ],
)
def test_harmless_notes_are_not_screened(text: str) -> None:
    assert screen(text) == frozenset()


def test_a_phrase_must_start_at_a_word_boundary() -> None:
    # "overdose" and "kill myself" are phrases: neither may be found inside another word.
    assert screen("the overdoses' dosage and my skill myself") == {"suicide"}
    assert screen("the dosage and my skill myself") == frozenset()
    assert screen("I took an overdose") == {"suicide"}


def test_case_accents_and_punctuation_do_not_hide_a_phrase() -> None:
    assert screen("WANT…TO…DIE") == {"wanting_to_die"}
    assert screen("want-to-die") == {"wanting_to_die"}
    assert screen("sùicide") == {"suicide"}


def test_normalise_removes_marks_and_folds_letter_variants() -> None:
    assert normalise("Samobójstwo") == normalise("samobojstwo")
    # Arabic: hamza forms and tatweel; Urdu and Arabic kaf and yeh are one letter.
    assert normalise("انتحـــار") == normalise("انتحار")
    assert normalise("إنتحار") == normalise("انتحار")
    assert normalise("كشي") == normalise("کشی")


def test_several_categories_in_one_note() -> None:
    assert screen("I want to die and I hurt myself") == {"wanting_to_die", "self_harm"}


def test_every_shipped_list_is_well_formed() -> None:
    """Each file names its language, its source and whether it was reviewed, and lists phrases
    only under the four known categories, none empty after normalisation."""
    files = sorted(PHRASES_DIR.glob("*.json"))
    assert files, "no phrase lists shipped"
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["language"] == path.stem
        assert data["source"].strip()
        assert isinstance(data["reviewed"], bool)
        assert set(data["phrases"]) <= {c.value for c in PhraseCategory}
        for phrases in data["phrases"].values():
            assert all(normalise(p).strip() for p in phrases)
    assert {p.language for p in phrase_lists()} >= {"en"}
