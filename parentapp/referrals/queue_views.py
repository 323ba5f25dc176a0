"""The team's referral queue and each referral's page, where the team takes it a step on."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.accounts.models import User
from parentapp.audit.services import record_denied, record_now
from parentapp.db import get_session, utcnow
from parentapp.errors import DomainError, NotFoundError, apply_to_form
from parentapp.families.invitation_page import invitation_page
from parentapp.forms import Form, choices, saved
from parentapp.referrals import queries, services
from parentapp.referrals.blueprint import bp
from parentapp.referrals.forms import AcceptForm, DeclineForm, OfferForm, StepForm
from parentapp.referrals.models import Referral, ReferrerProfile
from parentapp.referrals.steps import STEPS
from parentapp.referrals.timeline import timeline
from parentapp.referrals.vocab import (
    DECLINE_REASONS,
    PROFESSIONS,
    REASONS,
    STATE_LABELS,
    URGENCY_LABELS,
    State,
    number,
)
from parentapp.security import clinical
from parentapp.teams.models import Team
from parentapp.teams.queries import team_clinicians


@bp.get("/team/referrals")
@clinical
def queue() -> str:
    """The team's referrals still owed something, most overdue first (or the finished ones)."""
    me = signed_in()
    finished = request.args.get("finished") == "1"
    rows = queries.team_queue(get_session(), me.team_id or 0, utcnow(), finished=finished)
    return render_template(
        "referrals/queue.html",
        rows=rows,
        finished=finished,
        labels=STATE_LABELS,
        professions=PROFESSIONS,
        number=number,
    )


def _referral(referral_id: int) -> Referral:
    try:
        return services.team_referral(get_session(), signed_in(), referral_id)
    except NotFoundError:
        record_denied(reason="not the team's referral", target_type="referral")
        abort(404)


def _accept_form(team_id: int, *, formdata: bool = True) -> AcceptForm:
    form = AcceptForm() if formdata else AcceptForm(formdata=None)
    people = team_clinicians(get_session(), team_id)
    form.assigned_clinician_id.choices = choices((u.id, u.display_name) for u in people)
    return form


def _page(referral: Referral, **forms: Form) -> str:
    session = get_session()
    team = session.get(Team, referral.team_id)
    assert team is not None
    referrer = session.get(User, referral.referrer_id)
    profile = session.get(ReferrerProfile, referral.referrer_id)
    forms.setdefault("accept_form", _accept_form(team.id or 0, formdata=False))
    forms.setdefault("decline_form", DeclineForm(formdata=None))
    forms.setdefault("offer_form", OfferForm(formdata=None))
    forms.setdefault("step_form", StepForm(formdata=None))
    return render_template(
        "referrals/referral.html",
        referral=referral,
        number=number(referral.id),
        babies=queries.babies_of(session, referral.id or 0),
        referrer=referrer,
        profile=profile,
        steps=timeline(referral),
        next_states=STEPS[State(referral.state)].next,
        overdue=referral.due_at is not None and referral.due_at <= utcnow(),
        labels=STATE_LABELS,
        reasons=REASONS,
        urgencies=URGENCY_LABELS,
        professions=PROFESSIONS,
        decline_reasons=DECLINE_REASONS,
        State=State,
        # A refusal about the referral itself (it moved on meanwhile), not about a field.
        page_errors=[message for f in forms.values() for message in f.form_errors],
        **forms,
    )


@bp.get("/team/referrals/<int:referral_id>")
@clinical
def referral(referral_id: int) -> str:
    """One referral: what the referrer sent, its steps, and the next step to take."""
    found = _referral(referral_id)
    me = signed_in()
    record_now(action="referral.viewed", actor_id=me.id, target_type="referral", target_id=found.id)
    return _page(found)


def _step(
    referral_id: int,
    form: Form,
    form_name: str,
    done: str,
    change: Callable[..., object],
    **kwargs: Any,
) -> Response | tuple[str, int]:
    """Take a step with a valid ``form``; else (or refused) the page again, the form shown
    as ``form_name`` with its errors."""
    found = _referral(referral_id)
    if form.validate_on_submit() and saved(
        form, done, change, session=get_session(), actor=signed_in(), referral=found, **kwargs
    ):
        return redirect(url_for("referrals.referral", referral_id=referral_id))
    return _page(found, **{form_name: form}), 400


@bp.post("/team/referrals/<int:referral_id>/acknowledge")
@clinical
def acknowledge(referral_id: int) -> Response | tuple[str, int]:
    """Mark the referral read; the referrer is told."""
    return _step(
        referral_id,
        StepForm(),
        "step_form",
        _("Referral acknowledged."),
        services.acknowledge,
        now=utcnow(),
    )


@bp.post("/team/referrals/<int:referral_id>/accept")
@clinical
def accept(referral_id: int) -> Response | str | tuple[str, int]:
    """Accept: make the family, its babies and an invitation, and show the code once."""
    found = _referral(referral_id)
    form = _accept_form(found.team_id)
    if not form.validate_on_submit():
        return _page(found, accept_form=form), 400
    try:
        accepted = services.accept(
            session=get_session(),
            actor=signed_in(),
            referral=found,
            assigned_clinician_id=form.assigned_clinician_id.data or 0,
            family_label=form.family_label.data or "",
            now=utcnow(),
        )
    except DomainError as error:
        get_session().rollback()
        apply_to_form(form, error)
        return _page(found, accept_form=form), 400
    # Emailed to the carer when the referral gave an address; else to pass on by phone.
    extra = (
        {"emailed_to": found.carer_name}
        if found.carer_email
        else {"invitee": found.carer_name, "phone": found.carer_phone}
    )
    return invitation_page(accepted.family, accepted.invitation, accepted.code, **extra)


@bp.post("/team/referrals/<int:referral_id>/decline")
@clinical
def decline(referral_id: int) -> Response | tuple[str, int]:
    """Decline, with why and where the family was pointed; the referrer is told both."""
    form = DeclineForm()
    return _step(
        referral_id,
        form,
        "decline_form",
        _("Referral declined. The referrer has been told where the family was pointed."),
        services.decline,
        reason=form.reason.data or "",
        signposted_to=form.signposted_to.data or "",
        now=utcnow(),
    )


def _appointment(form: OfferForm, team: Team) -> datetime:
    """The appointment typed in the team's own zone, in UTC."""
    assert form.appointment_date.data is not None and form.appointment_time.data is not None
    local = datetime.combine(form.appointment_date.data, form.appointment_time.data)
    return local.replace(tzinfo=ZoneInfo(team.time_zone)).astimezone(ZoneInfo("UTC"))


@bp.post("/team/referrals/<int:referral_id>/offer")
@clinical
def offer(referral_id: int) -> Response | tuple[str, int]:
    """Record the first appointment offered; the referrer (and the family, once joined) see it."""
    form = OfferForm()

    def offer_contact(**kwargs: Any) -> None:
        # The appointment is read only once the form is known to be valid.
        team = get_session().get(Team, kwargs["referral"].team_id)
        assert team is not None
        services.offer_contact(appointment_at=_appointment(form, team), **kwargs)

    return _step(
        referral_id,
        form,
        "offer_form",
        _("First appointment recorded."),
        offer_contact,
        now=utcnow(),
    )


@bp.post("/team/referrals/<int:referral_id>/made")
@clinical
def made(referral_id: int) -> Response | tuple[str, int]:
    """The first appointment took place."""
    return _step(
        referral_id,
        StepForm(),
        "step_form",
        _("First appointment marked as made."),
        services.contact_made,
        now=utcnow(),
    )


@bp.post("/team/referrals/<int:referral_id>/close")
@clinical
def close(referral_id: int) -> Response | tuple[str, int]:
    """Close the referral."""
    return _step(
        referral_id, StepForm(), "step_form", _("Referral closed."), services.close, now=utcnow()
    )
