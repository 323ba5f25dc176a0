"""Long lists that stay quick as a team grows: keyset pages and a search by name.

A page is the rows after (or before) the sort key of a row already shown, never an OFFSET:
page 50 costs what page 1 does. Every key is ascending; a nullable key sorts its NULLs last
on every database (a 0/1 rank in front of the column, as the dashboard always ordered them);
the last key must be unique (the row's id) so ties never lose or repeat a row.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session

from parentapp.ids import MAX_ID

T = TypeVar("T")
# A cursor is a handful of short values; anything longer was not made here.
CURSOR_MAX = 200
Value = int | str | datetime | None


@dataclass(frozen=True)
class Filters:
    """What a clinician narrowed a list to; None (or False) is "any"."""

    # Part of a family's name (its label), any case.
    search: str | None = None
    # A clinician of the reader's team (the form refuses any other).
    clinician_id: int | None = None
    # A flag severity (``triage.models.Severity``).
    severity: str | None = None
    # Only flags past their due-by.
    overdue: bool = False


@dataclass(frozen=True)
class Key:
    """One part of a sort order."""

    # A column or a SQL expression of the selected rows.
    expression: Any
    # NULLs sort after every value.
    nullable: bool = False


def order_by(keys: Sequence[Key], *, reverse: bool = False) -> list[ColumnElement[Any]]:
    """ORDER BY terms for ``keys`` (every one ascending, or every one descending)."""
    terms: list[ColumnElement[Any]] = []
    for key in keys:
        if key.nullable:
            terms.append(sa.case((key.expression.is_(None), 1), else_=0))
        terms.append(key.expression)
    return [term.desc() if reverse else term.asc() for term in terms]


def _beyond(key: Key, value: Value, reverse: bool) -> Any:
    # Strictly after (before, when reversed) ``value`` in this key alone.
    if not key.nullable:
        return key.expression < value if reverse else key.expression > value
    if value is None:  # NULLs are last: nothing comes after them, everything else before
        return key.expression.is_not(None) if reverse else sa.false()
    if reverse:
        return key.expression < value
    return sa.or_(key.expression > value, key.expression.is_(None))


def _equal(key: Key, value: Value) -> Any:
    if value is None:
        return key.expression.is_(None)
    return key.expression == value


def beyond(keys: Sequence[Key], values: Sequence[Value], *, reverse: bool = False) -> Any:
    """Rows strictly after the row whose sort key is ``values`` (before it when ``reverse``):
    k1 > v1 OR (k1 = v1 AND (k2 > v2 OR (k2 = v2 AND ...)))."""
    assert len(keys) == len(values)
    condition = _beyond(keys[-1], values[-1], reverse)
    for key, value in zip(reversed(keys[:-1]), reversed(values[:-1]), strict=True):
        condition = sa.or_(_beyond(key, value, reverse), sa.and_(_equal(key, value), condition))
    return condition


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows, with the sort keys of its first and last rows for the links."""

    rows: list[T]
    # Whether rows come after this page, and before it.
    has_next: bool
    has_previous: bool
    first_key: tuple[Value, ...] | None
    last_key: tuple[Value, ...] | None


def fetch(
    session: Session,
    query: Any,
    keys: Sequence[Key],
    *,
    size: int,
    after: Sequence[Value] | None = None,
    before: Sequence[Value] | None = None,
) -> Page[Any]:
    """The ``size`` rows of ``query`` (a select of one or more entities) after ``after`` or
    before ``before`` (the first page when neither), with each row's sort key read by the
    database itself alongside it, so the links follow exactly the order of the query.

    Paging back to the start returns the first page in full, marked as the first."""
    backwards = before is not None
    anchor = before if backwards else after
    select = query.add_columns(*(key.expression for key in keys))
    if anchor is not None:
        select = select.where(beyond(keys, anchor, reverse=backwards))
    select = select.order_by(*order_by(keys, reverse=backwards)).limit(size + 1)
    width = len(keys)
    found = [(tuple(row[:-width]), tuple(row[-width:])) for row in session.execute(select)]
    more = len(found) > size
    found = found[:size]
    if backwards:
        if not more:  # reached the start: the first page, whole
            return fetch(session, query, keys, size=size)
        found.reverse()
    rows = [row[0] if len(row) == 1 else row for row, _key in found]
    return Page(
        rows=rows,
        has_next=True if backwards else more,
        has_previous=backwards or after is not None,
        first_key=found[0][1] if found else None,
        last_key=found[-1][1] if found else None,
    )


def requested_page(
    fetch_page: Callable[[str | None, str | None], Page[T]],
    after: str | None,
    before: str | None,
) -> tuple[Page[T], bool]:
    """The page a link asked for (``after`` or ``before`` a cursor), or the first page and
    True when the link cannot be used: damaged, of another list, or both at once. Never a
    guess at what was meant."""
    if after is not None and before is not None:
        return fetch_page(None, None), True
    try:
        return fetch_page(after, before), False
    except BadCursor:
        return fetch_page(None, None), True


def page_links(endpoint: str, page: Page[Any], args: dict[str, Any]) -> dict[str, str]:
    """Addresses of the first, previous and next pages of ``page`` at ``endpoint``, keeping
    the filters in ``args``."""
    links = {}
    if page.has_previous:
        links["first"] = url_for(endpoint, **args)
        if page.first_key is not None:
            links["previous"] = url_for(endpoint, before=encode(page.first_key), **args)
    if page.has_next and page.last_key is not None:
        links["next"] = url_for(endpoint, after=encode(page.last_key), **args)
    return links


# Cursors: a sort key as URL-safe base64 of JSON. Datetimes travel as ISO 8601 with their zone.


def encode(values: Sequence[Value]) -> str:
    """A cursor for a query string."""
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    data = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class BadCursor(ValueError):
    """A cursor that was not made by ``encode`` for this list (damaged, edited or stale)."""


def _typed(value: object, kind: type, nullable: bool) -> Value:
    if value is None and nullable:
        return None
    # An integer no INTEGER column holds is no row's sort key, and SQLite cannot even send one
    # past 64 bits (parentapp/ids.py).
    if kind is int and type(value) is int and -MAX_ID - 1 <= value <= MAX_ID:
        return value
    if kind is str and isinstance(value, str):
        return value
    if kind is datetime and isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise BadCursor(value) from None
        if parsed.tzinfo is None:
            raise BadCursor(value)
        return parsed
    raise BadCursor(value)


def decode(token: str, kinds: Sequence[tuple[type, bool]]) -> tuple[Value, ...]:
    """The values of a cursor, each of the (type, nullable) given.

    :raises BadCursor: anything else.
    """
    if not token or len(token) > CURSOR_MAX:
        raise BadCursor(token[:20])
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        raise BadCursor(token[:20]) from None
    if not isinstance(data, list) or len(data) != len(kinds):
        raise BadCursor(token[:20])
    return tuple(_typed(v, kind, nullable) for v, (kind, nullable) in zip(data, kinds, strict=True))


# Search: case-insensitive substring of a name, the same on SQLite and PostgreSQL. SQLite's own
# lower() and LIKE fold only ASCII, so SQLite connections get a Unicode ``pa_fold`` (db.py).


class folded(FunctionElement[str]):
    type = sa.String()
    inherit_cache = True


@compiles(folded)
def _folded(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"pa_fold({compiler.process(element.clauses, **kw)})"


def contains_text(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text``, ignoring case; ``%`` and ``_`` are matched as typed."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return folded(column).like(f"%{escaped}%", escape="\\")
