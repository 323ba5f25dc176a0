"""FHIR R4 Questionnaire export, validated with fhir.resources (R4B: Questionnaire is unchanged
from R4)."""

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from parentapp.instruments.fhir import (
    ORDINAL_VALUE,
    RECALL_LINK_ID,
    FhirExportError,
    to_questionnaire,
)
from parentapp.instruments.registry import builtin_registry, parse_definition
from parentapp.instruments.schema import Definition
from tests.instruments.helpers import definition_data

REGISTRY = builtin_registry()
TEMPLATE = Path(__file__).parents[2] / "parentapp/instruments/templates/licensed-template.json"


def item(resource: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(i for i in resource["item"] if i["linkId"] == link_id)


def ordinals(entry: dict[str, Any]) -> list[tuple[str, float]]:
    out = []
    for option in entry["answerOption"]:
        coding = option["valueCoding"]
        (extension,) = coding["extension"]
        assert extension["url"] == ORDINAL_VALUE
        out.append((coding["code"], extension["valueDecimal"]))
    return out


@pytest.mark.parametrize("defn", REGISTRY.latest(), ids=lambda d: d.id)
def test_every_shipped_definition_exports_a_valid_questionnaire(defn: Definition) -> None:
    resource = to_questionnaire(defn)
    # Through JSON, as it would travel.
    parsed = Questionnaire.model_validate(json.loads(json.dumps(resource)))
    assert parsed.version == defn.version
    assert parsed.status == "active"
    assert [i.linkId for i in parsed.item or []] == [
        RECALL_LINK_ID,
        *(i.link_id for i in defn.items),
    ]
    assert item(resource, RECALL_LINK_ID)["text"] == defn.recall_period
    for ours in defn.items:
        theirs = item(resource, ours.link_id)
        assert theirs["text"] == ours.text
        assert theirs["type"] == ours.type.value
        assert theirs["required"] is ours.required


def test_phq9_export() -> None:
    resource = to_questionnaire(REGISTRY.get("phq9"))
    assert resource["url"].endswith("/Questionnaire/phq9")
    assert resource["name"] == "PHQ9"
    assert "Pfizer" in resource["copyright"]
    q9 = item(resource, "q9")
    assert [o["valueCoding"]["display"] for o in q9["answerOption"]] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert ordinals(q9) == [("0", 0), ("1", 1), ("2", 2), ("3", 3)]
    assert item(resource, "difficulty")["required"] is False


def test_reverse_items_export_their_scored_value() -> None:
    resource = to_questionnaire(REGISTRY.get("weekly"))
    assert ordinals(item(resource, "support")) == [("0", 3), ("1", 2), ("2", 1), ("3", 0)]
    assert ordinals(item(resource, "mood")) == [("0", 0), ("1", 1), ("2", 2), ("3", 3)]
    assert item(resource, "note")["maxLength"] == 1000
    assert item(resource, "contact")["type"] == "boolean"
    assert resource["description"] == REGISTRY.get("weekly").introduction


def test_structure_only_template_exports_as_draft() -> None:
    defn = parse_definition(json.loads(TEMPLATE.read_text(encoding="utf-8")), TEMPLATE.name)
    resource = to_questionnaire(defn)
    Questionnaire.model_validate(resource)
    assert resource["status"] == "draft"
    # EPDS item 10 is reverse-scored: its first printed answer scores 3.
    assert ordinals(item(resource, "q10"))[0] == ("0", 3)


def branched_data() -> dict[str, Any]:
    data = definition_data(
        items=3,
        enable_when={
            "i2": [{"question": "i1", "operator": ">=", "answer": 2}],
            "i3": [
                {"question": "i1", "operator": "=", "answer": 3},
                {"question": "talk", "operator": "=", "answer": "true"},
            ],
        },
        scale={"items": ["i1", "i2"], "missing": {"max_missing": 1}},
    )
    # "talk" must come before the items that depend on it.
    data["items"].insert(0, {"link_id": "talk", "text": "Talk?", "type": "boolean"})
    return data


def test_enable_when_is_expanded_to_options() -> None:
    resource = to_questionnaire(Definition.model_validate(branched_data()))
    Questionnaire.model_validate(resource)
    i2 = item(resource, "i2")
    assert [c["answerCoding"]["code"] for c in i2["enableWhen"]] == ["2", "3"]
    assert {c["operator"] for c in i2["enableWhen"]} == {"="}
    assert i2["enableBehavior"] == "any"
    i3 = item(resource, "i3")
    assert i3["enableBehavior"] == "all"
    assert i3["enableWhen"][0]["answerCoding"]["code"] == "3"
    assert i3["enableWhen"][1] == {"question": "talk", "operator": "=", "answerBoolean": True}
    assert "enableWhen" not in item(resource, "i1")


def test_all_of_a_range_and_another_condition_is_refused() -> None:
    data = branched_data()
    data["items"][3]["enable_when"][0] = {"question": "i1", "operator": ">", "answer": 1}
    with pytest.raises(FhirExportError, match="i3"):
        to_questionnaire(Definition.model_validate(data))


def test_base_url_is_configurable() -> None:
    resource = to_questionnaire(REGISTRY.get("gad7"), base_url="https://fhir.example.nhs.uk/")
    assert resource["url"] == "https://fhir.example.nhs.uk/Questionnaire/gad7"
