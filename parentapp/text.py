"""Free text as people send it, made safe to store and show.

PostgreSQL refuses a NUL in a text column, and no other control character (bar tab and line
breaks) has any meaning in a note or a name: a stray one comes from a paste or a broken
keyboard, never from what the person meant, so it is dropped rather than refused.
"""

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(text: str) -> str:
    """``text`` without control characters other than tab, line feed and carriage return."""
    return _CONTROLS.sub("", text)


def clean_field(value: object) -> object:
    """A WTForms filter: strings lose their control characters, anything else is kept."""
    return without_controls(value) if isinstance(value, str) else value
