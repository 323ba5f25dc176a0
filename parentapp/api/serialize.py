"""What the API answers with: plain JSON-ready dicts, with every text a person reads translated.

Definition texts pass through gettext here, as they do on the HTML pages, so the catalogs in
``translations/`` translate instrument items and answer options too.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask_babel import format_time
from flask_babel import gettext as _

from parentapp.checkins.blueprint import format_when
from parentapp.checkins.due import due_state
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.checkins.queries import DueItem
from parentapp.checkins.services import needs_infant_choice, translation_validated
from parentapp.families.models import Infant
from parentapp.instruments.schema import Definition, Item
from parentapp.teams.contacts import ContactDetails
from parentapp.teams.hours import WorkingHours, next_working_moment


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``: one unambiguous form for every timestamp the API sends."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _text(value: str | None) -> str | None:
    # gettext("") would return the catalog's header, so empty and absent texts stay as they are.
    return _(value) if value else value


def due_items(items: Sequence[DueItem]) -> list[dict[str, Any]]:
    return [
        {
            "instrument_id": item.schedule.instrument_id,
            "version": item.version,
            "title": _(item.title),
            "next_due_at": iso(item.next_due_at),
            "is_due": item.is_due,
            "missed": item.missed,
        }
        for item in items
    ]


def _item(definition: Definition, item: Item) -> dict[str, Any]:
    return {
        "link_id": item.link_id,
        "text": _(item.text),
        "type": item.type.value,
        "required": item.required,
        "enable_when": [
            {"question": c.question, "operator": c.operator, "answer": c.answer}
            for c in item.enable_when
        ],
        "enable_behavior": item.enable_behavior,
        # Lowest to highest weight, as the definition guarantees: order is meaning.
        "options": [
            {"code": o.code, "text": _(o.text), "weight": o.weight}
            for o in definition.options(item)
        ],
        "tags": [tag.value for tag in item.tags],
        "about_infant": item.about_infant,
        "max_length": item.max_length,
    }


def instrument(
    definition: Definition, *, locale: str, schedule: Schedule, infants: Sequence[Infant]
) -> dict[str, Any]:
    """One instrument version as a carer's phone shows it, in the carer's language."""
    return {
        "id": definition.id,
        "version": definition.version,
        "title": _(definition.title),
        "short_title": _(definition.short_title),
        "introduction": _text(definition.introduction),
        "recall_period": _(definition.recall_period),
        "attribution": _text(definition.attribution),
        "locale": locale,
        "translation_validated": translation_validated(definition, locale),
        "infants": [{"id": infant.id, "name": infant.name} for infant in infants],
        # Several babies and none named by the schedule: the carer must say which one.
        "infant_required": schedule.infant_id is None
        and needs_infant_choice(definition, list(infants)),
        "items": [_item(definition, item) for item in definition.items],
    }


def _contact(contact: ContactDetails) -> dict[str, Any]:
    return {
        "name": _(contact.name),
        "phone": contact.phone,
        "text_number": contact.text_number,
        "description": _text(contact.description),
    }


def _safety_message(row: CheckIn, sees_by: datetime, hours: WorkingHours) -> str:
    """What to do now and when the clinician will see the answers, in the words of the HTML
    safety screen (the same catalog entries, so both read alike in every language)."""
    if sees_by <= row.submitted_at:
        when = _(
            "Your team is at work now, until %(time)s today. Your clinician will see your answers as soon as they can, but maybe not straight away.",
            time=format_time(hours.end, "short"),
        )
    else:
        when = _(
            "Your team is not at work right now. Your clinician will see this by %(when)s, when the team is next at work.",
            when=format_when(sees_by),
        )
    now = _(
        "Call 999 or go to A&E now if you feel you might act on these thoughts, or you have harmed yourself or someone else."
    )
    return " ".join([now, when, _("Nobody watches this app around the clock.")])


def checkin(
    row: CheckIn,
    *,
    schedule: Schedule | None,
    urgent: bool,
    hours: WorkingHours,
    contacts: Sequence[ContactDetails],
) -> dict[str, Any]:
    """A stored check-in as the API reports it, built from stored values and the team's
    settings only, so a replay of the same submission gets the same answer.

    ``clinician_sees_by`` is the first working moment of the team at or after submission.
    """
    sees_by = next_working_moment(row.submitted_at, hours)
    next_due = (
        due_state(
            starts_at=schedule.starts_at,
            interval_days=schedule.interval_days,
            last_submitted_at=row.submitted_at,
            now=row.submitted_at,
        ).next_due_at
        if schedule is not None
        else None
    )
    body: dict[str, Any] = {
        "id": row.id,
        "instrument_id": row.instrument_id,
        "instrument_version": row.instrument_version,
        "submitted_at": iso(row.submitted_at),
        "urgent": urgent,
        "next_due_at": iso(next_due) if next_due is not None else None,
        "clinician_sees_by": iso(sees_by),
    }
    if urgent:
        body["safety"] = {
            "crisis_contacts": [_contact(c) for c in contacts],
            "message": _safety_message(row, sees_by, hours),
        }
    return body
