"""Forms for asking the team to invite someone and for deciding (shape checks only)."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from parentapp.accounts.forms import language_choices
from parentapp.families.forms import CARER_ROLE_LABELS
from parentapp.forms import Form, choices


def _language_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("I am not sure")), *language_choices()]


class AskForm(Form):
    name = StringField(
        _l("Their name"),
        validators=[DataRequired(_l("Enter the name of the person to invite.")), Length(max=80)],
        render_kw={"autocomplete": "off"},
    )
    carer_role = RadioField(
        _l("How do they care for the baby?"),
        choices=choices((role.value, label) for role, label in CARER_ROLE_LABELS.items()),
        validators=[InputRequired(_l("Choose how they care for the baby."))],
    )
    carer_role_other = StringField(
        _l("If you chose Other: in your own words"), validators=[Optional(), Length(max=80)]
    )
    email = EmailField(
        _l("Their email address"),
        validators=[
            Optional(),
            Email(_l("Enter an email address like name@example.com.")),
            Length(max=254),
        ],
        description=_l(
            "Their invitation is emailed here. Give an email address, a phone number or both."
        ),
        render_kw={"autocomplete": "off", "inputmode": "email", "spellcheck": "false"},
    )
    phone = StringField(
        _l("Their phone number"),
        validators=[Optional(), Length(max=32, message=_l("That phone number is too long."))],
        description=_l("Without an email address, your team passes the invitation on."),
        render_kw={"autocomplete": "off", "inputmode": "tel", "type": "tel"},
    )
    locale = SelectField(
        _l("The language they would like"),
        choices=_language_choices(),
        validators=[Optional()],
        description=_l("Their invitation email is written in it."),
    )


class WithdrawForm(Form):
    """A button: call off a request still waiting."""


class ApproveForm(Form):
    """A button: approve, which issues the invitation."""


class DeclineForm(Form):
    reason = TextAreaField(
        _l("Reason (for your team's record)"),
        validators=[
            DataRequired(_l("Give a short reason for the team's record.")),
            Length(max=200),
        ],
        description=_l(
            "The carer is not shown this. They are told that the team could not invite the person and asked to talk to you."
        ),
    )
