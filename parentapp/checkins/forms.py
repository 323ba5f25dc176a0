"""Forms for check-ins: the carer's instrument form, built from its definition, and the
clinician's schedule forms.

The instrument form checks shape only (text length, CSRF); which answers are needed is the
definition's business and is judged by the submit service, whose errors land on the fields.
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from parentapp.checkins.models import DEFAULT_INTERVAL_DAYS
from parentapp.checkins.services import INFANT_FIELD
from parentapp.families.models import Infant
from parentapp.forms import Form, choices
from parentapp.ids import parse_row_id
from parentapp.instruments.answers import enabled_items
from parentapp.instruments.schema import Definition, Item, ItemType

INTERVAL_BOUNDS = (1, 28)
VERSION_FIELD = "instrument_version"


class DisplayField(Field):
    """Text shown among the questions (a definition's display item); takes no answer."""

    def process_formdata(self, valuelist: list[object]) -> None:  # noqa: ARG002 - no input
        self.data = None


def field_name(link_id: str) -> str:
    """The form field for an item; prefixed so no link_id can shadow a form attribute."""
    return f"item_{link_id}"


class CheckInForm(Form):
    """Fields are added per definition by ``checkin_form``."""

    definition: Definition
    # A key per page load: a double tap or a resent form stores the check-in once.
    submission_key = HiddenField(validators=[Optional(), Length(max=64)])
    # The definition version the page showed: the answers are read on it, even if a new
    # version shipped (or the schedule stopped) before they were sent.
    instrument_version = HiddenField(validators=[Optional(), Length(max=32)])

    def item_fields(self) -> list[tuple[Item, Field]]:
        return [
            (item, self[field_name(item.link_id)])
            for item in self.definition.items
            if field_name(item.link_id) in self
        ]

    def answers(self) -> dict[str, str | None]:
        """link_id -> answer of the items these answers show (a reply to a question that a
        later answer made irrelevant is dropped, as a phone would hide it)."""
        given: dict[str, str | None] = {}
        for item, form_field in self.item_fields():
            if item.type == ItemType.DISPLAY:
                continue
            value = form_field.data
            given[item.link_id] = value if isinstance(value, str) and value.strip() else None
        shown = {item.link_id for item in enabled_items(self.definition, given)}
        return {link_id: value for link_id, value in given.items() if link_id in shown}

    def chosen_infant(self) -> int | None:
        if INFANT_FIELD not in self:
            return None
        return parse_row_id(self[INFANT_FIELD].data)

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Put the service's messages (by link_id) beside their fields."""
        for link_id, message in errors.items():
            name = INFANT_FIELD if link_id == INFANT_FIELD else field_name(link_id)
            if name in self:
                self[name].errors = [*self[name].errors, message]
            else:
                self.form_errors.append(message)


def _item_field(definition: Definition, item: Item) -> Field:
    # Labels and options go through gettext so the catalogs can translate the definitions.
    label = _(item.text)
    if item.type == ItemType.CHOICE:
        # Lowest weight first: the definition's order is the meaning, never reversed for layout.
        options = choices((option.code, _(option.text)) for option in definition.options(item))
        return RadioField(label, choices=options, validate_choice=False, validators=[Optional()])
    if item.type == ItemType.BOOLEAN:
        return RadioField(
            label,
            choices=choices([("false", _("No")), ("true", _("Yes"))]),
            validate_choice=False,
            validators=[Optional()],
        )
    if item.type == ItemType.TEXT:
        limit = item.max_length or 2000
        return TextAreaField(
            label,
            validators=[
                Optional(),
                Length(
                    max=limit,
                    message=ngettext(
                        "Please keep this under %(limit)s character.",
                        "Please keep this under %(limit)s characters.",
                        limit,
                        limit=format_decimal(limit),
                    ),
                ),
            ],
            render_kw={"rows": 4, "maxlength": limit},
        )
    return DisplayField(label)


def checkin_form(
    definition: Definition, infants: Sequence[Infant] | None = None, **kwargs: object
) -> CheckInForm:
    """A form for one definition; ``infants`` adds a "which baby?" question before the items."""

    class Form(CheckInForm):
        pass

    if infants:
        setattr(
            Form,
            INFANT_FIELD,
            RadioField(
                _("Which baby are you thinking about?"),
                choices=choices((str(infant.id), infant.name) for infant in infants),
                validate_choice=False,
                validators=[Optional()],
            ),
        )
    for item in definition.items:
        setattr(Form, field_name(item.link_id), _item_field(definition, item))
    form = Form(**kwargs)
    form.definition = definition
    return form


class ScheduleForm(Form):
    """Ask a carer to complete an instrument every so many days (one per carer on the page)."""

    instrument_id = SelectField(_l("Questionnaire"), validators=[InputRequired()])
    interval_days = IntegerField(
        _l("Every how many days"),
        default=DEFAULT_INTERVAL_DAYS,
        validators=[
            InputRequired(_l("Enter a number of days.")),
            NumberRange(*INTERVAL_BOUNDS, message=_l("Choose between %(min)s and %(max)s days.")),
        ],
    )
    role_override = BooleanField(
        _l("I know this is not validated for this carer's role; use it anyway")
    )


class StopScheduleForm(Form):
    pass


# A summary shows this many weeks unless a first day is given.
SUMMARY_WEEKS = 4


def parse_since(value: str | None, today: date) -> tuple[date, str | None]:
    """The first day of the summary, and a message when ``value`` could not be used.

    Blank means the last four weeks; a date in the future, or not a date, is explained and
    the four weeks are shown instead.
    """
    default = today - timedelta(weeks=SUMMARY_WEEKS)
    if not value:
        return default, None
    try:
        since = date.fromisoformat(value.strip())
    except ValueError:
        return default, _("Please enter a date like 2026-01-31. Showing the last four weeks.")
    if since > today:
        return default, _("That date is in the future. Showing the last four weeks.")
    return since, None


class SinceForm(Form):
    """The first day of the carer's summary (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    since = DateField(_l("Show check-ins since"), validators=[Optional()])


def schedule_form(
    carer_id: int,
    definitions: Sequence[Definition],
    unvalidated: set[str],
    role_label: str,
    **kwargs: object,
) -> ScheduleForm:
    """The "add a check-in" form for one carer of a family page (one per carer: a prefix keeps
    their ids apart, and the page's token serves the app-wide CSRF check)."""
    form = ScheduleForm(prefix=f"schedule-{carer_id}", meta={"csrf": False}, **kwargs)
    form.instrument_id.choices = choices(
        (
            d.id,
            _("%(title)s (not validated for %(role)s)", title=_(d.title), role=role_label)
            if d.id in unvalidated
            else _(d.title),
        )
        for d in definitions
    )
    form.role_override.label.text = _(
        "I know this is not validated for %(role)s; use it anyway", role=role_label
    )
    return form
