"""Malformed definitions are refused with the file and the field named."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from parentapp.instruments.registry import (
    InstrumentDefinitionError,
    parse_definition,
    read_definition_file,
)
from tests.instruments.helpers import definition_data

Data = dict[str, Any]


def _unknown_field(d: Data) -> None:
    d["items"][1]["colour"] = "red"


def _no_answer_set(d: Data) -> None:
    del d["items"][2]["answer_set"]


def _unknown_answer_set(d: Data) -> None:
    d["items"][0]["answer_set"] = "five"


def _empty_answer_set(d: Data) -> None:
    d["answer_sets"]["four"] = []


def _reverse_not_in_scale(d: Data) -> None:
    d["scales"][0]["reverse"] = ["i9"]


def _options_descending(d: Data) -> None:
    d["answer_sets"]["four"] = list(reversed(d["answer_sets"]["four"]))


def _repeated_code(d: Data) -> None:
    d["answer_sets"]["four"][1]["code"] = "0"


def _duplicate_link_id(d: Data) -> None:
    d["items"][2]["link_id"] = "i1"


def _enable_when_unknown(d: Data) -> None:
    d["items"][1]["enable_when"] = [{"question": "nope", "operator": "=", "answer": 1}]


def _enable_when_later(d: Data) -> None:
    d["items"][0]["enable_when"] = [{"question": "i2", "operator": "=", "answer": 1}]


def _enable_when_wrong_answer_type(d: Data) -> None:
    d["items"][1]["enable_when"] = [{"question": "i1", "operator": "=", "answer": "true"}]


def _no_english(d: Data) -> None:
    d["languages"] = {"pl": {"validated": False}}


def _unknown_tag(d: Data) -> None:
    d["items"][0]["tags"] = ["selfharm"]


def _tag_on_wrong_type(d: Data) -> None:
    d["items"][0]["tags"] = ["contact_request"]


def _scale_names_unknown_item(d: Data) -> None:
    d["scales"][0]["items"] = ["i1", "i7"]


def _too_many_missing(d: Data) -> None:
    d["scales"][0]["missing"] = {"max_missing": 3}


def _bands_unordered(d: Data) -> None:
    d["scales"][0]["bands"] = [{"min": 5, "label": "b"}, {"min": 0, "label": "a"}]


def _bad_id(d: Data) -> None:
    d["id"] = "PHQ 9"


def _max_length_on_choice(d: Data) -> None:
    d["items"][0]["max_length"] = 10


def _optional_self_harm(d: Data) -> None:
    d["items"][1]["tags"] = ["self_harm"]
    d["items"][1]["required"] = False


def _optional_harm_to_baby(d: Data) -> None:
    d["items"][2]["tags"] = ["harm_to_baby"]
    d["items"][2]["required"] = False


def _conditional_self_harm(d: Data) -> None:
    d["items"][1]["tags"] = ["self_harm"]
    d["items"][1]["enable_when"] = [{"question": "i1", "operator": ">", "answer": 0}]


def _conditional_harm_to_baby(d: Data) -> None:
    d["items"][2]["tags"] = ["harm_to_baby"]
    d["items"][2]["enable_when"] = [{"question": "i1", "operator": ">=", "answer": 1}]


CASES: list[tuple[Callable[[Data], None], str]] = [
    (_unknown_field, "items.1.colour"),
    (_no_answer_set, "items.2.answer_set"),
    (_unknown_answer_set, "items.0.answer_set"),
    (_empty_answer_set, "answer_sets.four"),
    (_reverse_not_in_scale, "scales.0.reverse.0"),
    (_options_descending, "answer_sets.four"),
    (_repeated_code, "answer_sets.four"),
    (_duplicate_link_id, "items.2.link_id"),
    (_enable_when_unknown, "items.1.enable_when.0.question"),
    (_enable_when_later, "items.0.enable_when.0.question"),
    (_enable_when_wrong_answer_type, "items.1.enable_when.0.answer"),
    (_no_english, "languages"),
    (_unknown_tag, "items.0.tags.0"),
    (_tag_on_wrong_type, "items.0.tags.0"),
    (_scale_names_unknown_item, "scales.0.items.1"),
    (_too_many_missing, "scales.0.missing.max_missing"),
    (_bands_unordered, "scales.0.bands"),
    (_bad_id, "id"),
    (_max_length_on_choice, "items.0.max_length"),
    (_optional_self_harm, "items.1.required"),
    (_optional_harm_to_baby, "items.2.required"),
    (_conditional_self_harm, "items.1.enable_when"),
    (_conditional_harm_to_baby, "items.2.enable_when"),
]


def test_the_base_definition_is_valid() -> None:
    # Each case below breaks exactly one thing in this definition.
    parse_definition(definition_data(), "base.json")


@pytest.mark.parametrize(("breaks", "path"), CASES, ids=[c[0].__name__ for c in CASES])
def test_malformed_definition_names_file_and_field(
    breaks: Callable[[Data], None], path: str
) -> None:
    data = definition_data()
    breaks(data)
    with pytest.raises(InstrumentDefinitionError) as raised:
        parse_definition(data, "test-1.0.json")
    message = str(raised.value)
    assert message.startswith("test-1.0.json: ")
    assert f" {path}: " in f" {message.removeprefix('test-1.0.json: ')}"


def test_reverse_must_agree_across_scales() -> None:
    data = definition_data()
    data["scales"][0]["reverse"] = ["i1"]
    data["scales"].append({"id": "part", "title": "Part", "items": ["i1", "i2"]})
    with pytest.raises(InstrumentDefinitionError, match=r"scales\.1\.items\.0: .*reverse"):
        parse_definition(data, "test-1.0.json")


def test_file_name_must_match_id_and_version(tmp_path: Path) -> None:
    path = tmp_path / "test-2.0.json"
    path.write_text(json.dumps(definition_data()), encoding="utf-8")
    with pytest.raises(InstrumentDefinitionError, match=r"test-2\.0\.json: .*test-1\.0\.json"):
        read_definition_file(path)


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "test-1.0.json"
    path.write_text('{\n  "id": "test",\n  oops\n}', encoding="utf-8")
    with pytest.raises(
        InstrumentDefinitionError, match=r"test-1\.0\.json: not valid JSON \(line 3"
    ):
        read_definition_file(path)


def test_good_file_reads(tmp_path: Path) -> None:
    path = tmp_path / "test-1.0.json"
    path.write_text(json.dumps(definition_data()), encoding="utf-8")
    assert read_definition_file(path).key == ("test", "1.0")


def test_builtin_definitions_are_read_once() -> None:
    from parentapp.instruments.registry import builtin_definitions

    assert builtin_definitions() is builtin_definitions()


def test_a_malformed_builtin_file_stops_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parentapp.instruments import registry

    data = definition_data()
    data["items"][0]["type"] = "slider"
    (tmp_path / "test-1.0.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(registry, "DEFINITIONS_DIR", tmp_path)
    with pytest.raises(InstrumentDefinitionError, match=r"^test-1\.0\.json: items\.0\.type: "):
        registry.builtin_definitions.__wrapped__()


@pytest.mark.parametrize(
    ("breaks", "link_id"),
    [
        (_optional_self_harm, "i2"),
        (_optional_harm_to_baby, "i3"),
        (_conditional_self_harm, "i2"),
        (_conditional_harm_to_baby, "i3"),
    ],
)
def test_a_skippable_safety_item_is_refused_naming_the_item(
    breaks: Callable[[Data], None], link_id: str
) -> None:
    # A self-harm or harm-to-baby question that can be left out would leave the urgent rule
    # with nothing to judge.
    data = definition_data()
    breaks(data)
    with pytest.raises(InstrumentDefinitionError, match=rf"^test-1\.0\.json: .*'{link_id}'"):
        parse_definition(data, "test-1.0.json")


def test_a_required_unconditional_safety_item_and_conditional_others_are_fine() -> None:
    data = definition_data()
    data["items"][0]["tags"] = ["self_harm"]
    data["items"][1]["enable_when"] = [{"question": "i1", "operator": ">", "answer": 0}]
    data["items"][2]["required"] = False
    parse_definition(data, "test-1.0.json")


def test_every_shipped_safety_item_is_required_and_unconditional() -> None:
    from parentapp.instruments.registry import builtin_definitions

    safety = [i for d in builtin_definitions() for i in d.items if i.is_safety]
    assert safety
    assert all(i.required and not i.enable_when for i in safety)
