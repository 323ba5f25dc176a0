"""The co-parent section of the carer's home page: their requests and how each stands."""

from sqlmodel import Session

from parentapp.coparents.forms import WithdrawForm
from parentapp.coparents.queries import carer_requests
from parentapp.families.home import HomeSection
from parentapp.families.models import Carer


def coparent_section(session: Session, carer: Carer) -> HomeSection:
    """Always shown: the way to ask, and the carer's own requests (never another carer's)."""
    return HomeSection(
        "coparents/_home.html",
        {"rows": carer_requests(session, carer), "withdraw_form": WithdrawForm()},
    )
