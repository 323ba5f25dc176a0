"""Deciding a carer's request to invite another carer, from the family page."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.clinician.blueprint import bp
from parentapp.clinician.coparents_section import decline_form
from parentapp.clinician.family_views import family_page
from parentapp.coparents import services
from parentapp.coparents.forms import ApproveForm
from parentapp.db import get_session
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.families import queries
from parentapp.families.invitation_page import invitation_page
from parentapp.security import clinical


def _back(family_id: int) -> Response:
    return redirect(url_for("clinician.family", family_id=family_id) + "#coparents")


@bp.route("/families/<int:family_id>/coparent-requests/<int:request_id>/approve", methods=["POST"])
@clinical
def approve_coparent(family_id: int, request_id: int) -> Response | str:
    """Approve: the invitation is issued, and emailed to them or shown here once to pass on."""
    session = get_session()
    me = signed_in()
    family = queries.family_for_clinician(session, me, family_id)
    services.request_to_decide(session, me, family, request_id)
    if not ApproveForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return _back(family_id)
    try:
        approved = services.approve(session=session, actor=me, family=family, request_id=request_id)
    except (NotFoundError, PermissionDeniedError):
        raise
    except DomainError as error:
        session.rollback()
        flash(error.message, "error")
        return _back(family_id)
    if approved.emailed:
        flash(
            _(
                "Approved. The invitation is on its way to %(name)s by email.",
                name=approved.request.name,
            ),
            "success",
        )
        return _back(family_id)
    return invitation_page(
        family,
        approved.invitation,
        approved.code,
        invitee=approved.request.name,
        phone=approved.phone,
    )


@bp.route("/families/<int:family_id>/coparent-requests/<int:request_id>/decline", methods=["POST"])
@clinical
def decline_coparent(family_id: int, request_id: int) -> Response | tuple[str, int]:
    """Decline with a reason for the team's record; the carer is asked to talk to you."""
    session = get_session()
    me = signed_in()
    family = queries.family_for_clinician(session, me, family_id)
    services.request_to_decide(session, me, family, request_id)
    form = decline_form(request_id)
    if form.validate_on_submit():
        try:
            services.decline(
                session=session,
                actor=me,
                family=family,
                request_id=request_id,
                reason=form.reason.data or "",
            )
        except (NotFoundError, PermissionDeniedError):
            raise
        except DomainError as error:
            session.rollback()
            if error.field is None:  # decided meanwhile: nothing to correct in the form
                flash(error.message, "error")
                return _back(family_id)
            form.reason.errors = [*form.reason.errors, error.message]
        else:
            flash(_("Declined. The carer is asked to talk to their clinician."), "success")
            return _back(family_id)
    return family_page(family_id, decline_form=(request_id, form)), 400
