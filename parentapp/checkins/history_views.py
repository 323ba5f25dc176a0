"""Carer pages: their own answers over time, and a printable summary for their next session."""

from datetime import date, datetime, time

from flask import current_app, g, render_template, request
from flask_babel import get_timezone

from parentapp.checkins import queries
from parentapp.checkins.blueprint import bp
from parentapp.checkins.charts import Chart, line_chart
from parentapp.checkins.forms import SinceForm, parse_since
from parentapp.checkins.history_notes import history_notes
from parentapp.db import get_session, utcnow
from parentapp.families.access import carer_page
from parentapp.families.models import Carer


def _charts(groups: list[queries.InstrumentHistory]) -> dict[str, Chart]:
    return {g.instrument_id: line_chart(g.points, g.max_value) for g in groups if g.points}


@bp.route("/checkins/history")
@carer_page()
def history() -> str:
    """The carer's own check-ins: a chart of each questionnaire's total, and a list (with what
    other domains add beside each one: who read it, replies)."""
    carer: Carer = g.carer
    session = get_session()
    checkins = queries.history(session, carer)
    groups = queries.by_instrument(session, checkins)
    return render_template(
        "checkins/history.html",
        groups=groups,
        charts=_charts(groups),
        notes=history_notes(current_app, session, carer, checkins),
    )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=get_timezone())


@bp.route("/checkins/summary")
@carer_page()
def summary() -> str | tuple[str, int]:
    """A short printable summary of the carer's own check-ins since a date (default: 4 weeks)."""
    carer: Carer = g.carer
    today = utcnow().astimezone(get_timezone()).date()
    since, problem = parse_since(request.args.get("since"), today)
    result = queries.summary_since(get_session(), carer, _local_midnight(since))
    form = SinceForm(formdata=None, data={"since": since})
    form.since.render_kw = {"max": today.isoformat()}
    if problem:
        form.since.errors = [problem]
    page = render_template(
        "checkins/summary.html",
        summary=result,
        since=since,
        today=today,
        form=form,
        charts=_charts(result.instruments),
    )
    return (page, 400) if problem else page
