"""Forms for teams and clinician accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from parentapp.accounts.forms import EmailMixin
from parentapp.accounts.passwords import MAX_LENGTH
from parentapp.forms import MultiCheckboxField, choices
from parentapp.teams.models import INVITE_EXPIRY_BOUNDS, MISSED_CHECKINS_BOUNDS

STAFF_ROLE_LABELS = {
    "clinician": _l("Clinician"),
    "lead": _l("Team lead"),
    "admin": _l("Administrator"),
}


class TeamForm(FlaskForm):
    name = StringField(
        _l("Team name"), validators=[DataRequired(_l("Enter the team's name.")), Length(max=120)]
    )
    time_zone = StringField(
        _l("Time zone"),
        default="Europe/London",
        validators=[DataRequired(_l("Enter a time zone such as Europe/London.")), Length(max=64)],
    )


class StaffForm(EmailMixin, FlaskForm):
    display_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=80)]
    )
    role = SelectField(
        _l("Role"), choices=choices(STAFF_ROLE_LABELS.items()), validators=[InputRequired()]
    )
    team_id = SelectField(_l("Team"), coerce=int, validators=[InputRequired()])
    password = PasswordField(
        _l("First password"),
        validators=[DataRequired(_l("Choose a first password.")), Length(max=MAX_LENGTH)],
        description=_l("Give it to the person privately."),
        render_kw={"autocomplete": "new-password"},
    )


WEEKDAY_LABELS = {
    1: _l("Monday"),
    2: _l("Tuesday"),
    3: _l("Wednesday"),
    4: _l("Thursday"),
    5: _l("Friday"),
    6: _l("Saturday"),
    7: _l("Sunday"),
}


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[InputRequired()])


class TeamSettingsForm(FlaskForm):
    invite_expiry_days = IntegerField(
        _l("Invitations expire after (days)"),
        validators=[
            InputRequired(_l("Enter a number of days.")),
            NumberRange(
                *INVITE_EXPIRY_BOUNDS,
                message=_l("Choose between %(min)s and %(max)s days."),
            ),
        ],
    )
    time_zone = StringField(
        _l("Time zone"),
        validators=[DataRequired(_l("Enter a time zone such as Europe/London.")), Length(max=64)],
    )
    working_days = MultiCheckboxField(
        _l("Working days"),
        coerce=int,
        choices=choices(WEEKDAY_LABELS.items()),
        description=_l("Carers are told their answers are read on these days."),
    )
    working_start = TimeField(
        _l("Working day starts at"),
        validators=[InputRequired(_l("Enter a time such as 09:00."))],
    )
    working_end = TimeField(
        _l("Working day ends at"),
        validators=[InputRequired(_l("Enter a time such as 17:00."))],
    )
    missed_checkins_threshold = IntegerField(
        _l("Missed check-ins before the clinician is told"),
        description=_l(
            "A carer who misses this many check-ins in a row is flagged (fewer after worrying answers)."
        ),
        validators=[
            InputRequired(_l("Enter a number of check-ins.")),
            NumberRange(
                *MISSED_CHECKINS_BOUNDS,
                message=_l("Choose between %(min)s and %(max)s check-ins."),
            ),
        ],
    )


class CrisisContactForm(FlaskForm):
    """One place a carer can get help at once; several are on the settings page, so each
    is built with its own ``prefix``."""

    name = StringField(
        _l("Name of the service"),
        validators=[DataRequired(_l("Enter the name of the service.")), Length(max=120)],
    )
    phone = StringField(
        _l("Phone number (optional)"),
        validators=[Optional(), Length(max=40)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    text_number = StringField(
        _l("Text message number (optional)"),
        validators=[Optional(), Length(max=40)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    description = StringField(
        _l("When it is open and what it is for (optional)"),
        validators=[Optional(), Length(max=255)],
    )


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[InputRequired()])
