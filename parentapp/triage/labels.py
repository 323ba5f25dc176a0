"""How flag categories, severities, states and outcomes read to a clinician."""

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from parentapp.triage.vocab import Category, FlagState, Outcome, Severity

# Keyed by the enum's value (a str), labelled lazily: translated where shown.
Labels = dict[str, Any]

CATEGORY_LABELS: Labels = {
    Category.SELF_HARM: _l("Thoughts of self-harm"),
    Category.HARM_TO_BABY: _l("Thoughts of harming the baby"),
    Category.MOOD: _l("Low mood"),
    Category.ANXIETY: _l("Anxiety"),
    Category.DETERIORATION: _l("Getting worse"),
    Category.CONTACT_REQUEST: _l("Asked to be contacted"),
    Category.DISENGAGEMENT: _l("Missed check-ins"),
    Category.NOTE: _l("A note to read"),
}
SEVERITY_LABELS: Labels = {
    Severity.URGENT: _l("Urgent"),
    Severity.CONCERN: _l("Concern"),
    Severity.INFO: _l("Information"),
}
STATE_LABELS: Labels = {
    FlagState.OPEN: _l("Open"),
    FlagState.ACKNOWLEDGED: _l("Acknowledged"),
    FlagState.CLOSED: _l("Closed"),
}
OUTCOME_LABELS: Labels = {
    Outcome.CONTACTED: _l("Contacted the carer"),
    Outcome.APPOINTMENT: _l("Arranged an appointment"),
    Outcome.REFERRED: _l("Referred on"),
    Outcome.NO_ACTION: _l("No action needed"),
    Outcome.OTHER: _l("Other"),
    Outcome.ACCOUNT_CLOSED: _l("Account closed at the carer's request"),
}
EVENT_LABELS: Labels = {
    "opened": _l("Raised"),
    "retriggered": _l("Raised again"),
    "reopened": _l("Re-opened by a new urgent answer"),
    "acknowledged": _l("Acknowledged"),
    "closed": _l("Closed"),
    "escalated": _l("Escalated"),
    "reassigned": _l("Passed to the family's new clinician"),
}


def note_language(flag: Any) -> str | None:
    """The language a note flag's note was written in (from its evidence), else None."""
    if flag.category != Category.NOTE.value:
        return None
    note = (flag.evidence or {}).get("note")
    language = note.get("language") if isinstance(note, Mapping) else None
    return str(language) if language else None


def label(labels: Mapping[str, object], value: str | None) -> str:
    """``value``'s label in the reader's language; an unknown value (a newer rule's category)
    is shown as stored rather than hidden."""
    if value is None:
        return ""
    found = labels.get(value)
    return str(found) if found is not None else value
