"""The clinician's flag pages: the dashboard of open flags (with the carers furthest behind on
check-ins), one flag with the check-in that raised it, and acknowledging and closing it."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.audit.services import record_view
from parentapp.checkins.behind import carers_behind
from parentapp.clinician.blueprint import bp
from parentapp.clinician.flag_detail import flag_detail
from parentapp.coparents.queries import waiting_count
from parentapp.db import get_session, utcnow
from parentapp.errors import DomainError, apply_to_form
from parentapp.families.queries import closure_requests
from parentapp.leave.services import covering_names, covers_for
from parentapp.listing import Page, page_links, requested_page
from parentapp.referrals.queries import overdue_count
from parentapp.replies.services import note_read
from parentapp.security import clinical
from parentapp.teams.queries import team_clinicians
from parentapp.triage import dashboard, lifecycle
from parentapp.triage.dashboard import FlagRow
from parentapp.triage.forms import AcknowledgeForm, CloseForm, FlagFilterForm


@bp.route("/flags")
@clinical
def flags() -> str | tuple[str, int]:
    """Open flags for the clinician's caseload (or the team's), a page at a time, urgent and
    overdue first; filtered by family name, clinician, severity and overdue; and the carers
    furthest behind on check-ins. Filters or a page link that cannot be used are said so and
    left out (400), never guessed at."""
    me = signed_in()
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
        behind = carers_behind(
            session, me, team_queue=team_queue, now=now, covered=covered, filters=filters
        )
    html = render_template(
        "clinician/dashboard.html",
        form=form,
        valid=valid,
        bad_link=bad_link,
        page=page,
        more_pressing=dashboard.more_pressing_follow(page),
        links=page_links("clinician.flags", page, args),
        page_size=dashboard.PAGE_SIZE,
        filtered=bool(form.query_args()),
        behind=behind,
        behind_narrowed=bool(filters.search or filters.clinician_id),
        covering=covering_names(session, covered),
        closure_requests=closure_requests(session, me),
        overdue_referrals=overdue_count(session, me.team_id or 0, now),
        coparent_requests=waiting_count(session, me),
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
    me = signed_in()
    session = get_session()
    flag = lifecycle.flag_for_clinician(session, me, flag_id)
    detail = flag_detail(session, flag)
    if detail.checkin is not None:
        # The page shows the check-in's answers: the carer's history may say it was read.
        note_read(session=session, reader=me, checkins=[detail.checkin])
    # Which flag was opened, by whom: never its contents.
    record_view(
        session=session, action="flag.viewed", actor_id=me.id, target_type="flag", target_id=flag.id
    )
    return render_template(
        "clinician/flag.html",
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
    lifecycle.flag_for_clinician(session, signed_in(), flag_id)
    form = AcknowledgeForm()
    if form.validate_on_submit():
        try:
            lifecycle.acknowledge(
                session=session, actor=signed_in(), flag_id=flag_id, note=form.note.data
            )
        except lifecycle.TransitionError as error:
            flash(error.message, "error")
            return redirect(url_for("clinician.flag", flag_id=flag_id))
        except DomainError as error:
            apply_to_form(form, error)
        else:
            flash(_("Flag acknowledged."), "success")
            return redirect(url_for("clinician.flag", flag_id=flag_id))
    return _flag_page(flag_id, ack_form=form), 400


@bp.route("/flags/<int:flag_id>/close", methods=["POST"])
@clinical
def close(flag_id: int) -> Response | tuple[str, int]:
    session = get_session()
    lifecycle.flag_for_clinician(session, signed_in(), flag_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            lifecycle.close(
                session=session,
                actor=signed_in(),
                flag_id=flag_id,
                outcome=form.outcome.data or "",
                note=form.note.data,
            )
        except lifecycle.TransitionError as error:
            flash(error.message, "error")
            return redirect(url_for("clinician.flag", flag_id=flag_id))
        except DomainError as error:
            apply_to_form(form, error)
        else:
            flash(_("Flag closed."), "success")
            return redirect(url_for("clinician.flags"))
    return _flag_page(flag_id, close_form=form), 400
