"""Which items are shown for a set of answers, and what is wrong with the answers."""

from typing import Any

import pytest

from parentapp.instruments import answers as msg
from parentapp.instruments.answers import enabled_items, validate_answers
from parentapp.instruments.registry import builtin_registry
from tests.instruments.helpers import definition

WEEKLY = builtin_registry().get("weekly")
PHQ9 = builtin_registry().get("phq9")


def shown(defn: Any, answers: dict[str, str]) -> list[str]:
    return [item.link_id for item in enabled_items(defn, answers)]


def complete_weekly(**changes: str) -> dict[str, str]:
    answers = {
        "mood": "1",
        "worry": "0",
        "sleep": "2",
        "coping": "1",
        "support": "3",
        "closeness": "3",
        "self_harm": "0",
        "harm_to_baby": "0",
    }
    return answers | changes


def test_complete_weekly_answers_are_valid() -> None:
    assert validate_answers(WEEKLY, complete_weekly()) == {}
    answers = complete_weekly(contact="true", note="Could we talk about sleep?")
    assert validate_answers(WEEKLY, answers) == {}


def test_required_items_left_unanswered() -> None:
    answers = complete_weekly()
    del answers["self_harm"]
    answers["mood"] = "   "
    assert validate_answers(WEEKLY, answers) == {
        "self_harm": msg.REQUIRED,
        "mood": msg.REQUIRED,
    }


def test_optional_items_may_be_left_out() -> None:
    answers = complete_weekly(contact="", note="")
    assert validate_answers(WEEKLY, answers) == {}
    phq9 = {f"q{n}": "0" for n in range(1, 10)}
    assert validate_answers(PHQ9, phq9) == {}


@pytest.mark.parametrize(
    ("link_id", "value", "error"),
    [
        ("mood", "4", msg.UNKNOWN_CHOICE),
        ("mood", "Not at all", msg.UNKNOWN_CHOICE),
        ("contact", "yes", msg.NOT_YES_NO),
        ("contact", "True", msg.NOT_YES_NO),
        ("note", "x" * 1001, msg.TOO_LONG),
        ("extra", "1", msg.NOT_IN_FORM),
    ],
)
def test_bad_answers(link_id: str, value: str, error: str) -> None:
    assert validate_answers(WEEKLY, complete_weekly(**{link_id: value})) == {link_id: error}


def test_note_at_its_limit_is_accepted() -> None:
    assert validate_answers(WEEKLY, complete_weekly(note="x" * 1000)) == {}


BRANCHING = definition(
    items=4,
    enable_when={
        "i2": [{"question": "i1", "operator": ">=", "answer": 2}],
        # i3 when i1 is 3 OR i2 is above 0; i4 only when i3 is shown and answered 0.
        "i3": [
            {"question": "i1", "operator": "=", "answer": 3},
            {"question": "i2", "operator": ">", "answer": 0},
        ],
        "i4": [{"question": "i3", "operator": "=", "answer": 0}],
    },
    extra_items=[
        {"link_id": "talk", "text": "Talk?", "type": "boolean", "required": False},
        {
            "link_id": "when",
            "text": "When?",
            "type": "text",
            "required": False,
            "enable_when": [{"question": "talk", "operator": "=", "answer": "true"}],
        },
    ],
    scale={"missing": {"max_missing": 3}},
)


def _any(defn: Any) -> Any:
    items = list(defn.items)
    items[2] = items[2].model_copy(update={"enable_behavior": "any"})
    return defn.model_copy(update={"items": tuple(items)})


BRANCHING_ANY = _any(BRANCHING)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, ["i1", "talk"]),
        ({"i1": "1"}, ["i1", "talk"]),
        ({"i1": "2"}, ["i1", "i2", "talk"]),
        ({"i1": "2", "i2": "0"}, ["i1", "i2", "talk"]),
        ({"i1": "2", "i2": "1"}, ["i1", "i2", "i3", "talk"]),
        ({"i1": "3"}, ["i1", "i2", "i3", "talk"]),
        ({"i1": "3", "i3": "0"}, ["i1", "i2", "i3", "i4", "talk"]),
        ({"i1": "3", "i3": "1"}, ["i1", "i2", "i3", "talk"]),
        # i2 answered but hidden (i1 below 2): it cannot enable i3.
        ({"i1": "1", "i2": "3"}, ["i1", "talk"]),
        ({"talk": "true"}, ["i1", "talk", "when"]),
        ({"talk": "false"}, ["i1", "talk"]),
    ],
)
def test_enable_when_any(answers: dict[str, str], expected: list[str]) -> None:
    assert shown(BRANCHING_ANY, answers) == expected


@pytest.mark.parametrize(
    ("answers", "i3_shown"),
    [
        ({"i1": "3", "i2": "1"}, True),
        ({"i1": "3", "i2": "0"}, False),
        ({"i1": "2", "i2": "1"}, False),
    ],
)
def test_enable_when_all(answers: dict[str, str], i3_shown: bool) -> None:
    assert ("i3" in shown(BRANCHING, answers)) is i3_shown


def test_answer_to_a_hidden_item_is_an_error() -> None:
    errors = validate_answers(BRANCHING_ANY, {"i1": "1", "i2": "3", "when": "soon"})
    assert errors == {"i2": msg.NOT_APPLICABLE, "when": msg.NOT_APPLICABLE}


def test_hidden_required_item_is_not_required() -> None:
    assert validate_answers(BRANCHING_ANY, {"i1": "1"}) == {}
    assert validate_answers(BRANCHING_ANY, {"i1": "2"}) == {"i2": msg.REQUIRED}


def test_messages_are_in_the_catalog_source() -> None:
    # Marked with N_ so `translate extract` finds them; shown through gettext where used.
    source = (msg.__file__ or "").replace(".pyc", ".py")
    with open(source, encoding="utf-8") as handle:
        text = handle.read()
    for message in (msg.REQUIRED, msg.UNKNOWN_CHOICE, msg.TOO_LONG, msg.NOT_APPLICABLE):
        assert f'N_("{message}")' in text


def test_display_items_take_no_answer() -> None:
    defn = definition(
        items=1,
        extra_items=[{"link_id": "info", "text": "Some information.", "type": "display"}],
    )
    assert validate_answers(defn, {"i1": "0"}) == {}
    assert validate_answers(defn, {"i1": "0", "info": "x"}) == {"info": msg.NOT_IN_FORM}
