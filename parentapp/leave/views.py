"""Pages for setting and ending leave (clinicians for themselves, team leads for anyone)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.accounts.models import Role, User
from parentapp.db import get_session, utcnow
from parentapp.errors import DomainError, PermissionDeniedError, apply_to_form
from parentapp.forms import choices
from parentapp.leave import services
from parentapp.leave.forms import LeaveForm
from parentapp.security import clinical
from parentapp.teams.models import Team
from parentapp.teams.queries import team_clinicians

bp = Blueprint("leave", __name__, template_folder="templates")


def _form(me: User, *, formdata: bool = True) -> LeaveForm:
    form = LeaveForm() if formdata else LeaveForm(formdata=None)
    people = team_clinicians(get_session(), me.team_id or 0)
    lead = me.role == Role.LEAD.value
    # A lead may cover someone else's leave; nobody covers their own (the service refuses it).
    form.cover_id.choices = choices((u.id, u.display_name) for u in people if lead or u.id != me.id)
    form.clinician_id.choices = choices((u.id, u.display_name) for u in people)
    if not lead or not formdata:
        form.clinician_id.data = me.id
    return form


def _page(form: LeaveForm | None = None) -> str:
    me = signed_in()
    session = get_session()
    team = session.get(Team, me.team_id)
    today = services.team_today(team) if team is not None else utcnow().date()
    rows = services.team_leave(session, team, today=today) if team is not None else []
    if me.role != Role.LEAD.value:
        rows = [r for r in rows if me.id in (r.leave.user_id, r.leave.cover_id)]
    return render_template(
        "leave/index.html",
        rows=rows,
        today=today,
        form=form or _form(me, formdata=False),
        is_lead=me.role == Role.LEAD.value,
    )


@bp.route("/leave")
@clinical
def index() -> str:
    """Current and coming leave (the clinician's own and what they cover; a lead sees all)."""
    return _page()


@bp.route("/leave", methods=["POST"])
@clinical
def create() -> Response | tuple[str, int]:
    me = signed_in()
    session = get_session()
    form = _form(me)
    if form.validate_on_submit():
        absent_id = form.clinician_id.data if me.role == Role.LEAD.value else me.id
        absent = session.get(User, absent_id) if absent_id else None
        try:
            if absent is None:
                raise DomainError(_("Choose a clinician in this team."), "clinician_id")
            assert form.starts_on.data is not None and form.ends_on.data is not None
            services.set_leave(
                session=session,
                actor=me,
                absent=absent,
                cover_id=form.cover_id.data or 0,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        except PermissionDeniedError:
            raise
        except DomainError as error:
            session.rollback()
            apply_to_form(form, error)
        else:
            flash(_("Leave saved."), "success")
            return redirect(url_for("leave.index"))
    return _page(form), 400


@bp.route("/leave/<int:leave_id>/cancel", methods=["POST"])
@clinical
def cancel(leave_id: int) -> Response:
    services.cancel_leave(session=get_session(), actor=signed_in(), leave_id=leave_id)
    flash(_("Leave ended."), "success")
    return redirect(url_for("leave.index"))
