"""Forms for referrals (shape only; the rules are ``services``')."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from parentapp.accounts.forms import EmailMixin, language_choices
from parentapp.forms import Form, IdChoiceField, MultiCheckboxField, choices
from parentapp.referrals.vocab import (
    DECLINE_REASONS,
    PROFESSIONS,
    REASON_TEXT_MAX,
    REASONS,
    SIGNPOST_MAX,
    URGENCY_LABELS,
)


class ReferrerForm(EmailMixin, Form):
    """A lead adds a referrer's account."""

    display_name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter their name.")), Length(max=80)]
    )
    profession = SelectField(
        _l("What they do"), choices=choices(PROFESSIONS.items()), validators=[InputRequired()]
    )
    organisation = StringField(
        _l("Where they work (optional)"),
        validators=[Length(max=120)],
        description=_l("A practice, a health visiting team, a maternity unit."),
    )


class ReferralForm(Form):
    """A referrer's referral of one family to their team."""

    team_id = IdChoiceField(
        _l("Team"), validators=[InputRequired()], message=_l("Choose the team to refer to.")
    )
    carer_name = StringField(
        _l("The parent's or carer's name"),
        validators=[DataRequired(_l("Enter the parent's or carer's name.")), Length(max=80)],
    )
    carer_email = StringField(
        _l("Their email address"),
        validators=[
            Optional(),
            Email(_l("Enter an email address like name@example.com.")),
            Length(max=254),
        ],
        render_kw={"inputmode": "email", "spellcheck": "false"},
    )
    carer_phone = StringField(
        _l("Their phone number"),
        validators=[Length(max=40)],
        description=_l("An email address, a phone number, or both."),
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    language = SelectField(_l("The language they prefer"), validators=[InputRequired()])
    infant_name = StringField(
        _l("Baby's name (or 'baby' if not born yet)"),
        validators=[DataRequired(_l("Enter the baby's name or a nickname.")), Length(max=80)],
    )
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    due_date = DateField(
        _l("Due date"), validators=[Optional()], description=_l("Only if not born yet.")
    )
    second_infant_name = StringField(
        _l("A second baby's name (twins), optional"), validators=[Length(max=80)]
    )
    second_date_of_birth = DateField(_l("Second baby's date of birth"), validators=[Optional()])
    second_due_date = DateField(_l("Second baby's due date"), validators=[Optional()])
    reasons = MultiCheckboxField(_l("Why you are referring"), choices=choices(REASONS.items()))
    reason_text = TextAreaField(
        _l("In your own words"),
        validators=[
            DataRequired(_l("Say in your own words why you are referring.")),
            Length(max=REASON_TEXT_MAX),
        ],
        description=_l(
            "What you have noticed, what the family has told you, and what they hope for."
        ),
    )
    urgency = RadioField(
        _l("How urgent is this?"),
        choices=choices(URGENCY_LABELS.items()),
        default="routine",
        validators=[InputRequired(_l("Choose how urgent this is."))],
        description=_l(
            "If anyone is at immediate risk, do not wait for the team: call 999 or the local "
            "crisis line now."
        ),
    )
    consent = BooleanField(_l("The family agreed to be referred to this team"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class AcceptForm(Form):
    assigned_clinician_id = IdChoiceField(
        _l("Assigned clinician"),
        validators=[InputRequired()],
        message=_l("Choose a clinician from your team."),
    )
    family_label = StringField(
        _l("Family name or reference"),
        validators=[Length(max=120)],
        description=_l("Seen only by your team. Empty: the carer's name."),
    )


class DeclineForm(Form):
    reason = SelectField(
        _l("Why it is declined"),
        choices=choices(DECLINE_REASONS.items()),
        validators=[InputRequired()],
    )
    signposted_to = StringField(
        _l("Where the family was pointed instead"),
        validators=[
            DataRequired(_l("Say where the family was pointed instead.")),
            Length(max=SIGNPOST_MAX),
        ],
        description=_l("The referrer is told this, so they can follow it up."),
    )


class OfferForm(Form):
    appointment_date = DateField(
        _l("Date of the first appointment"),
        validators=[InputRequired(_l("Enter the date of the appointment."))],
    )
    appointment_time = TimeField(
        _l("Time"), validators=[InputRequired(_l("Enter the time of the appointment."))]
    )


class StepForm(Form):
    """A step that carries nothing but itself (acknowledge, first contact made, close)."""
