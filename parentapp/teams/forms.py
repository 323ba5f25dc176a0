"""Forms for teams and clinician accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from parentapp.accounts.forms import EmailMixin
from parentapp.accounts.passwords import MAX_LENGTH
from parentapp.forms import ROW_ID_RANGE, Form, IdChoiceField, MultiCheckboxField, choices
from parentapp.teams.models import (
    CLOSURE_REASON_MAX,
    CONCERN_RESPONSE_BOUNDS,
    CONTACT_RESPONSE_BOUNDS,
    DEFAULT_QUICK_EXIT_URL,
    DISCREET_NAME_MAX,
    INVITE_EXPIRY_BOUNDS,
    MISSED_CHECKINS_BOUNDS,
    NOTE_RESPONSE_BOUNDS,
    QUICK_EXIT_URL_MAX,
    URGENT_RESPONSE_BOUNDS,
)

STAFF_ROLE_LABELS = {
    "clinician": _l("Clinician"),
    "lead": _l("Team lead"),
    "admin": _l("Administrator"),
    "referrer": _l("Referrer"),
}


class TeamForm(Form):
    name = StringField(
        _l("Team name"), validators=[DataRequired(_l("Enter the team's name.")), Length(max=120)]
    )
    time_zone = StringField(
        _l("Time zone"),
        default="Europe/London",
        validators=[DataRequired(_l("Enter a time zone such as Europe/London.")), Length(max=64)],
    )


class StaffForm(EmailMixin, Form):
    display_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=80)]
    )
    role = SelectField(
        _l("Role"),
        # Referrers are created by the lead of the team they refer to (``referrals``).
        choices=choices((k, v) for k, v in STAFF_ROLE_LABELS.items() if k != "referrer"),
        validators=[InputRequired()],
    )
    team_id = IdChoiceField(_l("Team"), validators=[InputRequired()])
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


# The `holidays` package's codes for the UK nations (see teams.models.NATIONS).
NATION_LABELS = {
    "ENG": _l("England"),
    "WLS": _l("Wales"),
    "SCT": _l("Scotland"),
    "NIR": _l("Northern Ireland"),
}


class ActiveForm(Form):
    active = HiddenField(validators=[InputRequired()])


class TeamSettingsBase(Form):
    """Invitations, time zone, working hours and missed check-ins."""

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


class TeamSettingsForm(TeamSettingsBase):
    """All of a team's settings: the base ones, how soon flags must be acknowledged, and who
    is on duty."""

    urgent_response_hours = IntegerField(
        _l("Urgent flags must be acknowledged within (working hours)"),
        description=_l(
            "Not acknowledged by then, an urgent flag goes to the duty clinician, then to you."
        ),
        validators=[
            InputRequired(_l("Enter a number of hours.")),
            NumberRange(
                *URGENT_RESPONSE_BOUNDS, message=_l("Choose between %(min)s and %(max)s hours.")
            ),
        ],
    )
    concern_response_days = IntegerField(
        _l("Other flags must be acknowledged within (working days)"),
        validators=[
            InputRequired(_l("Enter a number of days.")),
            NumberRange(
                *CONCERN_RESPONSE_BOUNDS, message=_l("Choose between %(min)s and %(max)s days.")
            ),
        ],
    )
    # Optional in the form (the page always sends them): left out, a setting stays as it is.
    note_response_days = IntegerField(
        _l("Carers' notes must be read within (working days)"),
        description=_l("Carers are told by when their note will be read."),
        validators=[
            Optional(),
            NumberRange(
                *NOTE_RESPONSE_BOUNDS, message=_l("Choose between %(min)s and %(max)s days.")
            ),
        ],
    )
    contact_response_hours = IntegerField(
        _l("Someone must get in touch after a request to be contacted within (working hours)"),
        description=_l(
            "Carers are told by when someone will be in touch. Not acknowledged by then, the request goes to the duty clinician, then to you."
        ),
        validators=[
            Optional(),
            NumberRange(
                *CONTACT_RESPONSE_BOUNDS, message=_l("Choose between %(min)s and %(max)s hours.")
            ),
        ],
    )
    nation = SelectField(
        _l("Public holidays of"),
        choices=choices(NATION_LABELS.items()),
        description=_l("Public holidays are not counted as working time."),
        validators=[Optional()],
        # Checked by the service, which gives the translated message.
        validate_choice=False,
    )
    duty_clinician_id = IdChoiceField(
        _l("Duty clinician"),
        message=_l("Choose a clinician in this team."),
        description=_l(
            "Sees the whole team's flags and is the first to hear of an urgent flag nobody has acknowledged."
        ),
        validators=[InputRequired()],
    )
    # Safety at home: what a carer's phone shows, and where the quick-exit control goes.
    quick_exit_url = StringField(
        _l("Quick exit goes to"),
        description=_l(
            "A neutral website that replaces the page at once when a carer presses Quick exit. It must start with https://. Leave it empty for %(url)s.",
            url=DEFAULT_QUICK_EXIT_URL,
        ),
        validators=[
            Optional(),
            Length(
                max=QUICK_EXIT_URL_MAX,
                message=_l("Use a shorter address (at most 255 characters)."),
            ),
        ],
        render_kw={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"},
    )
    discreet_name = StringField(
        _l("Discreet app name (optional)"),
        description=_l(
            "Shown to your carers instead of “Parent check-in”, on their pages and on their phone's home screen, so the app does not say what it is for. At most 30 characters."
        ),
        validators=[
            Optional(),
            Length(
                max=DISCREET_NAME_MAX, message=_l("Use a shorter name (at most 30 characters).")
            ),
        ],
        render_kw={"autocomplete": "off"},
    )
    discreet_icon = BooleanField(
        _l("Show a plain icon instead of the app's own on carers' phones"),
    )


class CrisisContactForm(Form):
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


class MoveForm(Form):
    direction = HiddenField(validators=[InputRequired()])


class ClosureForm(Form):
    """A day the team is closed, on top of the public holidays."""

    day = DateField(
        _l("Date"),
        validators=[InputRequired(_l("Enter a date such as 24/12/2027."))],
    )
    reason = StringField(
        _l("Reason"),
        description=_l("Such as “Training day”. Carers are not shown it."),
        validators=[
            DataRequired(_l("Say why the team is closed, such as “Training day”.")),
            Length(
                max=CLOSURE_REASON_MAX,
                message=_l("Use a shorter reason (at most %(max)s characters)."),
            ),
        ],
    )


class RemoveClosureForm(Form):
    closure_id = IntegerField(validators=[InputRequired(), ROW_ID_RANGE])
