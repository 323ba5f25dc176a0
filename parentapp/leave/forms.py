"""The leave form."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import InputRequired

from parentapp.forms import Form, IdChoiceField


class LeaveForm(Form):
    # Only a team lead chooses whose leave it is; a clinician's own leave is always their own
    # (the view puts their id in before validation, so it is checked against the team as well).
    clinician_id = IdChoiceField(_l("Whose leave"), message=_l("Choose a clinician in this team."))
    starts_on = DateField(
        _l("First day of leave"), validators=[InputRequired(_l("Enter the first day."))]
    )
    ends_on = DateField(
        _l("Last day of leave"), validators=[InputRequired(_l("Enter the last day."))]
    )
    cover_id = IdChoiceField(
        _l("Covered by"),
        message=_l("Choose another clinician in the team to cover."),
        description=_l("Their families' flags and notifications go to this person while it lasts."),
        validators=[InputRequired(_l("Choose who covers."))],
    )
