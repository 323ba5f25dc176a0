"""Forms for teams and clinician accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from parentapp.accounts.forms import EmailMixin
from parentapp.accounts.passwords import MAX_LENGTH
from parentapp.forms import choices
from parentapp.teams.models import INVITE_EXPIRY_BOUNDS

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
