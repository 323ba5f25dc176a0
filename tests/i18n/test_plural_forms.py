"""Each catalog's plural formula is the pinned one, agrees with CLDR, and every plural message
has exactly one translation per form; ``translate update`` keeps the pinned formula."""

import gettext
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural

from parentapp.cli import restore_all_plural_forms
from parentapp.i18n.languages import LANGUAGES
from parentapp.i18n.plurals import CLDR_EXCEPTIONS, PINNED_PLURAL_FORMS, plural_forms_header
from tests.i18n.catalogs import TRANSLATIONS, read_catalog

SHIPPED = [lang.code for lang in LANGUAGES if lang.code != "en"]
# Every count the app shows is well below this; it covers each ending of each rule.
NUMBERS = range(0, 2000)


def _po(code: str) -> Path:
    return TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"


def test_every_shipped_language_has_a_pinned_formula() -> None:
    assert set(SHIPPED) <= set(PINNED_PLURAL_FORMS)


@pytest.mark.parametrize("code", SHIPPED)
def test_catalog_header_is_the_pinned_formula(code: str) -> None:
    catalog = read_catalog(_po(code))
    assert catalog.plural_forms == plural_forms_header(code)


@pytest.mark.parametrize("code", sorted(PINNED_PLURAL_FORMS))
def test_pinned_formula_agrees_with_cldr(code: str) -> None:
    """Babel's CLDR data decides which form each number takes; the pinned formula must pick the
    same one, so a translator reading CLDR's order writes each msgstr[n] where it belongs."""
    if code in CLDR_EXCEPTIONS:
        pytest.skip(CLDR_EXCEPTIONS[code])
    count, expression = PINNED_PLURAL_FORMS[code]
    cldr = get_plural(code)
    assert count == cldr.num_plurals
    ours, theirs = gettext.c2py(expression), gettext.c2py(cldr.plural_expr)
    wrong = [n for n in NUMBERS if ours(n) != theirs(n)]
    assert not wrong, f"{code}: form differs from CLDR for {wrong[:10]}"


def test_bengali_zero_and_one_take_the_first_form() -> None:
    plural = gettext.c2py(PINNED_PLURAL_FORMS["bn"][1])
    assert [plural(n) for n in (0, 1, 2, 5)] == [0, 0, 1, 1]


@pytest.mark.parametrize(
    ("n", "form"),
    [(0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (11, 4), (99, 4), (100, 5), (101, 5), (102, 5),
     (103, 3), (111, 4), (200, 5)],
)  # fmt: skip
def test_arabic_forms_are_zero_one_two_few_many_other(n: int, form: int) -> None:
    assert gettext.c2py(PINNED_PLURAL_FORMS["ar"][1])(n) == form


@pytest.mark.parametrize("code", SHIPPED)
def test_every_plural_message_has_one_translation_per_form(code: str) -> None:
    catalog = read_catalog(_po(code))
    count = PINNED_PLURAL_FORMS[code][0]
    wrong = [
        message.id[0]
        for message in catalog
        if message.id and not isinstance(message.id, str) and len(message.string or ()) != count
    ]
    assert not wrong, f"{code}: plural messages without {count} forms: {wrong[:5]}"


def test_update_restores_a_pinned_formula_that_babel_rewrote(tmp_path: Path) -> None:
    for code, text in {
        "ar": 'msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Plural-Forms: nplurals=6; plural=(n==0 ? 0 : '
        'n==1 ? 1 : n==2 ? 2 : "\n"n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);\\n"\n'
        '"MIME-Version: 1.0\\n"\n\nmsgid "Save"\nmsgstr "حفظ"\n',
        "bn": 'msgid ""\nmsgstr ""\n"Language: bn\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
        '"MIME-Version: 1.0\\n"\n\nmsgid "Save"\nmsgstr "সংরক্ষণ করুন"\n',
        "pl": 'msgid ""\nmsgstr ""\n"Language: pl\\n"\n"Plural-Forms: '
        + plural_forms_header("pl")
        + '\\n"\n\nmsgid "Save"\nmsgstr "Zapisz"\n',
    }.items():
        po = tmp_path / code / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True)
        po.write_text(text, encoding="utf-8")

    assert restore_all_plural_forms(tmp_path) == ["ar", "bn"]
    for code in ("ar", "bn", "pl"):
        catalog = read_catalog(tmp_path / code / "LC_MESSAGES" / "messages.po")
        assert catalog.plural_forms == plural_forms_header(code)
        assert len(catalog) == 1  # the message itself is untouched
    assert restore_all_plural_forms(tmp_path) == []
