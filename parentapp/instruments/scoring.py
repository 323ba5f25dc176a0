"""Scores for one set of answers: pure code over (definition, answers), no Flask, no database.

Only items that are shown for these answers count; an item hidden by its enableWhen counts as
missing. Unknown option codes raise: answers are validated before they are scored, and a
silently skipped answer would under-score.
"""

import math
from fractions import Fraction

from parentapp.families.roles import CarerRole
from parentapp.instruments.answers import Answers, answer_of, enabled_items
from parentapp.instruments.results import ScaleScore
from parentapp.instruments.schema import Definition, ItemType, Scale


def is_reversed(defn: Definition, link_id: str) -> bool:
    """Whether the item is reverse-scored (the schema keeps this the same in every scale)."""
    return any(link_id in scale.reverse for scale in defn.scales)


def item_value(defn: Definition, link_id: str, code: str) -> int:
    """The scored value of one choice answer: its weight, reversed where the scale says so.

    Higher always means more difficulty, so safety rules compare this, never the raw weight
    (a reverse-scored self-harm item's first option carries the highest weight but scores 0).
    """
    item = defn.item(link_id)
    if item.type != ItemType.CHOICE:
        raise ValueError(f"{defn.id}: {link_id!r} is not a choice item")
    options = defn.options(item)
    weights = {option.code: option.weight for option in options}
    if code not in weights:
        raise ValueError(f"{defn.id}: {code!r} is not an answer to {link_id!r}")
    weight = weights[code]
    if is_reversed(defn, link_id):
        return options[-1].weight + options[0].weight - weight
    return weight


def has_urgent_answer(defn: Definition, answers: Answers) -> bool:
    """Whether any self-harm or harm-to-baby item is answered above zero (or with a code the
    definition does not know: on a safety item that is treated as worrying, as the urgent rules
    treat it). A band beside such a check-in must not read as reassurance."""
    for item in defn.items:
        if not item.is_safety or item.type != ItemType.CHOICE:
            continue
        code = answer_of(answers, item.link_id)
        if code is None:
            continue
        try:
            if item_value(defn, item.link_id, code) > 0:
                return True
        except ValueError:
            return True
    return False


def round_half_up(value: Fraction) -> int:
    """Round to the nearest whole number, halves upwards (not Python's round-half-to-even)."""
    return math.floor(value + Fraction(1, 2))


def applicable_cutoff(scale: Scale, carer_role: CarerRole | None) -> int | None:
    """The scale's cut-off for this carer's role (the general one when no role-specific one)."""
    if scale.cutoff is None:
        return None
    if carer_role is not None and carer_role in scale.cutoff.by_role:
        return scale.cutoff.by_role[carer_role]
    return scale.cutoff.value


def band_for(scale: Scale, value: int) -> str | None:
    """The label of the highest band whose minimum the value reaches (an untranslated msgid)."""
    label = None
    for band in scale.bands:
        if value >= band.min:
            label = band.label
    return label


def score_scale(
    defn: Definition, scale: Scale, answers: Answers, carer_role: CarerRole | None = None
) -> ScaleScore:
    shown = {item.link_id for item in enabled_items(defn, answers)}
    values: list[int] = []
    for link_id in scale.items:
        code = answer_of(answers, link_id) if link_id in shown else None
        if code is not None:
            values.append(item_value(defn, link_id, code))
    answered = len(values)
    missing = len(scale.items) - answered
    cutoff = applicable_cutoff(scale, carer_role)
    if missing > scale.missing.max_missing:
        return ScaleScore(
            scale_id=scale.id,
            value=None,
            answered=answered,
            missing=missing,
            prorated=False,
            band=None,
            cutoff=cutoff,
            positive=None,
        )
    prorated = missing > 0 and scale.missing.prorate
    if prorated:
        value = round_half_up(Fraction(sum(values) * len(scale.items), answered))
    else:
        value = sum(values)
    return ScaleScore(
        scale_id=scale.id,
        value=value,
        answered=answered,
        missing=missing,
        prorated=prorated,
        band=band_for(scale, value),
        cutoff=cutoff,
        positive=None if cutoff is None else value >= cutoff,
    )


def score(
    defn: Definition, answers: Answers, carer_role: CarerRole | None = None
) -> dict[str, ScaleScore]:
    """Every scale's score, by scale id."""
    return {scale.id: score_scale(defn, scale, answers, carer_role) for scale in defn.scales}
