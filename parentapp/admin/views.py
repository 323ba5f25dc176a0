"""The administrator's home: teams and staff accounts, with warnings of teams nobody can be
reached in; no clinical content."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select
from werkzeug.wrappers import Response

from parentapp.accounts import services as accounts
from parentapp.accounts.models import Role, User
from parentapp.admin.staff import set_staff_active
from parentapp.db import get_session
from parentapp.errors import DomainError
from parentapp.forms import choices, saved
from parentapp.security import role_required
from parentapp.teams import services
from parentapp.teams.forms import STAFF_ROLE_LABELS, ActiveForm, StaffForm, TeamForm
from parentapp.teams.queries import all_teams, teams_without_lead_or_duty
from parentapp.triage.reach import unreachable_flags

bp = Blueprint("admin", __name__, template_folder="templates")
admin_only = role_required("admin")


def _admin_page(team_form: TeamForm | None = None, staff_form: StaffForm | None = None) -> str:
    session = get_session()
    teams = all_teams(session)
    staff_form = staff_form or StaffForm(formdata=None)
    staff_form.team_id.choices = choices((t.id, t.name) for t in teams)
    staff = session.exec(
        select(User).where(col(User.role) != Role.CARER.value).order_by(col(User.display_name))
    ).all()
    team_names = {t.id: t.name for t in teams}
    return render_template(
        "admin/admin.html",
        teams=teams,
        staff=staff,
        team_names=team_names,
        role_labels=STAFF_ROLE_LABELS,
        team_form=team_form or TeamForm(formdata=None),
        staff_form=staff_form,
        active_form=ActiveForm(formdata=None),
        uncovered=teams_without_lead_or_duty(session),
        unreachable=unreachable_flags(session),
    )


@bp.route("/admin")
@admin_only
def admin_home() -> str:
    """Teams and staff accounts; no clinical content."""
    return _admin_page()


@bp.route("/admin/teams", methods=["POST"])
@admin_only
def create_team() -> Response | tuple[str, int]:
    """Create a team."""
    form = TeamForm()
    if form.validate_on_submit() and saved(
        form,
        _("Team created."),
        services.create_team,
        session=get_session(),
        name=form.name.data or "",
        time_zone=form.time_zone.data or "",
        actor=current_user,
    ):
        return redirect(url_for("admin.admin_home"))
    return _admin_page(team_form=form), 400


@bp.route("/admin/users", methods=["POST"])
@admin_only
def create_staff() -> Response | tuple[str, int]:
    """Create a clinician, team lead or administrator account."""
    form = StaffForm()
    form.team_id.choices = choices((t.id, t.name) for t in all_teams(get_session()))
    if form.validate_on_submit() and saved(
        form,
        _("Account created."),
        accounts.create_user,
        session=get_session(),
        email=form.email.data or "",
        display_name=form.display_name.data or "",
        password=form.password.data or "",
        role=Role(form.role.data),
        team_id=form.team_id.data,
    ):
        return redirect(url_for("admin.admin_home"))
    return _admin_page(staff_form=form), 400


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@admin_only
def set_active(user_id: int) -> Response:
    """Deactivate or reactivate a staff account."""
    session = get_session()
    user = session.get(User, user_id)
    if user is None or user.role == Role.CARER:
        abort(404)
    form = ActiveForm()
    if not form.validate_on_submit() or form.active.data not in {"0", "1"}:
        abort(400)
    try:
        set_staff_active(
            session=session, actor=current_user, user=user, active=form.active.data == "1"
        )
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Account updated."), "success")
    return redirect(url_for("admin.admin_home"))
