"""The forms a clinician uses on a flag, and the filters of the flag and family lists."""

from collections.abc import Iterable
from typing import Self

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SearchField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from parentapp.accounts.models import User
from parentapp.forms import Form, choices
from parentapp.listing import Filters
from parentapp.triage.labels import OUTCOME_LABELS, SEVERITY_LABELS
from parentapp.triage.lifecycle import NOTE_MAX
from parentapp.triage.vocab import CHOSEN_OUTCOMES


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
        choices=choices((o.value, OUTCOME_LABELS[o]) for o in CHOSEN_OUTCOMES),
        validators=[DataRequired(_l("Please choose what was done."))],
    )
    note = TextAreaField(
        _l("Note"),
        id="close-note",
        validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l("Required when you choose “Other”. The carer does not see it."),
    )


# As long as the longest family label: a longer search cannot match anything.
SEARCH_MAX = 120


class FilterForm(Form):
    """Narrow a list of flags or families (a GET form: it changes nothing). The choices are
    set for the reader's team by ``for_team``; a value outside them is refused, not used."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Family name"),
        validators=[
            Optional(),
            Length(
                max=SEARCH_MAX,
                message=_l(
                    "That is longer than any family name. Please search with fewer letters."
                ),
            ),
        ],
        description=_l("Part of the name is enough."),
    )
    clinician = SelectField(_l("Clinician"), validators=[Optional()], validate_choice=False)
    severity = SelectField(_l("Severity"), validators=[Optional()], validate_choice=False)
    overdue = BooleanField(_l("Only overdue flags"))

    def for_team(self, clinicians: Iterable[User]) -> Self:
        """Offer the team's clinicians and every severity."""
        self.clinician.choices = choices(
            [("", _l("Any clinician")), *((str(u.id), u.display_name) for u in clinicians)]
        )
        if "severity" in self._fields:  # a list of families has none
            self.severity.choices = choices(
                [("", _l("Any severity")), *((str(k), v) for k, v in SEVERITY_LABELS.items())]
            )
        return self

    @staticmethod
    def _offered(field: SelectField) -> set[str]:
        return {str(choice.value) for choice in field.choices or [] if choice.value}

    def validate_clinician(self, field: SelectField) -> None:
        if field.data not in self._offered(field):
            raise ValidationError(_l("Please choose a clinician from your team."))

    def validate_severity(self, field: SelectField) -> None:
        if field.data not in self._offered(field):
            raise ValidationError(_l("Please choose a severity from the list."))

    def filters(self) -> Filters:
        """The filters that passed validation (a refused one is left out)."""
        ok = {name for name, field in self._fields.items() if not field.errors}
        search = (self.q.data or "").strip() if "q" in ok else ""
        clinician = self.clinician.data if "clinician" in ok else ""
        severity = self.severity.data if "severity" in ok else ""
        return Filters(
            search=search or None,
            clinician_id=int(clinician) if clinician else None,
            severity=severity or None,
            overdue=bool(self.overdue.data),
        )

    def query_args(self) -> dict[str, str]:
        """The filters in use, for links to other pages of the same list."""
        used = self.filters()
        args = {
            "q": used.search or "",
            "clinician": str(used.clinician_id or ""),
            "severity": used.severity or "",
            "overdue": "y" if used.overdue else "",
        }
        return {name: value for name, value in args.items() if value}


class FlagFilterForm(FilterForm):
    # Which queue the filters apply to: kept when the filters change.
    queue = HiddenField()


class FamilyFilterForm(FilterForm):
    """The flag list's filters, for families: a family has no severity of its own (the flag
    list filters by it), and "overdue" keeps the families with a flag past its due-by."""

    severity = None
    overdue = BooleanField(_l("Only families with an overdue flag"))
