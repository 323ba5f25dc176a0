"""Forms of account closure (shape checks only; the services decide)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from parentapp.closure.restricted import REASON_MAX
from parentapp.forms import Form


class CloseRequestForm(Form):
    understood = BooleanField(
        _l("I understand: my account will be closed and I will not be able to sign in again"),
        validators=[DataRequired(_l("Tick the box to say you understand what happens."))],
    )


class WithdrawForm(Form):
    """Only the token: the carer keeps their account."""


class ConfirmClosureForm(Form):
    flags_reviewed = BooleanField(
        _l('I have read these open flags. Close them with the outcome "account closed".')
    )


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Why do you need to open this record?"),
        validators=[Length(max=REASON_MAX * 2)],
        description=_l("Kept in the audit log with your name. For example: a court order."),
    )


class EndRestrictionForm(Form):
    end_reason = TextAreaField(
        _l("Why must the restriction end?"),
        validators=[Length(max=REASON_MAX * 2)],
        description=_l(
            "Kept in the audit log. The record goes back to the family's page; the account "
            "stays closed."
        ),
    )
