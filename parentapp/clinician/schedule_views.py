"""Clinician pages: asking a carer to check in with a questionnaire, or stopping it."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.checkins import schedules
from parentapp.clinician.blueprint import bp
from parentapp.clinician.checkins_section import carer_schedule_form
from parentapp.clinician.family_views import family_page
from parentapp.db import get_session
from parentapp.errors import DomainError, NotFoundError
from parentapp.families import queries
from parentapp.forms import saved
from parentapp.security import clinical


def _back(family_id: int, carer_id: int) -> Response:
    return redirect(url_for("clinician.family", family_id=family_id, _anchor=f"carer-{carer_id}"))


@bp.route("/families/<int:family_id>/carers/<int:carer_id>/schedules", methods=["POST"])
@clinical
def add_schedule(family_id: int, carer_id: int) -> Response | tuple[str, int]:
    """Ask a carer to complete a questionnaire every so many days, starting now."""
    session = get_session()
    family = queries.family_for_clinician(session, signed_in(), family_id)
    carer = schedules.carer_of_family(session, family, carer_id)
    form, _needs_override = carer_schedule_form(session, carer)
    if form.validate_on_submit() and saved(
        form,
        _("Check-in schedule saved."),
        schedules.add_schedule,
        session=session,
        actor=signed_in(),
        family=family,
        carer_id=carer_id,
        instrument_id=form.instrument_id.data or "",
        interval_days=form.interval_days.data or 0,
        role_override=bool(form.role_override.data),
    ):
        return _back(family_id, carer_id)
    return family_page(family_id, schedule_forms={carer_id: form}), 400


@bp.route("/families/<int:family_id>/schedules/<int:schedule_id>/stop", methods=["POST"])
@clinical
def stop_schedule(family_id: int, schedule_id: int) -> Response | tuple[str, int]:
    """Stop asking a carer for a questionnaire (their past answers stay)."""
    session = get_session()
    family = queries.family_for_clinician(session, signed_in(), family_id)
    try:
        schedule = schedules.stop_schedule(
            session=session, actor=signed_in(), family=family, schedule_id=schedule_id
        )
    except NotFoundError:
        raise
    except DomainError as error:
        # Nothing changed: the family page again, with the reason at the top.
        flash(error.message, "error")
        return family_page(family_id), 400
    flash(_("Check-ins stopped."), "success")
    return _back(family_id, schedule.carer_id)
