"""The audit log's filter form (a GET form: it changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, IntegerField, SelectField
from wtforms.validators import Email, NumberRange, Optional, ValidationError

from parentapp.forms import Form


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
    actor = EmailField(_l("Email of who did it"), validators=[Optional(), Email()])
    start = DateField(_l("From (UTC date)"), validators=[Optional()])
    end = DateField(_l("To (UTC date, included)"), validators=[Optional()])
    page = IntegerField(
        _l("Page"), default=1, validators=[Optional(), NumberRange(min=1, max=100000)]
    )

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must be on or after the start date."))
