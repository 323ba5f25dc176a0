"""The clinician's pre-session summary of a family (print-friendly)."""

from datetime import date, datetime, time

from flask import render_template, request
from flask_babel import get_timezone
from flask_login import current_user

from parentapp.audit.services import record_view
from parentapp.checkins.forms import SinceForm, parse_since
from parentapp.clinician.blueprint import bp
from parentapp.clinician.summary import family_summary
from parentapp.db import get_session, utcnow
from parentapp.families import queries
from parentapp.security import clinical


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=get_timezone())


@bp.route("/families/<int:family_id>/summary")
@clinical
def summary(family_id: int) -> str | tuple[str, int]:
    """Each carer's check-ins, scores, flags and notes since a date (default: four weeks)."""
    session = get_session()
    family = queries.family_for_clinician(session, current_user, family_id)
    today = utcnow().astimezone(get_timezone()).date()
    since, problem = parse_since(request.args.get("since"), today)
    carers = family_summary(session, family, _local_midnight(since))
    record_view(
        session=session,
        action="family.summary_viewed",
        actor_id=current_user.id,
        target_type="family",
        target_id=family.id,
    )
    form = SinceForm(formdata=None, data={"since": since})
    form.since.render_kw = {"max": today.isoformat()}
    if problem:
        form.since.errors = [problem]
    page = render_template(
        "clinician/summary.html", family=family, carers=carers, since=since, today=today, form=form
    )
    return (page, 400) if problem else page
