"""Helpers shared by every domain's forms."""

from collections.abc import Callable, Iterable
from typing import Any, ParamSpec

import flask_babel
from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from parentapp.db import get_session
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError, apply_to_form
from parentapp.ids import MAX_ID
from parentapp.text import clean_field

P = ParamSpec("P")


class CatalogTranslations:
    """WTForms' translations object, reading our catalogs through Flask-Babel.

    WTForms formats its messages itself after looking them up (``message % {"min": ...}``),
    so these return the bare translation, never formatted (Flask-Babel's ``ngettext`` would
    format with ``num`` and fail on ``%(min)d``). The msgids are marked for extraction in
    ``parentapp.i18n.wtforms_messages``.
    """

    def gettext(self, string: str) -> str:
        return str(flask_babel.get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(flask_babel.get_translations().ungettext(singular, plural, n))


CATALOG_TRANSLATIONS = CatalogTranslations()


class Form(FlaskForm):
    """Every form's base: WTForms' built-in messages come from our catalogs, in the reader's
    language (Flask-WTF would otherwise use WTForms' own catalogs, which lack Urdu and Bengali
    and differ in wording from ours)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> CatalogTranslations:  # noqa: ARG002
            return CATALOG_TRANSLATIONS

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            # Every field's text loses control characters before validation: a NUL would
            # otherwise reach PostgreSQL, which refuses it (parentapp/text.py).
            filters = (clean_field, *(unbound_field.kwargs.get("filters") or ()))
            return super().bind_field(form, unbound_field, {**options, "filters": filters})


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class IdChoiceField(SelectField):
    """A choice of one of the rows the view offers (``choices``: their ids and names).

    Anything else sent, another team's id, -1, "abc" or a number no key can hold, makes the
    form invalid with ``message`` beside the field, so it never reaches a query: the view reads
    ``data`` only after ``validate()``.
    """

    def __init__(
        self, label: Any = None, validators: Any = None, *, message: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(
            label,
            validators,
            coerce=int,
            validate_choice=True,
            # "abc" is as much not a choice as 7 is: one message for both.
            invalid_value_message=message or _l("Not a valid choice."),
            invalid_choice_message=message or _l("Not a valid choice."),
            **kwargs,
        )


# For a row's id a page sends back in a hidden field: a number out of range is refused by the
# form, as "abc" is, before a query sees it (parentapp/ids.py).
ROW_ID_RANGE = NumberRange(min=1, max=MAX_ID)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes in one fieldset (rendered by the forms macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def saved(
    form: Any, done: str, change: Callable[P, object], *args: P.args, **kwargs: P.kwargs
) -> bool:
    """Make the change a validated ``form`` asks for (one service call, ``change(*args,
    **kwargs)``) and say whether it was made. Made: ``done`` is flashed for the next page.
    Refused by a rule: the request's session is rolled back (nothing half-written shows on the
    page drawn again) and the reason is shown beside the field it concerns. A record that is
    not there or not the user's to change is not the form's mistake: it reaches its error page
    (404 or 403)."""
    try:
        change(*args, **kwargs)
    except (NotFoundError, PermissionDeniedError):
        raise
    except DomainError as error:
        get_session().rollback()
        apply_to_form(form, error)
        return False
    flash(done, "success")
    return True
