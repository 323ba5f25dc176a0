"""Forms of the second-factor and password-reset pages; shape checks only."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from parentapp.accounts.forms import EmailMixin
from parentapp.forms import Form


class CodeForm(Form):
    code = StringField(
        _l("Code"),
        description=_l("The 6-digit code your authenticator app shows, or a recovery code."),
        validators=[DataRequired(_l("Enter the code.")), Length(max=64)],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "text",
            "spellcheck": "false",
            "autocapitalize": "none",
        },
    )


class SetupForm(Form):
    code = StringField(
        _l("Code from the app"),
        description=_l("The 6 digits the app shows for this account now."),
        validators=[DataRequired(_l("Enter the code.")), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ForgotForm(EmailMixin, Form):
    pass


class NewPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a new password.")), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Type the new password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
