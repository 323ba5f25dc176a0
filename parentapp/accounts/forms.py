"""Forms for logging in; shape checks only (services check rules)."""

from typing import Any
from zoneinfo import available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from parentapp.forms import Form
from parentapp.i18n.languages import LANGUAGES


class LoginForm(Form):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "username", "inputmode": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class EmailMixin:
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Email(_l("Enter an email address like name@example.com.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )


def language_choices() -> list[SelectChoice]:
    """Each language in its own name and script, marked with its code for screen readers."""
    return [
        SelectChoice(
            lang.code, lang.native_name, render_kw={"lang": lang.code, "dir": lang.direction}
        )
        for lang in LANGUAGES
    ]


class LanguageForm(Form):
    """The switcher at the foot of every page: one button per language."""

    language = HiddenField(validators=[InputRequired()])
    next = HiddenField(validators=[Optional()])


class AccountForm(Form):
    language = SelectField(_l("Language"), choices=language_choices())
    time_zone = SelectField(
        _l("Time zone"),
        description=_l("Times in the app are shown in this zone."),
        validators=[Optional()],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [
            SelectChoice("", _("The service's usual time zone")),
            *(SelectChoice(name, name) for name in sorted(available_timezones())),
        ]
