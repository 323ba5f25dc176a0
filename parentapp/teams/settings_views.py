"""A team lead's settings: invitations, time zone, working hours, public holidays and closure
days, response times, missed check-ins and the crisis contacts carers see on the safety screen,
quick exit and the discreet app name and icon."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import col, select
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.db import get_session
from parentapp.forms import saved
from parentapp.security import role_required
from parentapp.teams import contacts, services
from parentapp.teams.blueprint import bp
from parentapp.teams.forms import (
    ClosureForm,
    CrisisContactForm,
    MoveForm,
    RemoveClosureForm,
    TeamSettingsForm,
)
from parentapp.teams.hours import parse_days
from parentapp.teams.models import Team, TeamClosure
from parentapp.teams.queries import duty_clinician, team_clinicians

lead_only = role_required("lead")


def _my_team() -> Team:
    team = get_session().get(Team, signed_in().team_id)
    if team is None:
        abort(404)
    return team


def _with_duty_choices(form: TeamSettingsForm, team: Team) -> TeamSettingsForm:
    people = team_clinicians(get_session(), team.id or 0)
    form.duty_clinician_id.choices = [(0, _("Nobody (escalate straight to the team lead)"))] + [
        (user.id or 0, user.display_name) for user in people
    ]
    return form


def _settings_form(team: Team) -> TeamSettingsForm:
    duty = duty_clinician(get_session(), team.id or 0)
    form = TeamSettingsForm(
        data={
            "urgent_response_hours": team.urgent_response_hours,
            "concern_response_days": team.concern_response_days,
            "note_response_days": team.note_response_days,
            "contact_response_hours": team.contact_response_hours,
            "nation": team.nation,
            "duty_clinician_id": duty.id if duty is not None else 0,
            "invite_expiry_days": team.invite_expiry_days,
            "time_zone": team.time_zone,
            "working_days": sorted(parse_days(team.working_days)),
            "working_start": team.working_start,
            "working_end": team.working_end,
            "missed_checkins_threshold": team.missed_checkins_threshold,
            "quick_exit_url": team.quick_exit_url,
            "discreet_name": team.discreet_name,
            "discreet_icon": team.discreet_icon,
        }
    )
    return _with_duty_choices(form, team)


def _edit_form(contact_id: int, **kw: object) -> CrisisContactForm:
    # One edit form per contact on the page: a prefix keeps their field ids apart, and the
    # app-wide CSRF check reads the page's token (a prefixed per-form token would not be sent).
    return CrisisContactForm(prefix=f"contact-{contact_id}", meta={"csrf": False}, **kw)


def _page(
    team: Team,
    form: TeamSettingsForm | None = None,
    add_form: CrisisContactForm | None = None,
    failed: CrisisContactForm | None = None,
    failed_id: int | None = None,
    closure_form: ClosureForm | None = None,
) -> str:
    rows = contacts.team_contacts(get_session(), team.id or 0)
    edit_forms = {
        row.id: (
            failed
            if failed is not None and row.id == failed_id
            else _edit_form(row.id or 0, formdata=None, obj=row)
        )
        for row in rows
    }
    return render_template(
        "teams/settings.html",
        team=team,
        form=form or _settings_form(team),
        contacts=rows,
        edit_forms=edit_forms,
        add_form=add_form or CrisisContactForm(formdata=None),
        closures=_closures(team),
        closure_form=closure_form or ClosureForm(formdata=None),
        # The lead reading this page is the team's lead, so the one gap left to warn of is
        # an unset duty clinician (the admin page warns of a team with neither).
        no_duty=duty_clinician(get_session(), team.id or 0) is None,
    )


def _closures(team: Team) -> list[TeamClosure]:
    # Past closures no longer change any promise: the page lists the coming ones.
    today = services.team_local_today(team)
    query = select(TeamClosure).where(TeamClosure.team_id == team.id, col(TeamClosure.day) >= today)
    return list(get_session().exec(query.order_by(col(TeamClosure.day))).all())


@bp.route("/team/settings", methods=["GET", "POST"])
@lead_only
def settings() -> Response | str | tuple[str, int]:
    """A team lead changes the team's settings."""
    team = _my_team()
    if request.method == "GET":
        return _page(team)
    form = _with_duty_choices(TeamSettingsForm(), team)
    if form.validate() and saved(
        form,
        _("Team settings saved."),
        services.update_settings,
        session=get_session(),
        actor=signed_in(),
        team=team,
        invite_expiry_days=form.invite_expiry_days.data or 0,
        time_zone=form.time_zone.data or "",
        working_days=form.working_days.data or [],
        working_start=form.working_start.data,
        working_end=form.working_end.data,
        missed_checkins_threshold=form.missed_checkins_threshold.data or 0,
        urgent_response_hours=form.urgent_response_hours.data or 0,
        concern_response_days=form.concern_response_days.data or 0,
        note_response_days=form.note_response_days.data,
        contact_response_hours=form.contact_response_hours.data,
        nation=form.nation.data or None,
        duty_clinician_id=form.duty_clinician_id.data or None,
        quick_exit_url=form.quick_exit_url.data or "",
        discreet_name=form.discreet_name.data,
        discreet_icon=bool(form.discreet_icon.data),
    ):
        return redirect(url_for("teams.settings"))
    return _page(team, form=form), 400


def _details(form: CrisisContactForm) -> contacts.ContactDetails:
    return contacts.ContactDetails(
        name=form.name.data or "",
        phone=form.phone.data,
        text_number=form.text_number.data,
        description=form.description.data,
    )


@bp.route("/team/settings/contacts", methods=["POST"])
@lead_only
def add_contact() -> Response | tuple[str, int]:
    """Add a crisis contact at the end of the list."""
    team = _my_team()
    form = CrisisContactForm()
    if form.validate_on_submit() and saved(
        form,
        _("Crisis contact added."),
        contacts.add_contact,
        session=get_session(),
        actor=signed_in(),
        team=team,
        details=_details(form),
    ):
        return redirect(url_for("teams.settings", _anchor="crisis-contacts"))
    return _page(team, add_form=form), 400


@bp.route("/team/settings/contacts/<int:contact_id>", methods=["POST"])
@lead_only
def edit_contact(contact_id: int) -> Response | tuple[str, int]:
    """Rewrite a crisis contact."""
    team = _my_team()
    contacts.get_contact(get_session(), team, contact_id)
    form = _edit_form(contact_id)
    if form.validate_on_submit() and saved(
        form,
        _("Crisis contact saved."),
        contacts.update_contact,
        session=get_session(),
        actor=signed_in(),
        team=team,
        contact_id=contact_id,
        details=_details(form),
    ):
        return redirect(url_for("teams.settings", _anchor="crisis-contacts"))
    return _page(team, failed=form, failed_id=contact_id), 400


@bp.route("/team/settings/contacts/<int:contact_id>/remove", methods=["POST"])
@lead_only
def remove_contact(contact_id: int) -> Response:
    """Remove a crisis contact (with none left, carers are still shown 999)."""
    contacts.remove_contact(
        session=get_session(), actor=signed_in(), team=_my_team(), contact_id=contact_id
    )
    flash(_("Crisis contact removed."), "success")
    return redirect(url_for("teams.settings", _anchor="crisis-contacts"))


@bp.route("/team/settings/contacts/<int:contact_id>/move", methods=["POST"])
@lead_only
def move_contact(contact_id: int) -> Response:
    """Move a crisis contact up or down the list."""
    team = _my_team()
    contacts.get_contact(get_session(), team, contact_id)
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in {"up", "down"}:
        abort(400)
    contacts.move_contact(
        session=get_session(),
        actor=signed_in(),
        team=team,
        contact_id=contact_id,
        step=-1 if form.direction.data == "up" else 1,
    )
    return redirect(url_for("teams.settings", _anchor="crisis-contacts"))


@bp.route("/team/settings/closures", methods=["POST"])
@lead_only
def add_closure() -> Response | tuple[str, int]:
    """Close the team on a day (not working time, like a public holiday)."""
    team = _my_team()
    form = ClosureForm()
    if (
        form.validate_on_submit()
        and form.day.data is not None
        and saved(
            form,
            _("Closure day added."),
            services.add_closure,
            session=get_session(),
            actor=signed_in(),
            team=team,
            day=form.day.data,
            reason=form.reason.data or "",
        )
    ):
        return redirect(url_for("teams.settings", _anchor="closures"))
    return _page(team, closure_form=form), 400


@bp.route("/team/settings/closures/remove", methods=["POST"])
@lead_only
def remove_closure() -> Response:
    """Open the team again on a closure day."""
    team = _my_team()
    form = RemoveClosureForm()
    if not form.validate_on_submit() or form.closure_id.data is None:
        flash(_("Choose a closure day to remove."), "error")
        return redirect(url_for("teams.settings", _anchor="closures"))
    services.remove_closure(
        session=get_session(), actor=signed_in(), team=team, closure_id=form.closure_id.data
    )
    flash(_("Closure day removed."), "success")
    return redirect(url_for("teams.settings", _anchor="closures"))
