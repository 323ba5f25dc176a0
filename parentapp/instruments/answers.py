"""Which items apply to a set of answers, and what is wrong with the answers. Pure functions.

Answers map an item's link_id to a string: the option code for a choice item, "true" or "false"
for a boolean item, the text itself for a text item. A missing key, None or an all-blank string
is an unanswered item.
"""

from collections.abc import Mapping

from parentapp.i18n import N_
from parentapp.instruments.schema import Definition, EnableWhen, Item, ItemType

Answers = Mapping[str, str | None]

REQUIRED = N_("Please answer this question.")
UNKNOWN_CHOICE = N_("Please choose one of the answers shown.")
NOT_YES_NO = N_("Please answer yes or no.")
TOO_LONG = N_("This answer is too long. Please shorten it.")
NOT_APPLICABLE = N_("This question does not apply, given your earlier answers.")
NOT_IN_FORM = N_("This question is not part of this check-in.")


def _compare(op: str, actual: int | str, expected: int | str) -> bool:
    if op == "=":
        return actual == expected
    if op == "!=":
        return actual != expected
    # The schema allows ordering operators only against a choice item's integer weight.
    if not (isinstance(actual, int) and isinstance(expected, int)):
        return False
    if op == ">":
        return actual > expected
    if op == ">=":
        return actual >= expected
    if op == "<":
        return actual < expected
    return actual <= expected


def answer_of(answers: Answers, link_id: str) -> str | None:
    """The answer to one item, or None when it is unanswered (absent or blank)."""
    value = answers.get(link_id)
    if value is None or not value.strip():
        return None
    return value


def _comparable(defn: Definition, item: Item, value: str) -> int | str | None:
    """A choice answer compares by its option's weight; a boolean by "true"/"false"."""
    if item.type == ItemType.CHOICE:
        weights = {option.code: option.weight for option in defn.options(item)}
        return weights.get(value)
    return value


def _holds(defn: Definition, condition: EnableWhen, answers: Answers, enabled: set[str]) -> bool:
    # An item that is hidden, or not answered, satisfies no condition (as in FHIR, where only
    # the "exists" operator is true of an unanswered question).
    if condition.question not in enabled:
        return False
    value = answer_of(answers, condition.question)
    if value is None:
        return False
    actual = _comparable(defn, defn.item(condition.question), value)
    if actual is None or type(actual) is not type(condition.answer):
        return False
    return _compare(condition.operator, actual, condition.answer)


def enabled_items(defn: Definition, answers: Answers) -> tuple[Item, ...]:
    """The items shown for these answers, in order.

    The schema lets an item depend only on items before it, so one pass in order settles every
    condition, including chains (an item hidden because the item it depends on is hidden).
    """
    enabled: set[str] = set()
    shown: list[Item] = []
    for item in defn.items:
        if item.enable_when:
            results = [_holds(defn, c, answers, enabled) for c in item.enable_when]
            if not (all(results) if item.enable_behavior == "all" else any(results)):
                continue
        enabled.add(item.link_id)
        shown.append(item)
    return tuple(shown)


def _item_error(defn: Definition, item: Item, value: str | None) -> str | None:
    if item.type == ItemType.DISPLAY:
        return None if value is None else NOT_IN_FORM
    if value is None:
        return REQUIRED if item.required else None
    if item.type == ItemType.CHOICE:
        codes = {option.code for option in defn.options(item)}
        return None if value in codes else UNKNOWN_CHOICE
    if item.type == ItemType.BOOLEAN:
        return None if value in ("true", "false") else NOT_YES_NO
    too_long = item.max_length is not None and len(value) > item.max_length
    return TOO_LONG if too_long else None


def validate_answers(defn: Definition, answers: Answers) -> dict[str, str]:
    """Problems with the answers, as link_id -> untranslated message id (empty when all is well).

    Translate each message where it is shown (``gettext(message)``).
    """
    errors: dict[str, str] = {}
    shown = {item.link_id for item in enabled_items(defn, answers)}
    known = {item.link_id for item in defn.items}
    for link_id in answers:
        if link_id not in known and answer_of(answers, link_id) is not None:
            errors[link_id] = NOT_IN_FORM
    for item in defn.items:
        value = answer_of(answers, item.link_id)
        if item.link_id not in shown:
            if value is not None:
                errors[item.link_id] = NOT_APPLICABLE
            continue
        error = _item_error(defn, item, value)
        if error is not None:
            errors[item.link_id] = error
    return errors
