"""Row ids that arrive in a request: only numbers a table's key can hold go on to a query.

Every key is an INTEGER column (32 bits, signed, on PostgreSQL). A bigger number names no row,
and past 64 bits SQLite's driver cannot even send it (``OverflowError``): the request would end
in a 500 instead of the 404 or the form shown again that an unknown id gets.
"""

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


def is_row_id(value: int) -> bool:
    """Whether ``value`` could be a row's key (keys start at 1)."""
    return 1 <= value <= MAX_ID


def parse_row_id(text: object) -> int | None:
    """``text`` read as a row id (ASCII digits only), or None when it cannot be one."""
    # str.isdigit() is also true of "²", which int() refuses; only ASCII digits are read.
    if not isinstance(text, str) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if is_row_id(value) else None


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in a route: a number no key can hold is not found (404) before the view
    runs, as an unknown id is after it."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
