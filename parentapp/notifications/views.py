"""A clinician's in-app notifications, and the unread count shown in the navigation."""

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.db import get_session
from parentapp.notifications import queries, services
from parentapp.notifications.forms import MarkAllReadForm
from parentapp.security import clinical

bp = Blueprint("notifications", __name__, template_folder="templates")

# What each kind of notification says in the list: no names, answers or scores.
TITLES = {
    "flag_opened": _l("A new flag was raised for one of your families."),
    "flag_urgent": _l("One of your open flags is now urgent."),
    "flag_repeat": _l("A new urgent answer was given on one of your flags."),
    "flag_escalated": _l("An urgent flag was passed to you because nobody acknowledged it."),
    "digest": _l("Your daily summary of open flags."),
    "referral_received": _l("A new referral arrived for your team."),
    "referral_overdue": _l("A referral's next step is overdue."),
    "coparent_requested": _l("A carer asked your team to invite another carer of their baby."),
}


@bp.get("/notifications")
@clinical
def index() -> str:
    rows = queries.in_app_notifications(get_session(), signed_in().id or 0)
    return render_template(
        "notifications/list.html", rows=rows, titles=TITLES, form=MarkAllReadForm()
    )


@bp.post("/notifications/read")
@clinical
def mark_read() -> Response:
    changed = services.mark_all_read(session=get_session(), user=signed_in())
    if changed:
        flash(_("All notifications marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def unread_notifications() -> dict[str, Any]:
    """The nav's unread count: one count query, and only for clinicians and leads."""
    if not current_user or not current_user.is_authenticated or not signed_in().is_clinical:
        return {}
    if g.get("signin_pending"):
        return {}  # the nav is not shown until the second factor is passed
    return {"unread_notifications": queries.unread_count(get_session(), signed_in().id or 0)}
