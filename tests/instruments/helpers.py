"""Builders for instrument tests: small definitions and answers that reach a given total."""

import copy
from typing import Any

from parentapp.instruments.schema import Definition
from parentapp.instruments.scoring import item_value

FOUR_POINT = [{"code": str(n), "text": f"Option {n}", "weight": n} for n in range(4)]


def definition_data(
    *,
    items: int = 3,
    scale: dict[str, Any] | None = None,
    enable_when: dict[str, list[dict[str, Any]]] | None = None,
    extra_items: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A valid definition as JSON data: items i1..iN on a 0-3 answer set, one scale "total"."""
    item_list: list[dict[str, Any]] = [
        {"link_id": f"i{n}", "text": f"Item {n}", "type": "choice", "answer_set": "four"}
        for n in range(1, items + 1)
    ]
    for entry in item_list:
        if enable_when and entry["link_id"] in enable_when:
            entry["enable_when"] = enable_when[entry["link_id"]]
    item_list.extend(extra_items or [])
    return {
        "id": "test",
        "version": "1.0",
        "title": "Test instrument",
        "short_title": "Test",
        "recall_period": "Over the test period:",
        "licence": {"status": "own", "statement": "test"},
        "source": "test",
        "languages": {"en": {"validated": True, "source": "original"}},
        "answer_sets": {"four": copy.deepcopy(FOUR_POINT)},
        "items": item_list,
        "scales": [
            {
                "id": "total",
                "title": "Total",
                "items": [f"i{n}" for n in range(1, items + 1)],
                **(scale or {}),
            }
        ],
    }


def definition(**kwargs: Any) -> Definition:
    return Definition.model_validate(definition_data(**kwargs))


def scored_items(defn: Definition, scale_id: str = "total") -> tuple[str, ...]:
    return next(s for s in defn.scales if s.id == scale_id).items


def answers_for_total(defn: Definition, total: int, scale_id: str = "total") -> dict[str, str]:
    """Answers to every item of the scale whose scored values add up to ``total``."""
    answers: dict[str, str] = {}
    remaining = total
    for link_id in scored_items(defn, scale_id):
        options = defn.options(defn.item(link_id))
        by_value = sorted(
            ((item_value(defn, link_id, o.code), o.code) for o in options), reverse=True
        )
        value, code = next((v, c) for v, c in by_value if v <= remaining)
        answers[link_id] = code
        remaining -= value
    if remaining:
        raise ValueError(f"{defn.id} cannot reach a total of {total}")
    return answers
