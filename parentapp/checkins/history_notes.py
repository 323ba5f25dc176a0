"""Lines that higher domains add beside each check-in on the carer's history (who of the team
has read it, a reply from the team): the history page itself knows none of them."""

from collections.abc import Callable, Sequence

from flask import Flask
from markupsafe import Markup
from sqlmodel import Session

from parentapp.checkins.models import CheckIn
from parentapp.families.models import Carer

# Given the carer and the check-ins shown, returns check-in id -> HTML to show beside it
# (rendered from the domain's own template, so the history template runs no query).
HistoryNotes = Callable[[Session, Carer, Sequence[CheckIn]], dict[int, Markup]]
HISTORY_NOTES = "parentapp.history_notes"


def add_history_notes(app: Flask, notes: HistoryNotes) -> None:
    """Show what ``notes`` returns beside each check-in of the carer's history."""
    added: list[HistoryNotes] = app.extensions.setdefault(HISTORY_NOTES, [])
    if notes not in added:
        added.append(notes)


def history_notes(
    app: Flask, session: Session, carer: Carer, checkins: Sequence[CheckIn]
) -> dict[int, list[Markup]]:
    """check-in id -> every added domain's lines for it, in the order added."""
    found: dict[int, list[Markup]] = {}
    for notes in app.extensions.get(HISTORY_NOTES, []):
        for checkin_id, html in notes(session, carer, checkins).items():
            found.setdefault(checkin_id, []).append(html)
    return found
