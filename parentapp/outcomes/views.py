"""The team's outcome report for clinicians and leads, and each of its tables as CSV."""

from dataclasses import dataclass

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from parentapp.accounts.current import signed_in
from parentapp.db import get_session, utcnow
from parentapp.outcomes import charts, services
from parentapp.outcomes.blueprint import bp
from parentapp.outcomes.forms import PeriodForm
from parentapp.outcomes.report import Report
from parentapp.outcomes.tables import Table, as_csv, report_tables
from parentapp.security import clinical
from parentapp.teams.models import Team
from parentapp.teams.services import team_local_today


@dataclass(frozen=True)
class Shown:
    form: PeriodForm
    report: Report | None
    tables: tuple[Table, ...]


def _my_team() -> Team:
    team = get_session().get(Team, signed_in().team_id)
    if team is None:
        abort(404)
    return team


def _shown(team: Team) -> Shown:
    """The form read from the address, and the report when the form is valid."""
    session = get_session()
    form = PeriodForm(request.args)
    form.instrument.choices = [("", _("All questionnaires"))] + [
        (instrument_id, _(title)) for instrument_id, title in services.instrument_choices(session)
    ]
    if not form.validate():
        return Shown(form, None, ())
    now = utcnow()
    start, end = form.period(team_local_today(team, now))
    # Shown in the form as the dates the report is for, defaults included, and as ISO dates
    # (a date picker shows nothing else), however they were typed.
    form.start.data, form.end.data = start, end
    form.start.raw_data = form.end.raw_data = None
    report = services.team_report(
        session, team, start=start, end=end, instrument_id=form.instrument.data or None, now=now
    )
    return Shown(form, report, report_tables(report))


def _page(team: Team, shown: Shown) -> str:
    report = shown.report
    drawn = []
    if report is not None:
        drawn = [
            *(charts.change_chart(section) for section in report.scales),
            charts.engagement_chart(report.engagement),
            charts.response_chart(report.responses),
        ]
    params = {}
    if shown.report is not None:
        params = {
            "start": shown.report.period.start.isoformat(),
            "end": shown.report.period.end.isoformat(),
            "instrument": shown.report.instrument_id or "",
        }
    return render_template(
        "outcomes/report.html",
        team=team,
        form=shown.form,
        report=report,
        tables=shown.tables,
        charts={chart.slug: chart for chart in drawn if chart is not None},
        params=params,
    )


@bp.route("/team/outcomes")
@clinical
def report() -> str | tuple[str, int]:
    """The team's outcome report for a period (the last 90 days unless asked)."""
    team = _my_team()
    shown = _shown(team)
    page = _page(team, shown)
    return page if shown.report is not None else (page, 400)


@bp.route("/team/outcomes/<table>.csv")
@clinical
def table_csv(table: str) -> Response | tuple[str, int]:
    """One table of the report as CSV, made from the very table the page shows."""
    team = _my_team()
    shown = _shown(team)
    if shown.report is None:
        return _page(team, shown), 400
    found = next((t for t in shown.tables if t.slug == table), None)
    if found is None:
        abort(404)
    period = shown.report.period
    name = f"outcomes-{table}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    # A byte order mark, so that spreadsheet programs read the file as UTF-8.
    return Response(
        "\ufeff" + as_csv(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
