"""Clinician pages: the family record, infants and invitations."""

from typing import cast

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from parentapp.accounts.current import signed_in
from parentapp.audit.services import record_view
from parentapp.checkins.forms import ScheduleForm
from parentapp.clinician.blueprint import bp
from parentapp.clinician.checkins_section import checkins_section
from parentapp.clinician.coparents_section import coparent_section
from parentapp.db import get_session
from parentapp.errors import DomainError, NotFoundError, apply_to_form
from parentapp.families import queries, services
from parentapp.families.forms import (
    FamilyForm,
    InfantForm,
    InvitationForm,
    NhsNumberForm,
    ReassignForm,
    nhs_number_form,
)
from parentapp.families.invitation_page import invitation_page
from parentapp.families.models import Carer, Infant
from parentapp.families.nhs import spaced
from parentapp.forms import choices, saved
from parentapp.security import clinical
from parentapp.teams.queries import team_clinicians
from parentapp.triage import lifecycle


def _clinician_choices(team_id: int) -> list[SelectChoice]:
    return choices((u.id, u.display_name) for u in team_clinicians(get_session(), team_id))


@bp.route("/families/new", methods=["GET", "POST"])
@clinical
def new_family() -> Response | str:
    """Create a family with its first baby."""
    me = signed_in()
    form = FamilyForm()
    form.assigned_clinician_id.choices = _clinician_choices(me.team_id or 0)
    if not form.is_submitted():
        form.assigned_clinician_id.data = me.id
    if form.validate_on_submit():
        try:
            family = services.create_family(
                session=get_session(),
                actor=me,
                label=form.label.data or "",
                assigned_clinician_id=form.assigned_clinician_id.data or 0,
                infant_name=form.infant_name.data,
                date_of_birth=form.date_of_birth.data,
                due_date=form.due_date.data,
                nhs_number=form.nhs_number.data,
            )
        except DomainError as error:
            apply_to_form(form, error)
        else:
            flash(_("Family created. You can now invite a carer."), "success")
            return redirect(url_for("clinician.family", family_id=family.id))
    return render_template("clinician/new_family.html", form=form)


def _schedule_forms(forms: dict[str, object]) -> dict[int, ScheduleForm]:
    """A refused schedule form to show again as sent, by carer id."""
    failed = forms.pop("schedule_forms", None)
    return cast(dict[int, ScheduleForm], failed) if isinstance(failed, dict) else {}


def _nhs_forms(detail: queries.FamilyDetail, failed: object) -> dict[str, NhsNumberForm]:
    """One NHS-number form per carer and baby, keyed "carer-<id>" / "infant-<id>"; a refused
    one (``failed``) is kept as sent."""
    kept = cast(dict[str, NhsNumberForm], failed) if isinstance(failed, dict) else {}
    holders: list[tuple[str, Carer | Infant]] = [("carer", r.carer) for r in detail.carers]
    holders += [("infant", infant) for infant in detail.infants]
    forms = {}
    for kind, holder in holders:
        key = f"{kind}-{holder.id}"
        forms[key] = kept.get(key) or nhs_number_form(
            key, formdata=None, data={"nhs_number": spaced(holder.nhs_number)}
        )
    return forms


def family_page(family_id: int, **forms: object) -> str:
    me = signed_in()
    session = get_session()
    family = queries.family_for_clinician(session, me, family_id)
    detail = queries.family_detail(session, family)
    record_view(
        session=session,
        action="family.viewed",
        actor_id=me.id,
        target_type="family",
        target_id=family.id,
    )
    reassign = forms.pop("reassign_form", None) or ReassignForm(
        assigned_clinician_id=family.assigned_clinician_id
    )
    reassign.assigned_clinician_id.choices = _clinician_choices(family.team_id)  # type: ignore[attr-defined]
    return render_template(
        "clinician/family.html",
        detail=detail,
        checkins=checkins_section(session, detail, _schedule_forms(forms)),
        infant_form=forms.pop("infant_form", None) or InfantForm(formdata=None),
        invitation_form=forms.pop("invitation_form", None) or InvitationForm(formdata=None),
        reassign_form=reassign,
        nhs_forms=_nhs_forms(detail, forms.pop("nhs_forms", {})),
        coparents=coparent_section(session, me, family, forms.pop("decline_form", None)),
        **forms,
    )


@bp.route("/families/<int:family_id>")
@clinical
def family(family_id: int) -> str:
    """A family's record: babies, carers and invitations (viewing is audited)."""
    return family_page(family_id)


@bp.route("/families/<int:family_id>/infants", methods=["POST"])
@clinical
def add_infant(family_id: int) -> Response | tuple[str, int]:
    """Add a baby to the family."""
    session = get_session()
    family = queries.family_for_clinician(session, signed_in(), family_id)
    form = InfantForm()
    if form.validate_on_submit() and saved(
        form,
        _("Baby added."),
        services.add_infant,
        session=session,
        actor=signed_in(),
        family=family,
        name=form.name.data or "",
        date_of_birth=form.date_of_birth.data,
        due_date=form.due_date.data,
        nhs_number=form.nhs_number.data,
    ):
        return redirect(url_for("clinician.family", family_id=family_id))
    return family_page(family_id, infant_form=form), 400


def _nhs_number_form(
    family_id: int, holder: Carer | Infant | None, field_key: str
) -> Response | tuple[str, int]:
    """Save one NHS number from the family page; a refused one is shown again beside its row."""
    session = get_session()
    family = queries.family_for_clinician(session, signed_in(), family_id)
    if holder is None:  # another family's is refused by set_nhs_number, as not found
        raise NotFoundError(field_key)
    form = nhs_number_form(f"{field_key}-{holder.id}")
    if form.validate_on_submit() and saved(
        form,
        _("NHS number saved."),
        services.set_nhs_number,
        session=session,
        actor=signed_in(),
        family=family,
        holder=holder,
        typed=form.nhs_number.data,
    ):
        return redirect(url_for("clinician.family", family_id=family_id))
    return family_page(family_id, nhs_forms={f"{field_key}-{holder.id}": form}), 400


@bp.route("/families/<int:family_id>/carers/<int:carer_id>/nhs-number", methods=["POST"])
@clinical
def carer_nhs_number(family_id: int, carer_id: int) -> Response | tuple[str, int]:
    """Record or change a carer's NHS number (used as their identifier in exports)."""
    return _nhs_number_form(family_id, get_session().get(Carer, carer_id), "carer")


@bp.route("/families/<int:family_id>/infants/<int:infant_id>/nhs-number", methods=["POST"])
@clinical
def infant_nhs_number(family_id: int, infant_id: int) -> Response | tuple[str, int]:
    """Record or change a baby's NHS number."""
    return _nhs_number_form(family_id, get_session().get(Infant, infant_id), "infant")


@bp.route("/families/<int:family_id>/clinician", methods=["POST"])
@clinical
def reassign(family_id: int) -> Response | tuple[str, int]:
    """Give the family another assigned clinician from the team."""
    session = get_session()
    family = queries.family_for_clinician(session, signed_in(), family_id)
    form = ReassignForm()
    form.assigned_clinician_id.choices = _clinician_choices(family.team_id)
    if form.validate_on_submit() and saved(
        form,
        _("Assigned clinician changed."),
        lifecycle.reassign_family,
        session=session,
        actor=signed_in(),
        family=family,
        clinician_id=form.assigned_clinician_id.data or 0,
    ):
        return redirect(url_for("clinician.family", family_id=family_id))
    return family_page(family_id, reassign_form=form), 400


@bp.route("/families/<int:family_id>/invitations", methods=["POST"])
@clinical
def invite(family_id: int) -> Response | str | tuple[str, int]:
    """Issue an invitation and show its code, link and QR code once."""
    session = get_session()
    family = queries.family_for_clinician(session, signed_in(), family_id)
    form = InvitationForm()
    if not form.validate_on_submit():
        return family_page(family_id, invitation_form=form), 400
    invitation, code = services.create_invitation(
        session=session,
        actor=signed_in(),
        family=family,
        invitee_note=form.invitee_note.data,
    )
    return invitation_page(family, invitation, code)


@bp.route("/families/<int:family_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@clinical
def revoke_invitation(family_id: int, invitation_id: int) -> Response:
    """Cancel a pending invitation."""
    session = get_session()
    family = queries.family_for_clinician(session, signed_in(), family_id)
    try:
        services.revoke_invitation(
            session=session, actor=signed_in(), family=family, invitation_id=invitation_id
        )
    except NotFoundError:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("clinician.family", family_id=family_id))
    flash(_("Invitation cancelled. Its code no longer works."), "success")
    return redirect(url_for("clinician.family", family_id=family_id))
