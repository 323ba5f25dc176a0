"""The outcome report's period and questionnaire, read from the page's address (a GET form,
so a report can be bookmarked, shared with a colleague and downloaded with the same
figures)."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from parentapp.forms import Form

DEFAULT_DAYS = 90
# ISO (what a date picker sends) and the way people in the UK write a date by hand.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# Days the app can have records for; outside them a period means nothing (and year 9999's
# next midnight does not exist).
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


class PeriodForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a GET form that changes nothing

    start = DateField(_l("From"), format=DATE_FORMATS, validators=[Optional()])
    end = DateField(_l("To"), format=DATE_FORMATS, validators=[Optional()])
    instrument = SelectField(_l("Questionnaire"), choices=[], default="", validate_choice=True)

    def validate_start(self, field: DateField) -> None:
        _date_typed(field)

    def validate_end(self, field: DateField) -> None:
        _date_typed(field)
        start = self.start.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError(_l("The period must end on or after the day it starts."))

    def period(self, today: date) -> tuple[date, date]:
        """(first day, last day): the last 90 days up to today unless the form says."""
        end = self.end.data or today
        start = self.start.data or end - timedelta(days=DEFAULT_DAYS - 1)
        return start, end


def _date_typed(field: DateField) -> None:
    if field.data is None and field.raw_data and field.raw_data[0].strip():
        field.errors.clear()  # WTForms' own wording names no format: say what to type
        raise ValidationError(_l("Enter a date such as 24/12/2027."))
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Enter a date such as 24/12/2027."))
