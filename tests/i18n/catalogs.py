"""Checks on a translated catalog, kept apart from the tests so they can be tested themselves."""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

if TYPE_CHECKING:
    import pytest
    from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"

# %(name)s, %(count)d ... and {name}; "%%" is a literal percent sign, never a placeholder.
PLACEHOLDER = re.compile(r"%%|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXr]|\{\w*\}")


def placeholders(text: object) -> frozenset[str]:
    return frozenset(m.group() for m in PLACEHOLDER.finditer(str(text)) if m.group() != "%%")


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def msgids(catalog: Catalog) -> set[tuple[str | None, str | tuple[str, ...] | list[str]]]:
    """Every message's context and id, leaving out the header."""
    return {(m.context, m.id) for m in catalog if m.id}


def forms_for_one(catalog: Catalog) -> set[int]:
    """The plural forms this language uses when n is 1 (they may leave the number out,
    like English "one check-in", so they may match the singular msgid instead)."""
    plural = gettext.c2py(catalog.plural_expr)
    return {plural(1)}


def _message_problems(message: Message, one: set[int]) -> Iterable[str]:
    label = repr(message.id if isinstance(message.id, str) else message.id[0])
    if message.fuzzy:
        yield f"{label} is fuzzy (check the translation, then remove the fuzzy flag)"
    if isinstance(message.id, str):
        if not message.string:
            yield f"{label} is not translated"
        elif placeholders(message.string) != placeholders(message.id):
            yield f"{label}: placeholders {sorted(placeholders(message.string))} in the translation, {sorted(placeholders(message.id))} in English"
        return
    singular, plural = message.id[0], message.id[1]
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    for index, text in enumerate(strings):
        if not text:
            yield f"{label}: plural form {index} is not translated"
            continue
        allowed = [placeholders(plural)]
        if index in one and placeholders(singular) != allowed[0]:
            allowed.append(placeholders(singular))
        if placeholders(text) not in allowed:
            yield f"{label}: plural form {index} has placeholders {sorted(placeholders(text))}, expected {' or '.join(str(sorted(a)) for a in allowed)}"


def catalog_problems(po: Path, template: Path = TEMPLATE) -> list[str]:
    """Everything that keeps a catalog from being shipped, in words a translator can act on."""
    if not po.exists():
        return [f"{po} does not exist: run `flask --app parentapp translate init CODE`"]
    catalog = read_catalog(po)
    one = forms_for_one(catalog)
    problems = [p for m in catalog if m.id for p in _message_problems(m, one)]
    for message, errors in catalog.check():
        problems.extend(f"{message.id!r}: {error}" for error in errors)
    try:
        write_mo(io.BytesIO(), catalog)
    except Exception as error:  # anything that stops compiling is a problem to report
        problems.append(f"does not compile: {error}")
    expected = msgids(read_catalog(template))
    found = msgids(catalog)
    missing, extra = expected - found, found - expected
    if missing or extra:
        problems.append(
            f"not updated after the last extract ({len(missing)} missing, {len(extra)} extra, "
            f"e.g. {sorted(map(str, missing | extra))[:3]}): run make translations"
        )
    return problems


def fake_catalog(
    app: Flask, folder: Path, monkeypatch: pytest.MonkeyPatch, polish: dict[str, str]
) -> Iterator[None]:
    """Make the app read a catalog holding only ``polish`` (English -> made-up Polish) from
    ``folder``, so a test of translated messages does not depend on the real translation.
    Use as ``yield from fake_catalog(...)`` in a fixture."""
    from flask_babel import get_babel

    from parentapp.extensions import babel

    catalog = Catalog(locale="pl")
    for english, translated in polish.items():
        catalog.add(english, translated)
    messages = folder / "pl" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    with (messages / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(get_babel(app), "translation_directories", [str(folder)])
    # Flask-Babel keeps loaded catalogs across apps: start and end with none cached.
    with app.app_context():
        cache = babel.domain_instance.cache
    cache.clear()
    yield
    cache.clear()
