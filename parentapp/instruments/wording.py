"""A stored answer as a person reads it: the item's wording and the chosen option's, kept
untranslated so each page (or download) translates them into its reader's language."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from parentapp.instruments.schema import Definition, ItemType


@dataclass(frozen=True)
class AnswerLine:
    item_text: str  # untranslated definition text: translated where shown, like the item
    answer_text: str
    translate_answer: bool  # False for "Yes"/"No", already in the reader's language

    def read(self) -> tuple[str, str]:
        """The question and the answer in the reader's language."""
        answer = _(self.answer_text) if self.translate_answer else self.answer_text
        return _(self.item_text), answer


def answer_lines(
    definition: Definition | None, answers: Mapping[str, Any] | None
) -> list[AnswerLine]:
    """Each answer in the order given. An item or code this definition does not know (an answer
    stored under an older version) is shown as stored rather than hidden."""
    if definition is None or not isinstance(answers, Mapping):
        return []
    lines = []
    for link_id, code in answers.items():
        try:
            item = definition.item(link_id)
        except KeyError:
            lines.append(AnswerLine(link_id, str(code), False))
            continue
        if item.type == ItemType.BOOLEAN:
            lines.append(AnswerLine(item.text, _("Yes") if code == "true" else _("No"), False))
            continue
        option = next((o for o in definition.options(item) if o.code == code), None)
        lines.append(
            AnswerLine(item.text, option.text if option else str(code), option is not None)
        )
    return lines
