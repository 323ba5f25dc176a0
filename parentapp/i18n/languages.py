"""The languages table: the single source for codes, native names and text direction."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    english_name: str
    native_name: str
    direction: str = "ltr"


LANGUAGES: tuple[Language, ...] = (Language("en", "English", "English"),)

BY_CODE = {language.code: language for language in LANGUAGES}
DEFAULT = LANGUAGES[0]


def language(code: str | None) -> Language:
    """The language for a code, falling back to the default for anything unknown."""
    return BY_CODE.get(code or "", DEFAULT)
