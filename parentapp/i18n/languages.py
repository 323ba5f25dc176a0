"""The languages table: the single source for codes, native names and text direction.

Adding a language: ``flask --app parentapp translate init CODE``, then a row here (see README).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    english_name: str
    native_name: str
    direction: str = "ltr"


# English first: it is the default and the language the instruments were published in.
LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "English"),
    Language("pl", "Polish", "Polski"),
    Language("ro", "Romanian", "Română"),
    Language("ur", "Urdu", "اردو", "rtl"),
    Language("ar", "Arabic", "العربية", "rtl"),
    Language("bn", "Bengali", "বাংলা"),
    Language("es", "Spanish", "Español"),
)

BY_CODE = {language.code: language for language in LANGUAGES}
DEFAULT = LANGUAGES[0]


def language(code: str | None) -> Language:
    """The language for a code, falling back to the default for anything unknown."""
    return BY_CODE.get(code or "", DEFAULT)
