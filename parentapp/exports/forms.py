"""Forms of the exports pages."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import Length, Optional, ValidationError

from parentapp.db import utcnow
from parentapp.forms import Form

REASON_MAX = 200  # the audit log keeps 255 characters of detail


class DownloadForm(Form):
    """Only the CSRF token: a download is asked for by a button, never by a link another site
    could make a browser follow."""


class TeamExportForm(Form):
    """A team's FHIR Bundle: everything, or from a day on."""

    since = DateField(
        _l("From (optional)"),
        description=_l("Check-ins and flags from this day on. Leave empty for all of them."),
        validators=[Optional()],
    )

    def validate_since(self, field: DateField) -> None:
        if field.data is None and field.raw_data and field.raw_data[0].strip():
            field.errors.clear()  # WTForms' own wording names no format: say what to type
            raise ValidationError(_l("Enter a date such as 24/12/2027."))
        # The day is in UTC, as in `flask export`: a day after today's holds nothing yet.
        if field.data is not None and field.data > utcnow().date():
            raise ValidationError(_l("Choose today or a day before it."))


class TeamCsvForm(TeamExportForm):
    """A team's CSV tables: pseudonymous unless the lead asks for names and says why."""

    with_names = BooleanField(
        _l("Include names"),
        description=_l("Adds each carer's name and family label. Only when you need them."),
    )
    reason = StringField(
        _l("Why names are needed"),
        description=_l("Kept on the audit log with the export."),
        validators=[
            Length(
                max=REASON_MAX,
                message=_l("Use a shorter reason (at most %(max)s characters)."),
            ),
        ],
    )

    def validate_reason(self, field: StringField) -> None:
        if self.with_names.data and not (field.data or "").strip():
            raise ValidationError(_l("Say why the export needs names."))

    def reason_given(self) -> str | None:
        """The reason when names are asked for; None for a pseudonymous export."""
        return (self.reason.data or "").strip() if self.with_names.data else None
