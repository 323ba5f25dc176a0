"""The leave form."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired

from parentapp.forms import Form


class LeaveForm(Form):
    # Only a team lead chooses whose leave it is; a clinician's own leave is always their own.
    clinician_id = SelectField(_l("Whose leave"), coerce=int, validate_choice=False)
    starts_on = DateField(
        _l("First day of leave"), validators=[InputRequired(_l("Enter the first day."))]
    )
    ends_on = DateField(
        _l("Last day of leave"), validators=[InputRequired(_l("Enter the last day."))]
    )
    cover_id = SelectField(
        _l("Covered by"),
        coerce=int,
        description=_l("Their families' flags and notifications go to this person while it lasts."),
        validators=[InputRequired(_l("Choose who covers."))],
    )
