"""Filling a share form with what one carer may share, and reading the choices back."""

from flask_babel import format_date
from flask_babel import gettext as _

from parentapp.forms import choices
from parentapp.sharing.forms import ShareForm
from parentapp.sharing.queries import Shareable
from parentapp.sharing.services import Choices

NOTE_PREVIEW = 80


def offer(form: ShareForm, offered: Shareable) -> list[str]:
    """Put the carer's questionnaires and notes on ``form``; the names of the fields to show
    (a choice with nothing in it is left off)."""
    form.instruments.choices = choices((g.instrument_id, _(g.title)) for g in offered.instruments)
    form.note_ids.choices = choices(
        (n.id, f"{format_date(n.submitted_at)}: {_preview(n.note or '')}") for n in offered.notes
    )
    hidden = set()
    if not offered.instruments:
        hidden.add("instruments")
    if not offered.notes:
        hidden.add("note_ids")
    if offered.clinician_summary is None:
        hidden.add("clinician_summary")
    return [f.name for f in form if f.name not in hidden]


def _preview(note: str) -> str:
    return note if len(note) <= NOTE_PREVIEW else note[: NOTE_PREVIEW - 1].rstrip() + "…"


def read(form: ShareForm) -> Choices:
    """The choices of a validated ``form``."""
    return Choices(
        recipient_name=form.recipient_name.data or "",
        recipient_role=form.recipient_role.data or "",
        recipient_email=form.recipient_email.data or "",
        locale=form.locale.data or "en",
        days=form.days.data or 0,
        instruments=list(form.instruments.data or []),
        note_ids=list(form.note_ids.data or []),
        clinician_summary=bool(form.clinician_summary.data),
    )
