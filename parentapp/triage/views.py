"""The team's family list with the flags it shows, and the template helpers that name a flag's
category, severity, state and outcome in the reader's language. The flag pages, which show the
check-ins behind each flag, are composed in ``parentapp.clinician``."""

from collections.abc import Mapping
from datetime import datetime

import flask_babel
from flask import Blueprint, render_template, request

from parentapp.accounts.current import signed_in
from parentapp.db import get_session, utcnow
from parentapp.listing import Page, page_links, requested_page
from parentapp.security import clinical
from parentapp.teams.queries import team_clinicians
from parentapp.triage import caseload as caseload_list
from parentapp.triage import labels
from parentapp.triage.caseload import FamilyRow
from parentapp.triage.forms import FamilyFilterForm

bp = Blueprint("triage", __name__, template_folder="templates")


@bp.app_template_global()
def flag_label(kind: str, value: str | None) -> str:
    """A flag's category, severity, state, outcome or event kind in the reader's language."""
    tables: dict[str, Mapping[str, object]] = {
        "category": labels.CATEGORY_LABELS,
        "severity": labels.SEVERITY_LABELS,
        "state": labels.STATE_LABELS,
        "outcome": labels.OUTCOME_LABELS,
        "event": labels.EVENT_LABELS,
    }
    return labels.label(tables[kind], value)


bp.add_app_template_global(labels.note_language, "note_language")


@bp.app_template_filter()
def age(value: datetime, now: datetime) -> str:
    """How long ago, in words ("3 hours")."""
    return str(flask_babel.format_timedelta(now - value, threshold=1.0))


@bp.route("/clinic")
@clinical
def caseload() -> str | tuple[str, int]:
    """The team's families a page at a time, the clinician's own first; searched by family
    name and filtered by clinician or an overdue flag. Filters or a page link that cannot be
    used are said so and left out (400), never guessed at."""
    me = signed_in()
    session = get_session()
    form = FamilyFilterForm(request.args).for_team(team_clinicians(session, me.team_id or 0))
    valid = form.validate()
    filters = form.filters()
    now = utcnow()

    def family_page(after: str | None, before: str | None) -> Page[FamilyRow]:
        return caseload_list.family_page(
            session, me, now=now, filters=filters, after=after, before=before
        )

    page, bad_link = requested_page(
        family_page, request.args.get("after"), request.args.get("before")
    )
    html = render_template(
        "triage/caseload.html",
        form=form,
        valid=valid,
        bad_link=bad_link,
        page=page,
        mine=[row for row in page.rows if row.mine],
        others=[row for row in page.rows if not row.mine],
        links=page_links("triage.caseload", page, form.query_args()),
        filtered=bool(form.query_args()),
    )
    return html if valid and not bad_link else (html, 400)
