"""Carer pages: answering a check-in, and what they see straight after."""

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime

from babel import Locale
from babel.lists import format_list
from flask import g, redirect, render_template, request, url_for
from flask_babel import format_time, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from parentapp.checkins import queries
from parentapp.checkins.blueprint import bp, format_when
from parentapp.checkins.followups import offered
from parentapp.checkins.forms import VERSION_FIELD, CheckInForm, checkin_form, field_name
from parentapp.checkins.promises import flags_raised_by, promises
from parentapp.checkins.queries import UnknownVersion
from parentapp.checkins.services import (
    AnswerError,
    IdempotencyMismatch,
    needs_infant_choice,
    submit_checkin,
)
from parentapp.db import get_session, utcnow
from parentapp.families.access import carer_page
from parentapp.families.models import Carer
from parentapp.families.queries import infants_of, team_of
from parentapp.instruments.schema import Definition, LicenceStatus, Tag
from parentapp.teams.contacts import contacts_for_carers
from parentapp.teams.forms import WEEKDAY_LABELS
from parentapp.teams.hours import next_working_moment, of_team
from parentapp.teams.models import Team
from parentapp.triage.assess import was_urgent
from parentapp.triage.evaluate import worrying


def _definition(carer: Carer, instrument_id: str) -> tuple[Definition, UnknownVersion | None]:
    """The definition the page shows, and why the version sent back was refused (if it was).

    A page is only offered for an active schedule, in the latest version. Answers sent back
    are read on the version their page was given, even if the schedule was stopped or a new
    version shipped meanwhile; a version that never existed is refused (with the latest
    version's form, answers kept, to check and send again).
    """
    session = get_session()
    if request.method != "POST":
        return queries.answerable(
            session, carer_id=carer.id or 0, instrument_id=instrument_id
        ).definition, None
    ask = functools.partial(
        queries.answerable, session, carer_id=carer.id or 0, instrument_id=instrument_id
    )
    try:
        return ask(version=_sent_version(), stopped_too=True).definition, None
    except UnknownVersion as error:
        return ask(stopped_too=True).definition, error


def _sent_version() -> str | None:
    value = request.form.get(VERSION_FIELD, "")
    return value if value.strip() else None


def _form(definition: Definition, carer: Carer) -> CheckInForm:
    infants = infants_of(get_session(), carer.family_id)
    form = checkin_form(definition, infants if needs_infant_choice(definition, infants) else None)
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_urlsafe(24)
    if not form.instrument_version.data:
        form.instrument_version.data = definition.version
    return form


@bp.route("/checkins/<instrument_id>", methods=["GET", "POST"])
@carer_page()
def take(instrument_id: str) -> Response | str | tuple[str, int]:
    """The whole questionnaire on one page; only instruments scheduled for this carer."""
    carer: Carer = g.carer
    definition, refused = _definition(carer, instrument_id)
    form = _form(definition, carer)
    if refused is not None:
        # Nothing sent; the page now carries the version it shows, so a resend can succeed.
        form.validate()
        form.form_errors.append(refused.message)
        form.instrument_version.data = definition.version
    elif form.validate_on_submit():
        try:
            result = submit_checkin(
                session=get_session(),
                carer=carer,
                instrument_id=instrument_id,
                answers=form.answers(),
                infant_id=form.chosen_infant(),
                locale=str(get_locale()),
                idempotency_key=form.submission_key.data or None,
                instrument_version=_sent_version(),
            )
        except AnswerError as error:
            form.show_errors(error.errors)
        except IdempotencyMismatch as error:
            form.form_errors.append(error.message)
            form.submission_key.data = secrets.token_urlsafe(24)
        else:
            return redirect(url_for("checkins.done", checkin_id=result.checkin.id))
    session = get_session()
    page = render_template(
        "checkins/take.html",
        definition=definition,
        form=form,
        show_attribution=definition.licence.status != LicenceStatus.OWN,
        # For checkin.js: answers kept on the phone raise no flag until they are sent, so the
        # page itself shows the crisis numbers at once for these answers (not sensitive).
        contacts=contacts_for_carers(session, team_of(session, carer).id or 0),
        alarming=alarming_answers(definition),
        # The outbox records whose answers it keeps, so only their owner's session sends them
        # (a shared phone); the account id only, nothing that names the person.
        user_id=current_user.id,
        # Answers sent back to be fixed raised no flag: a worrying one (or worrying words in
        # a note that is too long) shows where to get help now, not after the fix.
        crisis_now=form.is_submitted() and worrying(definition, form.answers()),
    )
    return (page, 400) if form.is_submitted() else page


def alarming_answers(definition: Definition) -> dict[str, list[str]]:
    """Form field -> the answers above the lowest ("Not at all") of each item about thoughts
    of self-harm or of harming the baby."""
    alarming: dict[str, list[str]] = {}
    for item in definition.items:
        if not {Tag.SELF_HARM, Tag.HARM_TO_BABY} & set(item.tags):
            continue
        options = sorted(definition.options(item), key=lambda option: option.weight)
        codes = [option.code for option in options[1:]] if options else ["true"]
        alarming[field_name(item.link_id)] = codes
    return alarming


@dataclass(frozen=True)
class WhenSeen:
    """When the clinician can first see what was just sent, for the carer's own words."""

    in_hours: bool
    at: datetime
    # Where a day ends, so "until 17:00" can be said inside working hours.
    closes: str
    days: str
    hours: str


def describe_days(days: list[int], locale: Locale) -> str:
    """ "Monday to Friday" for a run of three or more days, else the days listed."""
    names = [str(WEEKDAY_LABELS[d]) for d in days]
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return str(_("%(first)s to %(last)s", first=names[0], last=names[-1]))
    return str(format_list(names, locale=locale))


def when_seen(team: Team, now: datetime) -> WhenSeen:
    hours = of_team(team)
    at = next_working_moment(now, hours)
    locale = get_locale()
    days = describe_days(sorted(hours.days), locale)
    closes = format_time(hours.end, "short")
    return WhenSeen(
        in_hours=at <= now,
        at=at,
        closes=closes,
        days=days,
        hours=_("%(start)s to %(end)s", start=format_time(hours.start, "short"), end=closes),
    )


@bp.route("/checkins/<int:checkin_id>/done")
@carer_page()
def done(checkin_id: int) -> str:
    """Straight after sending: the safety screen after an urgent answer, else what is next."""
    carer: Carer = g.carer
    session = get_session()
    checkin = queries.own_checkin(session, carer, checkin_id)
    team = team_of(session, carer)
    now = utcnow()
    seen = when_seen(team, now)
    # A positive short screen offers its full questionnaire straight away.
    follow_up = offered(session, carer, checkin)
    # The committed times: each raised flag's due-by (none raised: the working hours alone).
    promised = promises(flags_raised_by(session, checkin.id or 0), team)
    if was_urgent(session, checkin.id or 0):
        return render_template(
            "checkins/safety.html",
            follow_up=follow_up,
            contacts=contacts_for_carers(session, team.id or 0),
            seen=seen,
            seen_at=format_when(seen.at),
            promises=promised,
        )
    upcoming = [
        item
        for item in queries.due_checkins(session, carer, now)
        if item.schedule.instrument_id == checkin.instrument_id
    ]
    return render_template(
        "checkins/done.html",
        follow_up=follow_up,
        checkin=checkin,
        next_due=upcoming[0].next_due_at if upcoming else None,
        seen=seen,
        seen_at=format_when(seen.at),
        promises=promised,
    )
