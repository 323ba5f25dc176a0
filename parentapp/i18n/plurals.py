"""The plural formula of every shipped catalog, pinned here rather than taken from Babel.

A catalog's ``msgstr[n]`` entries are written for one numbering of its plural forms. Babel takes
the formula from its copy of CLDR, which changes between releases (Spanish gained a third form
for millions; an Arabic formula once came out with the "many" and "other" forms swapped). If the
header changed under a finished translation, every count would silently pick the wrong sentence.
So the formulas are pinned, ``translate init/update`` writes them back, and a test checks each
catalog against them and against CLDR for the numbers the app shows.
"""

import re
from pathlib import Path

# (nplurals, plural expression) per language, as written in the catalog header.
PINNED_PLURAL_FORMS: dict[str, tuple[int, str]] = {
    "ar": (
        6,
        "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)",
    ),
    # CLDR: "one" is i = 0 or n = 1, so 0 and 1 take the first form.
    "bn": (2, "(n > 1)"),
    "en": (2, "(n != 1)"),
    # CLDR's third Spanish form ("many") is only for exact millions ("1 millón de ...");
    # the app never counts that high, and two forms keep the catalog as translators know it.
    "es": (2, "(n != 1)"),
    "pl": (3, "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"),
    "ro": (3, "(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2)"),
    "ur": (2, "(n != 1)"),
}

# Languages whose pinned formula deliberately differs from Babel's CLDR data, and why.
CLDR_EXCEPTIONS: dict[str, str] = {
    "es": "CLDR 'many' applies only to exact millions, which the app never counts",
}

_HEADER = re.compile(r'"Plural-Forms:.*?\\n"\n', re.DOTALL)


def plural_forms_header(language: str) -> str:
    """The header value for ``language``: ``nplurals=N; plural=EXPR;``."""
    count, expression = PINNED_PLURAL_FORMS[language]
    return f"nplurals={count}; plural={expression};"


def restore_pinned_plural_forms(po: Path, language: str) -> bool:
    """Write the pinned Plural-Forms header into ``po``; True when it had to be changed.

    The header is replaced as text, so nothing else in the file (wrapping, comments, order)
    moves. A language with no pinned formula is left alone.
    """
    if language not in PINNED_PLURAL_FORMS:
        return False
    text = po.read_text(encoding="utf-8")
    wanted = f'"Plural-Forms: {plural_forms_header(language)}\\n"\n'
    match = _HEADER.search(text)
    if match is None:
        raise ValueError(f"{po} has no Plural-Forms header")
    # Babel wraps long headers over several quoted lines: compare the value, not the layout.
    if "".join(re.findall(r'"(.*)"', match.group())) == wanted.strip().strip('"'):
        return False
    po.write_text(text[: match.start()] + wanted + text[match.end() :], encoding="utf-8")
    return True
