"""Clinician pages: the flag dashboard, one flag's summary, acknowledging and closing, and the
team's family list with the flags it shows."""

from collections.abc import Mapping
from datetime import datetime

import flask_babel
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from parentapp.accounts.models import User
from parentapp.audit.services import record
from parentapp.db import get_session, utcnow
from parentapp.errors import DomainError, apply_to_form
from parentapp.leave.services import covering_names, covers_for
from parentapp.listing import Page, page_links, requested_page
from parentapp.security import role_required
from parentapp.teams.queries import team_clinicians
from parentapp.triage import caseload as caseload_list
from parentapp.triage import dashboard, labels, lifecycle
from parentapp.triage.caseload import FamilyRow
from parentapp.triage.dashboard import FlagRow
from parentapp.triage.detail import flag_detail
from parentapp.triage.forms import AcknowledgeForm, CloseForm, FamilyFilterForm, FlagFilterForm

bp = Blueprint("triage", __name__, template_folder="templates")
clinical = role_required("clinician", "lead")


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


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


@bp.route("/flags")
@clinical
def flags() -> str | tuple[str, int]:
    """Open flags for the clinician's caseload (or the team's), a page at a time, urgent and
    overdue first; filtered by family name, clinician, severity and overdue; and the carers
    furthest behind on check-ins. Filters or a page link that cannot be used are said so and
    left out (400), never guessed at."""
    me = _me()
    session = get_session()
    may_see_team = dashboard.sees_team_queue(me)
    form = FlagFilterForm(request.args).for_team(team_clinicians(session, me.team_id or 0))
    valid = form.validate()
    filters = form.filters()
    queue = form.queue.data or ("team" if may_see_team else "mine")
    # Other clinicians see their own caseload (and the families they cover), whatever is asked.
    team_queue = may_see_team and queue == "team"
    now = utcnow()
    covered = covers_for(session, me, now)

    def flag_page(after: str | None = None, before: str | None = None) -> Page[FlagRow]:
        return dashboard.open_flags(
            session, me, team_queue=team_queue, now=now, covered=covered, filters=filters,
            after=after, before=before,
        )  # fmt: skip

    page, bad_link = requested_page(
        flag_page, request.args.get("after"), request.args.get("before")
    )
    args = {"queue": "team" if team_queue else "mine", **form.query_args()}
    # The carers behind are listed once, with the first page.
    behind = None
    if not page.has_previous:
        behind = dashboard.carers_behind(
            session, me, team_queue=team_queue, now=now, covered=covered, filters=filters
        )
    html = render_template(
        "triage/dashboard.html",
        form=form,
        valid=valid,
        bad_link=bad_link,
        page=page,
        more_pressing=dashboard.more_pressing_follow(page),
        links=page_links("triage.flags", page, args),
        page_size=dashboard.PAGE_SIZE,
        filtered=bool(form.query_args()),
        behind=behind,
        behind_narrowed=bool(filters.search or filters.clinician_id),
        covering=covering_names(session, covered),
        may_see_team=may_see_team,
        team_queue=team_queue,
        now=now,
    )
    return html if valid and not bad_link else (html, 400)


def _flag_page(
    flag_id: int,
    ack_form: AcknowledgeForm | None = None,
    close_form: CloseForm | None = None,
) -> str:
    me = _me()
    session = get_session()
    flag = lifecycle.flag_for_clinician(session, me, flag_id)
    detail = flag_detail(session, flag)
    # Which flag was opened, by whom: never its contents.
    record(
        session=session, action="flag.viewed", actor_id=me.id, target_type="flag", target_id=flag.id
    )
    session.commit()
    return render_template(
        "triage/flag.html",
        detail=detail,
        ack_form=ack_form or AcknowledgeForm(formdata=None),
        close_form=close_form or CloseForm(formdata=None),
        now=utcnow(),
    )


@bp.route("/flags/<int:flag_id>")
@clinical
def flag(flag_id: int) -> str:
    """One flag: why it was raised, the answers and scores, the trend and its history."""
    return _flag_page(flag_id)


@bp.route("/flags/<int:flag_id>/acknowledge", methods=["POST"])
@clinical
def acknowledge(flag_id: int) -> Response | tuple[str, int]:
    session = get_session()
    lifecycle.flag_for_clinician(session, _me(), flag_id)
    form = AcknowledgeForm()
    if form.validate_on_submit():
        try:
            lifecycle.acknowledge(
                session=session, actor=_me(), flag_id=flag_id, note=form.note.data
            )
        except lifecycle.TransitionError as error:
            flash(error.message, "error")
            return redirect(url_for("triage.flag", flag_id=flag_id))
        except DomainError as error:
            apply_to_form(form, error)
        else:
            flash(_("Flag acknowledged."), "success")
            return redirect(url_for("triage.flag", flag_id=flag_id))
    return _flag_page(flag_id, ack_form=form), 400


@bp.route("/flags/<int:flag_id>/close", methods=["POST"])
@clinical
def close(flag_id: int) -> Response | tuple[str, int]:
    session = get_session()
    lifecycle.flag_for_clinician(session, _me(), flag_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            lifecycle.close(
                session=session,
                actor=_me(),
                flag_id=flag_id,
                outcome=form.outcome.data or "",
                note=form.note.data,
            )
        except lifecycle.TransitionError as error:
            flash(error.message, "error")
            return redirect(url_for("triage.flag", flag_id=flag_id))
        except DomainError as error:
            apply_to_form(form, error)
        else:
            flash(_("Flag closed."), "success")
            return redirect(url_for("triage.flags"))
    return _flag_page(flag_id, close_form=form), 400


@bp.route("/clinic")
@clinical
def caseload() -> str | tuple[str, int]:
    """The team's families a page at a time, the clinician's own first; searched by family
    name and filtered by clinician or an overdue flag. Filters or a page link that cannot be
    used are said so and left out (400), never guessed at."""
    me: User = current_user._get_current_object()
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
