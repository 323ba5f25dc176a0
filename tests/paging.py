"""Helpers for the tests of paged lists: follow the Next and Previous links of a page, and
record the SQL a request runs."""

import html
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

_LINK = {rel: re.compile(rf'<a href="([^"]+)" rel="{rel}">') for rel in ("next", "prev")}
# Enough pages for any list a test builds; a loop in the links would otherwise never end.
MAX_PAGES = 50


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, url, text[:2000])
    return text


def link(text: str, rel: str) -> str | None:
    """The address of the page's ``rel`` ("next" or "prev") link, if it has one."""
    found = _LINK[rel].search(text)
    return html.unescape(found.group(1)) if found else None


def walk(
    client: FlaskClient, url: str, rows: Callable[[str], list[int]], rel: str = "next"
) -> tuple[list[list[int]], str]:
    """The rows of each page from ``url`` on, following ``rel`` links to the end; and the
    last page's HTML."""
    pages = []
    text = page(client, url)
    for _ in range(MAX_PAGES):
        pages.append(rows(text))
        following = link(text, rel)
        if following is None:
            return pages, text
        text = page(client, following)
    raise AssertionError(f"more than {MAX_PAGES} pages from {url}")


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block."""
    seen: list[str] = []

    def record(
        _conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, _many: bool
    ) -> None:
        # SQLAlchemy writes "LIMIT ? OFFSET ?" for SQLite even with no offset: an offset of 0
        # skips nothing, so it is left out here.
        if statement.rstrip().endswith("OFFSET ?") and list(params)[-1:] == [0]:
            statement = statement.rstrip()[: -len("OFFSET ?")]
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
