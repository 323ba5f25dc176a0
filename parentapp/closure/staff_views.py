"""The team's side: the clinician confirms a closure; a lead reads a restricted record with a
reason, or ends its restriction."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.closure import restricted, services
from parentapp.closure.blueprint import bp
from parentapp.closure.forms import ConfirmClosureForm, EndRestrictionForm, ReasonForm
from parentapp.db import get_session
from parentapp.errors import DomainError, apply_to_form
from parentapp.families import queries
from parentapp.forms import saved
from parentapp.security import clinical, role_required

lead_only = role_required("lead")


@bp.route("/families/<int:family_id>/carers/<int:carer_id>/close", methods=["GET", "POST"])
@clinical
def confirm(family_id: int, carer_id: int) -> Response | str | tuple[str, int]:
    """What closing this account does, its open flags, and the confirmation."""
    session = get_session()
    me = signed_in()
    family = queries.family_for_clinician(session, me, family_id)
    pending = services.pending_closure(session, me, family, carer_id)
    form = ConfirmClosureForm()
    if form.validate_on_submit() and saved(
        form,
        _("Account closed. Its record is kept and only the team's leads can open it."),
        services.confirm_closure,
        session=session,
        actor=me,
        family=family,
        carer_id=carer_id,
        flags_reviewed=bool(form.flags_reviewed.data),
    ):
        return redirect(url_for("clinician.family", family_id=family_id))
    page = render_template("closure/confirm.html", pending=pending, form=form)
    return (page, 400) if form.is_submitted() else page


@bp.route("/records/restricted")
@lead_only
def records() -> str:
    """The team's restricted records; those kept their full retention period first."""
    rows = restricted.restricted_records(get_session(), signed_in())
    return render_template("closure/records.html", rows=rows)


def _reason_page(
    row: restricted.RestrictedRow,
    form: ReasonForm | None = None,
    end_form: EndRestrictionForm | None = None,
) -> str:
    return render_template(
        "closure/reason.html",
        row=row,
        form=form or ReasonForm(formdata=None),
        end_form=end_form or EndRestrictionForm(formdata=None),
    )


@bp.route("/records/restricted/<int:carer_id>", methods=["GET", "POST"])
@lead_only
def record(carer_id: int) -> str | tuple[str, int]:
    """Ask why; with a reason, show the whole record (and audit the reading with the reason).
    The record is the answer to the POST, never a page of its own to bookmark or share."""
    session = get_session()
    row = restricted.restricted_row(session, signed_in(), carer_id)
    form = ReasonForm()
    if not form.is_submitted():
        return _reason_page(row)
    if form.validate():
        try:
            read, summary = restricted.read_restricted(
                session=session, actor=signed_in(), carer_id=carer_id, reason=form.reason.data
            )
        except DomainError as error:
            session.rollback()
            apply_to_form(form, error)
        else:
            return render_template("closure/record.html", row=read, summary=summary)
    return _reason_page(row, form=form), 400


@bp.route("/records/restricted/<int:carer_id>/end", methods=["POST"])
@lead_only
def end(carer_id: int) -> Response | tuple[str, int]:
    """End the restriction (the law requires it, for example): the record is ordinary again."""
    session = get_session()
    row = restricted.restricted_row(session, signed_in(), carer_id)
    form = EndRestrictionForm()
    if form.validate_on_submit() and saved(
        form,
        _("Restriction ended. The record is back on the family's page."),
        restricted.end_restriction,
        session=session,
        actor=signed_in(),
        carer_id=carer_id,
        reason=form.end_reason.data,
    ):
        return redirect(url_for("closure.records"))
    return _reason_page(row, end_form=form), 400
