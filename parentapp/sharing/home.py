"""The carer's home page section: a way in to sharing, and how many shares are open."""

from sqlmodel import Session, col, func, select

from parentapp.db import utcnow
from parentapp.families.home import HomeSection
from parentapp.families.models import Carer
from parentapp.sharing.models import Share


def sharing_section(session: Session, carer: Carer) -> HomeSection:
    """Always shown: the link to share, with the count of shares that still open."""
    now = utcnow()
    live = session.exec(
        select(func.count())
        .select_from(Share)
        .where(
            Share.carer_id == carer.id,
            col(Share.revoked_at).is_(None),
            col(Share.locked_at).is_(None),
            Share.expires_at > now,
        )
    ).one()
    return HomeSection("sharing/_home.html", {"live": int(live)})
