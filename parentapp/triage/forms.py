"""The forms a clinician uses on a flag."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from parentapp.forms import Form, choices
from parentapp.triage.labels import OUTCOME_LABELS
from parentapp.triage.lifecycle import NOTE_MAX


class AcknowledgeForm(Form):
    note = TextAreaField(
        _l("Note (optional)"),
        id="ack-note",  # both forms share a page: their ids must differ
        validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l("For the team: what you will do next. The carer does not see it."),
    )


class CloseForm(Form):
    outcome = RadioField(
        _l("What was done"),
        choices=choices(OUTCOME_LABELS.items()),
        validators=[DataRequired(_l("Please choose what was done."))],
    )
    note = TextAreaField(
        _l("Note"),
        id="close-note",
        validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l("Required when you choose “Other”. The carer does not see it."),
    )
