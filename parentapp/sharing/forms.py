"""The share forms (shape checks only; the service checks the rules) and the code form."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from parentapp.accounts.forms import language_choices
from parentapp.forms import Form, MultiCheckboxField, choices
from parentapp.sharing.services import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS
from parentapp.sharing.vocab import AGREED_LABELS, ROLE_LABELS


class ShareForm(Form):
    """What a carer (or their clinician, with the staff fields) shares, with whom, how long."""

    recipient_name = StringField(
        _l("Their name"),
        validators=[
            DataRequired(_l("Enter the name of the person you are sharing with.")),
            Length(max=120),
        ],
        render_kw={"autocomplete": "off"},
    )
    recipient_email = EmailField(
        _l("Their email address"),
        description=_l(
            "The link is sent here. Check it with them: a wrong address sends it to someone else."
        ),
        validators=[
            DataRequired(_l("Enter their email address.")),
            Email(_l("Enter an email address like name@example.com.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "off", "inputmode": "email", "spellcheck": "false"},
    )
    recipient_role = RadioField(
        _l("Who they are"),
        choices=choices(ROLE_LABELS.items()),
        validators=[InputRequired(_l("Choose who they are."))],
    )
    locale = SelectField(
        _l("The language of the page they will see"),
        choices=language_choices(),
        default="en",
    )
    days = IntegerField(
        _l("How many days the link works"),
        default=DEFAULT_DAYS,
        description=_l("From 1 to 14 days. You can stop it sooner at any time."),
        validators=[
            InputRequired(_l("Enter a number of days from 1 to 14.")),
            NumberRange(
                min=MIN_DAYS, max=MAX_DAYS, message=_l("Enter a number of days from 1 to 14.")
            ),
        ],
        render_kw={"inputmode": "numeric", "min": MIN_DAYS, "max": MAX_DAYS},
    )
    instruments = MultiCheckboxField(
        _l("Your scores over time"),
        description=_l("The last 12 weeks of each questionnaire you tick."),
        choices=[],
        validate_choice=False,  # the service checks them against what this carer may share
    )
    note_ids = MultiCheckboxField(
        _l("Your notes"),
        description=_l("Only the notes you tick."),
        coerce=int,
        choices=[],
        validate_choice=False,
    )
    clinician_summary = BooleanField(_l("Your clinician's last summary"))


class StaffShareForm(ShareForm):
    """A clinician shares for a carer only with the carer's agreement recorded."""

    agreed = BooleanField(_l("The carer agreed to this share"), validators=[Optional()])
    agreed_how = RadioField(
        _l("How they agreed"), choices=choices(AGREED_LABELS.items()), validators=[Optional()]
    )


class CodeForm(Form):
    code = StringField(
        _l("Code"),
        description=_l("The 8 characters the person who shared this with you gave you."),
        validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
