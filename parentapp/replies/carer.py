"""What the replies domain adds to the carer's pages: a home-page section when there is an
unread message, and beside each check-in on their history who read it and the replies."""

from collections.abc import Sequence

from flask import render_template
from flask_login import current_user
from markupsafe import Markup
from sqlmodel import Session

from parentapp.checkins.models import CheckIn
from parentapp.families.home import HomeSection
from parentapp.families.models import Carer
from parentapp.replies import queries


def message_section(session: Session, carer: Carer) -> HomeSection | None:
    """ "You have a message from your team" on the home page while a reply is unread."""
    unread = queries.unread_count(session, carer.id or 0)
    if not unread:
        return None
    return HomeSection("replies/_home_section.html", {"unread": unread})


def history_notes(session: Session, carer: Carer, checkins: Sequence[CheckIn]) -> dict[int, Markup]:
    """check-in id -> who read it (or that the team has been told) and the replies to it."""
    # Only the carer's own: another carer's answers and replies are private from them.
    checkins = [c for c in checkins if c.carer_id == carer.id]
    receipts = queries.receipts(session, checkins)
    replies = queries.replies_to(session, [c.id for c in checkins if c.id is not None])
    authors = queries.author_names(session, [r for found in replies.values() for r in found])
    notes = {}
    for checkin in checkins:
        receipt = receipts.get(checkin.id or 0)
        found = replies.get(checkin.id or 0, [])
        if receipt is None and not found:
            continue
        notes[checkin.id or 0] = Markup(  # noqa: S704 - our own template, autoescaped
            render_template(
                "replies/_history_note.html",
                receipt=receipt,
                replies=found,
                authors=authors,
                locale=current_user.locale,
            )
        )
    return notes
