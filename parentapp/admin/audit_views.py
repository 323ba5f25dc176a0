"""The audit log viewer, for administrators only (the log itself is kept by ``audit``)."""

from datetime import UTC, date, datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from parentapp.admin.audit_forms import AuditFilterForm
from parentapp.admin.audit_queries import audit_page, known_actions
from parentapp.db import get_session
from parentapp.forms import choices
from parentapp.security import role_required

bp = Blueprint("audit", __name__, template_folder="templates")


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0, 0), tzinfo=UTC) if day else None


@bp.route("/admin/audit")
@role_required("admin")
def log() -> str | tuple[str, int]:
    """Newest first, 50 a page, filtered by action, who and dates (UTC)."""
    session = get_session()
    form = AuditFilterForm(request.args)
    form.action.choices = choices(
        [("", _l("Any action")), *((a, a) for a in known_actions(session))]
    )
    valid = form.validate()
    end_day = form.end.data if valid else None
    page = audit_page(
        session,
        action=(form.action.data or None) if valid else None,
        actor_email=(form.actor.data or None) if valid else None,
        start=_midnight(form.start.data) if valid else None,
        end=_midnight(end_day + timedelta(days=1)) if end_day else None,
        page=(form.page.data or 1) if valid else 1,
    )
    args = {k: v for k, v in request.args.items() if k != "page"}
    html = render_template("audit/log.html", form=form, result=page, args=args, valid=valid)
    return html if valid else (html, 400)
