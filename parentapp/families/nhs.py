"""NHS numbers: ten digits whose last is a mod-11 check digit (NHS Data Dictionary, "NHS
Number"), checked with the ``nhs-number`` package rather than by our own arithmetic."""

import re

from flask_babel import gettext as _
from nhs_number.validate import is_valid

from parentapp.errors import DomainError

# People type them as printed on letters: "943 476 5919" or "943-476-5919".
_SEPARATORS = re.compile(r"[\s-]+")


def parse_nhs_number(typed: str | None, field: str = "nhs_number") -> str | None:
    """The ten digits of a typed NHS number, or None when nothing was typed.

    :raises DomainError: not ten digits, or the check digit is wrong (a typing slip).
    """
    text = _SEPARATORS.sub("", typed or "")
    if not text:
        return None
    # ASCII digits only: isdigit() also takes other scripts' digits, which no system reads back.
    if not re.fullmatch(r"[0-9]{10}", text):
        raise DomainError(_("An NHS number has 10 digits, for example 943 476 5919."), field)
    if not is_valid(text):
        raise DomainError(
            _("That is not a valid NHS number. Please check each digit against the letter."), field
        )
    return text


def spaced(number: str | None) -> str:
    """The NHS's own way of showing it: 3-3-4 digits."""
    if not number:
        return ""
    return f"{number[:3]} {number[3:6]} {number[6:]}"
