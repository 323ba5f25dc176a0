"""The note screen: phrases that mean a carer's free-text note needs a person today.

The phrases are data, one file per language in ``phrases/<code>.json``, so a reviewer who reads
the language can change them without touching code. Every note is screened against every
language's phrases, whatever language the carer chose: people write in the language that comes
to them, and a phone may lack the keyboard (so the lists include romanised spellings).

Matching is deliberately simple and errs towards a flag: after normalisation a phrase matches
where it starts at a word boundary, so a short stem catches its inflections. A wrongly raised
urgent note costs a clinician a minute; a missed one can cost a life. Pure: no Flask, no database.
"""

import enum
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PHRASES_DIR = Path(__file__).resolve().parent / "phrases"


class PhraseCategory(enum.StrEnum):
    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    WANTING_TO_DIE = "wanting_to_die"
    HARM_TO_BABY = "harm_to_baby"


# Letters that different keyboards (Arabic, Persian, Urdu) type for the same sound are folded
# onto one form, so a phrase written with one matches a note typed with another.
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ی",
        "ي": "ی",
        "ې": "ی",
        "ے": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۃ": "ه",
        "ہ": "ه",
        "ھ": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "ئ": "ی",
        "ـ": None,  # tatweel: stretches a word, never changes it
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "’": "'",
        "‘": "'",
        "`": "'",
    }
)
_SPACE = re.compile(r"[\s\-_.,;:!?¿¡()\"“”«»،؛؟।]+")


def normalise(text: str) -> str:
    """Lower-case, compatibility-composed text with accents, vowel marks and joiners removed
    and letter variants folded; runs of spaces and punctuation become one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Non-spacing marks go in every script (accents, Arabic vowel marks, some Bengali vowel
    # signs and the virama): a note spelt with or without them still matches, because each
    # phrase is normalised the same way.
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    folded = unicodedata.normalize("NFKC", stripped).translate(_FOLD)
    return " " + _SPACE.sub(" ", folded).strip() + " "


@dataclass(frozen=True)
class PhraseList:
    language: str
    source: str
    reviewed: bool
    phrases: dict[PhraseCategory, tuple[str, ...]]


def _load(path: Path) -> PhraseList:
    data = json.loads(path.read_text(encoding="utf-8"))
    phrases = {
        PhraseCategory(category): tuple(p for p in (normalise(x).strip() for x in items) if p)
        for category, items in data["phrases"].items()
    }
    return PhraseList(
        language=str(data["language"]),
        source=str(data["source"]),
        reviewed=bool(data.get("reviewed", False)),
        phrases=phrases,
    )


@cache
def phrase_lists() -> tuple[PhraseList, ...]:
    """Every shipped phrase list, one per language file."""
    return tuple(_load(path) for path in sorted(PHRASES_DIR.glob("*.json")))


@cache
def _patterns() -> dict[PhraseCategory, re.Pattern[str]]:
    merged: dict[PhraseCategory, set[str]] = {}
    for phrase_list in phrase_lists():
        for category, phrases in phrase_list.phrases.items():
            merged.setdefault(category, set()).update(phrases)
    # A phrase starts after a space (normalise pads the text), so "kill" is not found in
    # "skill"; it may end anywhere, so a stem catches every ending.
    return {
        category: re.compile(
            " (?:" + "|".join(re.escape(p) for p in sorted(items, key=len, reverse=True)) + ")"
        )
        for category, items in merged.items()
        if items
    }


def screen(text: str | None) -> frozenset[str]:
    """The categories of worrying phrase found in ``text`` (empty when none, or no text)."""
    if not text or not text.strip():
        return frozenset()
    normal = normalise(text)
    return frozenset(
        category.value for category, pattern in _patterns().items() if pattern.search(normal)
    )
