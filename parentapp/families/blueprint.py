"""The families blueprint, shared by the clinician and carer view modules."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from parentapp.families.models import Carer
from parentapp.families.nhs import spaced
from parentapp.families.roles import CarerRole

bp = Blueprint("families", __name__, template_folder="templates")
bp.add_app_template_filter(spaced, "nhs_spaced")


@bp.app_template_global()
def carer_role_label(carer: Carer) -> str:
    """A carer's role in the reader's language, with their own words for "other"."""
    from parentapp.families.forms import CARER_ROLE_LABELS

    label = str(CARER_ROLE_LABELS[CarerRole(carer.carer_role)])
    return f"{label}: {carer.carer_role_other}" if carer.carer_role_other else label


INVITATION_STATUS_LABELS = {
    "pending": _l("Waiting to be used"),
    "used": _l("Used"),
    "expired": _l("Expired"),
    "revoked": _l("Cancelled"),
}


@bp.app_template_global()
def invitation_status_label(status: str) -> str:
    return str(INVITATION_STATUS_LABELS[status])


def with_views() -> Blueprint:
    """The blueprint with its routes attached. Its view modules import ``bp`` from here, so
    they are imported when the app is built, not when this module is."""
    from parentapp.families import carer_views  # noqa: F401 - attach routes

    return bp
