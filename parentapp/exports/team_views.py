"""Downloads for the team: a lead's FHIR Bundle and CSV tables of the whole team, and one
family's FHIR Bundle for the clinical staff who may open that family's record.

Each download is a POST with the CSRF token (it writes to the audit log, and a link another
site could make a browser follow must not) and shares one per-person rate limit."""

from datetime import UTC, date, datetime, time

from flask import Response, abort, render_template

from parentapp.accounts.current import signed_in
from parentapp.db import get_session, utcnow
from parentapp.exports.blueprint import bp
from parentapp.exports.forms import TeamCsvForm, TeamExportForm
from parentapp.exports.team_exports import bundle_bytes, csv_zip, family_fhir, team_csv, team_fhir
from parentapp.extensions import limiter, user_key
from parentapp.families.queries import family_for_clinician
from parentapp.security import clinical, role_required
from parentapp.teams.models import Team

lead_only = role_required("lead")
# One budget for all of a person's team downloads: each reads the whole team.
download_limit = limiter.shared_limit("10 per hour", scope="team-exports", key_func=user_key)
FHIR_JSON = "application/fhir+json"


def _fhir_form(**kw: object) -> TeamExportForm:
    # Two forms on one page: prefixes keep their field ids apart, and the page's own CSRF
    # token (checked app-wide) goes with each.
    return TeamExportForm(prefix="fhir", meta={"csrf": False}, **kw)


def _csv_form(**kw: object) -> TeamCsvForm:
    return TeamCsvForm(prefix="csv", meta={"csrf": False}, **kw)


def _page(fhir_form: TeamExportForm | None = None, csv_form: TeamCsvForm | None = None) -> str:
    return render_template(
        "exports/team_exports.html",
        team=_my_team(),
        fhir_form=fhir_form or _fhir_form(formdata=None),
        csv_form=csv_form or _csv_form(formdata=None),
    )


def _my_team() -> Team:
    team = get_session().get(Team, signed_in().team_id)
    if team is None:
        abort(404)
    return team


def _start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


def _attachment(body: bytes, mimetype: str, name: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.route("/team/exports")
@lead_only
def team_exports() -> str:
    """A lead's page with the team's downloads."""
    return _page()


@bp.route("/team/exports/fhir", methods=["POST"])
@lead_only
@download_limit
def team_fhir_download() -> Response | tuple[str, int]:
    """The team's records as one FHIR R4 Bundle. Audited: who, and when."""
    form = _fhir_form()
    if not form.validate_on_submit():
        return _page(fhir_form=form), 400
    now = utcnow()
    team = _my_team()
    bundle = team_fhir(
        get_session(), actor_id=signed_in().id, team=team, since=_start(form.since.data), now=now
    )
    return _attachment(bundle_bytes(bundle), FHIR_JSON, f"fhir-team-{team.id}-{now:%Y-%m-%d}.json")


@bp.route("/team/exports/csv", methods=["POST"])
@lead_only
@download_limit
def team_csv_download() -> Response | tuple[str, int]:
    """The team's CSV tables in one zip; names only with a reason, which the audit log keeps."""
    form = _csv_form()
    if not form.validate_on_submit():
        return _page(csv_form=form), 400
    now = utcnow()
    team = _my_team()
    tables = team_csv(
        get_session(),
        actor_id=signed_in().id,
        team=team,
        since=_start(form.since.data),
        reason=form.reason_given(),
    )
    return _attachment(csv_zip(tables), "application/zip", f"csv-team-{team.id}-{now:%Y-%m-%d}.zip")


@bp.route("/families/<int:family_id>/export/fhir", methods=["POST"])
@clinical
@download_limit
def family_fhir_download(family_id: int) -> Response:
    """One family's records as a FHIR R4 Bundle, for the staff who may open the family's page
    (another team's family is not there: 404). Audited."""
    session = get_session()
    family = family_for_clinician(session, signed_in(), family_id)
    team = session.get_one(Team, family.team_id)
    now = utcnow()
    bundle = family_fhir(
        session, actor_id=signed_in().id, family=family, team=team, since=None, now=now
    )
    name = f"fhir-family-{family.id}-{now:%Y-%m-%d}.json"
    return _attachment(bundle_bytes(bundle), FHIR_JSON, name)
