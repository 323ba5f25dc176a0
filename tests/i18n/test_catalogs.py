"""The shipped catalogs are complete and safe to compile, and the template is current.

The per-language tests fail until every string is translated: a language is not shipped
half in English. The checks themselves are tested below on small catalogs made on the spot.
"""

from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from parentapp.cli import extract_template
from parentapp.i18n.languages import LANGUAGES
from tests.i18n.catalogs import (
    TEMPLATE,
    TRANSLATIONS,
    catalog_problems,
    msgids,
    placeholders,
    read_catalog,
)

SHIPPED = [lang.code for lang in LANGUAGES if lang.code != "en"]


def po_of(code: str) -> Path:
    return TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize("code", SHIPPED)
def test_catalog_is_complete_and_compiles(code: str) -> None:
    problems = catalog_problems(po_of(code))
    assert not problems, f"{code}: {len(problems)} problem(s):\n" + "\n".join(problems[:40])


def test_template_is_current(tmp_path: Path) -> None:
    """A string marked for translation but not yet extracted would reach readers in English."""
    fresh = tmp_path / "messages.pot"
    extract_template(fresh)
    new, old = msgids(read_catalog(fresh)), msgids(read_catalog(TEMPLATE))
    assert new == old, (
        f"translations/messages.pot is out of date ({len(new - old)} new, {len(old - new)} gone, "
        f"e.g. {sorted(map(str, (new - old) | (old - new)))[:5]}): run make translations"
    )


# The checks, on catalogs made here.


def _write(path: Path, catalog: Catalog) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def _template(tmp_path: Path) -> Path:
    pot = Catalog()
    pot.add("Hello %(name)s", flags=["python-format"])
    pot.add(("%(num)d check-in", "%(num)d check-ins"), flags=["python-format"])
    pot.add("Save")
    return _write(tmp_path / "messages.pot", pot)


def _polish(**overrides: object) -> Catalog:
    """A complete Polish-like catalog (three plural forms, the first one for n == 1)."""
    catalog = Catalog(locale="pl")
    strings: dict[str, Any] = {
        "Hello %(name)s": "Cześć %(name)s",
        "plural": ("%(num)d zgłoszenie", "%(num)d zgłoszenia", "%(num)d zgłoszeń"),
        "Save": "Zapisz",
    }
    strings.update(overrides)
    catalog.add("Hello %(name)s", strings["Hello %(name)s"], flags=["python-format"])
    catalog.add(
        ("%(num)d check-in", "%(num)d check-ins"), strings["plural"], flags=["python-format"]
    )
    if strings["Save"] is not None:
        catalog.add("Save", strings["Save"])
    return catalog


def test_a_complete_catalog_passes(tmp_path: Path) -> None:
    pot = _template(tmp_path)
    assert catalog_problems(_write(tmp_path / "pl.po", _polish()), pot) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"Save": ""}, "'Save' is not translated"),
        ({"Hello %(name)s": "Cześć %(imie)s"}, "placeholders"),
        ({"Hello %(name)s": "Cześć"}, "placeholders"),
        ({"plural": ("%(num)d", "%(num)d zgłoszenia", "")}, "plural form 2 is not translated"),
        ({"plural": ("%(num)d", "zgłoszenia", "%(num)d zgłoszeń")}, "plural form 1 has"),
        ({"Save": None}, "run make translations"),
    ],
)
def test_each_fault_is_reported(
    tmp_path: Path, overrides: dict[str, object], expected: str
) -> None:
    pot = _template(tmp_path)
    problems = catalog_problems(_write(tmp_path / "pl.po", _polish(**overrides)), pot)
    assert any(expected in p for p in problems), problems


def test_fuzzy_and_missing_catalogs_are_reported(tmp_path: Path) -> None:
    pot = _template(tmp_path)
    catalog = _polish()
    catalog["Save"].flags.add("fuzzy")
    problems = catalog_problems(_write(tmp_path / "pl.po", catalog), pot)
    assert any("'Save' is fuzzy" in p for p in problems), problems
    assert "does not exist" in catalog_problems(tmp_path / "xx.po", pot)[0]


def test_placeholders_are_read_as_python_and_braces() -> None:
    assert placeholders("%(num)d of %(max)s, {name}, 100%%") == {"%(num)d", "%(max)s", "{name}"}
