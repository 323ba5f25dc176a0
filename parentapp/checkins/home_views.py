"""The carer's home page: what is due now, what is coming up, and their baby or babies."""

from flask import current_app, g, render_template
from flask_login import current_user

from parentapp.accounts.models import User
from parentapp.checkins.blueprint import bp
from parentapp.checkins.queries import due_checkins
from parentapp.db import get_session, utcnow
from parentapp.families.access import carer_page
from parentapp.families.forms import CARER_ROLE_LABELS
from parentapp.families.home import home_sections
from parentapp.families.models import Carer
from parentapp.families.queries import infants_of, team_of
from parentapp.families.roles import CarerRole


@bp.route("/home")
@carer_page()
def home() -> str:
    """The carer's home: what is due now, what is coming up, and their baby or babies."""
    carer: Carer = g.carer
    me: User = current_user
    session = get_session()
    due = due_checkins(session, carer, utcnow())
    return render_template(
        "checkins/home.html",
        me=me,
        carer=carer,
        role_label=CARER_ROLE_LABELS[CarerRole(carer.carer_role)],
        infants=infants_of(session, carer.family_id),
        team=team_of(session, carer),
        due_now=[item for item in due if item.is_due],
        coming_up=[item for item in due if not item.is_due],
        sections=home_sections(current_app, session, carer),
    )
