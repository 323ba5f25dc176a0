"""The carer's reminder settings form."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, TimeField
from wtforms.validators import InputRequired, Optional

from parentapp.forms import Form, choices

QUIET = "quiet"
NO_QUIET = "none"


class ReminderSettingsForm(Form):
    enabled = BooleanField(
        _l("Remind me when a check-in is ready"),
        description=_l("One reminder when it is ready, and one more later if it is not done yet."),
    )
    quiet = RadioField(
        _l("Quiet hours"),
        choices=choices(
            [
                (QUIET, _l("No reminders between the times below")),
                (NO_QUIET, _l("Reminders at any time of day or night")),
            ]
        ),
        validators=[InputRequired(_l("Choose whether you want quiet hours."))],
    )
    quiet_start = TimeField(
        _l("Quiet from"),
        description=_l("For example 22:00."),
        validators=[Optional()],
    )
    quiet_end = TimeField(
        _l("Quiet until"),
        description=_l("For example 08:00. It may be the next morning."),
        validators=[Optional()],
    )
