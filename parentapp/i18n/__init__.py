"""Locale selection and the languages table."""

from datetime import date, datetime

import flask_babel
from babel import Locale, UnknownLocaleError
from flask import Flask, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from parentapp.i18n.languages import BY_CODE, LANGUAGES, language


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (translated where shown)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction (``ngettext`` translates it where shown)."""
    return singular, plural


def select_locale() -> str | None:
    """The user's own language, else the one chosen this visit, else the browser's.

    Outside a request (CLI commands, the worker) there is no user: the default language.
    """
    if not has_request_context():
        return None
    if current_user.is_authenticated and current_user.locale in BY_CODE:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in BY_CODE:
        return str(chosen)
    return request.accept_languages.best_match(list(BY_CODE)) or LANGUAGES[0].code


def select_timezone() -> str | None:
    """The user's own zone when they have chosen one; otherwise Flask-Babel's default."""
    if has_request_context() and current_user.is_authenticated and current_user.time_zone:
        return str(current_user.time_zone)
    return None


def format_date(value: date | datetime | None, fmt: str = "medium") -> str:
    """A date (or a timestamp shown as a date in the user's zone) in the user's locale."""
    return "" if value is None else str(flask_babel.format_date(value, fmt))


def format_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """A timestamp in the user's zone and locale."""
    return "" if value is None else str(flask_babel.format_datetime(value, fmt))


def language_name(code: str | None) -> str:
    """A language's name in the reader's own language ("Polish", "polaco"); the code itself
    for anything Babel does not know."""
    if not code:
        return ""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(str(get_locale()))
    except (ValueError, UnknownLocaleError):
        return code
    return name or code


def init_app(app: Flask) -> None:
    app.add_template_filter(format_date)
    app.add_template_filter(format_datetime)
    app.add_template_filter(language_name)

    @app.context_processor
    def _language_context() -> dict[str, object]:
        active = language(str(get_locale()))
        return {"html_lang": active.code, "html_dir": active.direction, "languages": LANGUAGES}
