"""A definition as a FHIR R4 Questionnaire resource (plain JSON data). Pure: no Flask, no database.

The definition format was shaped after Questionnaire, so this is a translation: link_id is
linkId, an option's scored value is its ordinalValue, enable_when is enableWhen. One thing FHIR
cannot say directly: our conditions compare a choice answer's weight (">= 2"), while FHIR compares
a choice answer only by its coding. Each condition is therefore expanded into the options that
satisfy it, which FHIR can state as "= option" conditions joined by enableBehavior "any".
"""

import re
from typing import Any

from parentapp.instruments.schema import Definition, EnableWhen, Item, ItemType
from parentapp.instruments.scoring import item_value

# A service with its own FHIR server passes its base; this reserved domain (RFC 2606) marks the
# default as one that resolves nowhere rather than pretending to be a real endpoint.
DEFAULT_BASE_URL = "https://parentapp.example/fhir"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
RECALL_LINK_ID = "recall-period"


class FhirExportError(ValueError):
    """A definition that FHIR R4 enableWhen cannot express."""


def _name(defn: Definition) -> str:
    # Questionnaire.name is "computer friendly": a capital letter, then letters, digits, "_".
    return re.sub(r"[^A-Za-z0-9_]", "_", defn.id.upper())


def _copyright(defn: Definition) -> str:
    parts = [defn.attribution or "", defn.licence.statement]
    if defn.attribution and defn.licence.statement in defn.attribution:
        parts = [defn.attribution]
    return "\n\n".join(p for p in parts if p)


def answer_system(base_url: str, defn: Definition, answer_set: str) -> str:
    """The code system of one answer set of one definition version."""
    return f"{base_url}/CodeSystem/{defn.id}-{defn.version}-{answer_set}"


def _coding(base_url: str, defn: Definition, item: Item, code: str) -> dict[str, Any]:
    option = next(o for o in defn.options(item) if o.code == code)
    return {
        "system": answer_system(base_url, defn, item.answer_set or ""),
        "code": option.code,
        "display": option.text,
    }


def _holds(operator: str, actual: int, expected: int) -> bool:
    return {
        "=": actual == expected,
        "!=": actual != expected,
        ">": actual > expected,
        ">=": actual >= expected,
        "<": actual < expected,
        "<=": actual <= expected,
    }[operator]


def _expand(
    base_url: str, defn: Definition, item: Item, condition: EnableWhen
) -> list[dict[str, Any]]:
    """FHIR enableWhen entries (joined by "any") equivalent to one of our conditions."""
    other = defn.item(condition.question)
    if other.type == ItemType.BOOLEAN:
        return [
            {
                "question": other.link_id,
                "operator": condition.operator,
                "answerBoolean": condition.answer == "true",
            }
        ]
    assert isinstance(condition.answer, int)  # the schema requires a weight for choice items
    matching = [
        option
        for option in defn.options(other)
        if _holds(condition.operator, option.weight, condition.answer)
    ]
    if not matching:
        raise FhirExportError(
            f"{defn.id}: item {item.link_id!r} depends on {other.link_id!r} "
            f"{condition.operator} {condition.answer}, which no answer satisfies"
        )
    return [
        {
            "question": other.link_id,
            "operator": "=",
            "answerCoding": _coding(base_url, defn, other, option.code),
        }
        for option in matching
    ]


def _enable_when(base_url: str, defn: Definition, item: Item) -> dict[str, Any]:
    expanded = [_expand(base_url, defn, item, c) for c in item.enable_when]
    if not expanded:
        return {}
    if item.enable_behavior == "any" or len(expanded) == 1:
        conditions = [entry for group in expanded for entry in group]
        behavior = "any"
    else:
        if any(len(group) > 1 for group in expanded):
            raise FhirExportError(
                f"{defn.id}: item {item.link_id!r} needs all of several conditions, one of "
                "which covers several answers; FHIR R4 enableWhen cannot express that"
            )
        conditions = [group[0] for group in expanded]
        behavior = "all"
    out: dict[str, Any] = {"enableWhen": conditions}
    if len(conditions) > 1:
        out["enableBehavior"] = behavior
    return out


def _item(base_url: str, defn: Definition, item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id, "text": item.text, "type": item.type.value}
    if item.type != ItemType.DISPLAY:
        out["required"] = item.required
    if item.type == ItemType.TEXT and item.max_length is not None:
        out["maxLength"] = item.max_length
    if item.type == ItemType.CHOICE:
        out["answerOption"] = [
            {
                "valueCoding": {
                    "extension": [
                        {
                            "url": ORDINAL_VALUE,
                            "valueDecimal": item_value(defn, item.link_id, option.code),
                        }
                    ],
                    **_coding(base_url, defn, item, option.code),
                }
            }
            for option in defn.options(item)
        ]
    out.update(_enable_when(base_url, defn, item))
    return out


def to_questionnaire(defn: Definition, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
    """The definition as a FHIR R4 Questionnaire (JSON-ready dict)."""
    base_url = base_url.rstrip("/")
    if any(item.link_id == RECALL_LINK_ID for item in defn.items):
        raise FhirExportError(f"{defn.id}: linkId {RECALL_LINK_ID!r} is reserved for the stem")
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": f"{defn.id}-{defn.version}",
        "url": f"{base_url}/Questionnaire/{defn.id}",
        "version": defn.version,
        "name": _name(defn),
        "title": defn.title,
        # A structure-only template has placeholders, not questions: not for use.
        "status": "active" if defn.text_included else "draft",
        "language": "en",
        "copyright": _copyright(defn),
        "item": [
            {"linkId": RECALL_LINK_ID, "text": defn.recall_period, "type": "display"},
            *(_item(base_url, defn, item) for item in defn.items),
        ],
    }
    if defn.introduction:
        resource["description"] = defn.introduction
    return resource
