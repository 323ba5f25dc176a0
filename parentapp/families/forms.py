"""Forms for families, infants, invitations, joining and consent (shape checks only), and the
filters of the family list."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from parentapp.accounts.forms import EmailMixin, language_choices
from parentapp.accounts.passwords import MAX_LENGTH
from parentapp.families.roles import CarerRole
from parentapp.forms import Form, IdChoiceField, choices

CARER_ROLE_LABELS = {
    CarerRole.MOTHER: _l("Mother"),
    CarerRole.FATHER: _l("Father"),
    CarerRole.CO_PARENT: _l("Co-parent"),
    CarerRole.GRANDPARENT: _l("Grandparent"),
    CarerRole.FOSTER_KINSHIP: _l("Foster or kinship carer"),
    CarerRole.OTHER: _l("Other (tell us in your own words)"),
}


class InfantFieldsMixin:
    date_of_birth = DateField(
        _l("Date of birth"),
        validators=[Optional()],
        description=_l("Leave empty if the baby is not born yet."),
    )
    due_date = DateField(
        _l("Due date"),
        validators=[Optional()],
        description=_l("Only if the baby is not born yet."),
    )
    nhs_number = StringField(
        _l("Baby's NHS number (optional)"),
        validators=[Length(max=20)],
        description=_l("10 digits, as on the red book or an NHS letter."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class FamilyForm(InfantFieldsMixin, Form):
    label = StringField(
        _l("Family name or reference"),
        validators=[DataRequired(_l("Enter a name or reference for the family.")), Length(max=120)],
        description=_l("Seen only by your team."),
    )
    assigned_clinician_id = IdChoiceField(
        _l("Assigned clinician"),
        validators=[InputRequired()],
        message=_l("Choose a clinician from your team."),
    )
    infant_name = StringField(
        _l("Baby's name or nickname"),
        validators=[DataRequired(_l("Enter the baby's name or a nickname.")), Length(max=80)],
    )


class InfantForm(InfantFieldsMixin, Form):
    name = StringField(
        _l("Baby's name or nickname"),
        validators=[DataRequired(_l("Enter the baby's name or a nickname.")), Length(max=80)],
    )


class NhsNumberForm(Form):
    """One carer's or baby's NHS number, on the family page; empty removes it."""

    nhs_number = StringField(
        _l("NHS number"),
        validators=[Length(max=20)],
        description=_l("10 digits. Leave empty to remove it."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


def nhs_number_form(key: str, **kwargs: object) -> NhsNumberForm:
    """The form for one carer or baby (``key``: "carer-<id>"); one of several on the family
    page, so prefixed, and the page's token serves the app-wide CSRF check."""
    return NhsNumberForm(prefix=key, meta={"csrf": False}, **kwargs)


class ReassignForm(Form):
    assigned_clinician_id = IdChoiceField(
        _l("Assigned clinician"),
        validators=[InputRequired()],
        message=_l("Choose a clinician from your team."),
    )


class InvitationForm(Form):
    invitee_note = StringField(
        _l("Who is this invitation for? (optional)"),
        validators=[Length(max=80)],
        description=_l('For your team only, for example "Dad" or "Grandma".'),
    )


class CodeForm(Form):
    code = StringField(
        _l("Invitation code"),
        validators=[DataRequired(_l("Enter the code from your invitation.")), Length(max=40)],
        description=_l("12 letters and numbers, for example ABCD-EFGH-JKMN."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class JoinForm(EmailMixin, Form):
    language = SelectField(
        _l("Language"),
        choices=language_choices(),
        description=_l(
            "The app and your check-ins will be in this language. You can change it later."
        ),
    )
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter the name you would like us to use.")), Length(max=80)],
        description=_l("The name your clinician will see. A first name is fine."),
        render_kw={"autocomplete": "given-name"},
    )
    carer_role = RadioField(
        _l("How do you describe yourself?"),
        choices=choices((role.value, label) for role, label in CARER_ROLE_LABELS.items()),
        validators=[InputRequired(_l("Choose how you describe yourself."))],
    )
    carer_role_other = StringField(
        _l("If you chose Other: in your own words"), validators=[Optional(), Length(max=80)]
    )
    # WTForms orders fields by creation, which would put the mixin's email first; a copy made
    # here keeps "About you" in reading order: name, role, then the login details.
    email = EmailMixin.email.field_class(*EmailMixin.email.args, **EmailMixin.email.kwargs)
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(_l("Choose a password.")), Length(max=MAX_LENGTH)],
        description=_l("At least 8 characters. A few words together are easy to remember."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are different. Please type them again.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ConsentForm(Form):
    agree = BooleanField(
        _l("I have read this and I agree"),
        validators=[DataRequired(_l("Tick the box to say you have read this and agree."))],
    )
