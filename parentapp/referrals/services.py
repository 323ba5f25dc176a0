"""Writing referrals: a lead creates a referrer's account, a referrer sends a referral, and
the team takes it along its path (``steps``). Each use case commits once; the referrer's
email, the team's notices and the audit entry land with the change or not at all."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlmodel import Session

from parentapp.accounts.models import CLINICAL_ROLES, Role, User
from parentapp.accounts.services import create_user
from parentapp.audit.services import record
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.families.models import Family, Invitation
from parentapp.families.services import (
    add_infant,
    check_clinician,
    check_infant_dates,
    create_family,
    email_invitation,
    issue_invitation,
)
from parentapp.i18n.languages import BY_CODE
from parentapp.referrals import notices
from parentapp.referrals.models import Referral, ReferralInfant, ReferrerProfile
from parentapp.referrals.queries import babies_of
from parentapp.referrals.steps import due_by, may_move
from parentapp.referrals.vocab import (
    DECLINE_REASONS,
    PROFESSIONS,
    REASON_TEXT_MAX,
    REASONS,
    SIGNPOST_MAX,
    State,
    Urgency,
)
from parentapp.signin.reset import request_reset
from parentapp.teams.models import Team

# How many babies one referral may name (twins, triplets, and room for a sibling).
MAX_INFANTS = 4


def create_referrer(
    *,
    session: Session,
    actor: User,
    email: str,
    display_name: str,
    profession: str,
    organisation: str | None,
    now: datetime,
) -> User:
    """A lead creates a referrer's account in their own team. The account has no password
    anyone knows: the referrer is emailed a link to choose one (the password-reset link), so
    the lead never handles it. Commits.

    :raises PermissionDeniedError: the actor is not a team lead.
    :raises DomainError: unknown profession, or the email is taken.
    """
    if actor.role != Role.LEAD or actor.team_id is None:
        raise PermissionDeniedError("only a team lead creates referrers")
    if profession not in PROFESSIONS:
        raise DomainError(_("Choose what kind of professional they are."), field="profession")
    user = create_user(
        session=session,
        email=email,
        display_name=display_name,
        # Long and random: nobody knows it, and the emailed link replaces it.
        password=secrets.token_urlsafe(32),
        role=Role.REFERRER,
        team_id=actor.team_id,
        commit=False,
    )
    session.add(
        ReferrerProfile(
            user_id=user.id or 0,
            profession=profession,
            organisation=(organisation or "").strip() or None,
        )
    )
    record(
        session=session,
        action="referrer.created",
        actor_id=actor.id,
        target_type="user",
        target_id=user.id,
        detail=profession,
    )
    request_reset(session, email=user.email, now=now)  # commits
    return user


@dataclass(frozen=True)
class BabyIn:
    """A baby as the referrer typed it."""

    name: str
    date_of_birth: date | None
    due_date: date | None


def _check_referral(
    *,
    referrer: User,
    team_id: int,
    carer_email: str | None,
    carer_phone: str | None,
    language: str,
    babies: list[BabyIn],
    reasons: list[str],
    reason_text: str,
    consent: bool,
    urgency: str,
    today: date,
) -> None:
    """:raises DomainError: the first thing wrong, on its field; nothing is stored."""
    if not consent:
        raise DomainError(
            _("Tick to confirm the family agreed to be referred. Without it we cannot accept it."),
            field="consent",
        )
    if team_id != referrer.team_id:
        raise DomainError(_("You can refer only to the team you work with."), field="team_id")
    if not (carer_email or carer_phone):
        raise DomainError(_("Give an email address or a phone number."), field="carer_email")
    if language not in BY_CODE:
        raise DomainError(_("Choose a language from the list."), field="language")
    if urgency not in {u.value for u in Urgency}:
        raise DomainError(_("Choose how urgent this is."), field="urgency")
    if not reasons or not set(reasons) <= REASONS.keys():
        raise DomainError(_("Tick at least one reason."), field="reasons")
    if not reason_text.strip() or len(reason_text) > REASON_TEXT_MAX:
        raise DomainError(
            _("Say in your own words why you are referring (at most 2000 characters)."),
            field="reason_text",
        )
    if not babies or len(babies) > MAX_INFANTS:
        raise DomainError(_("Name the baby, or the pregnancy."), field="infant_name")
    for baby in babies:
        check_infant_dates(baby.date_of_birth, baby.due_date, today)


def submit(
    *,
    session: Session,
    referrer: User,
    team_id: int,
    carer_name: str,
    carer_email: str | None,
    carer_phone: str | None,
    language: str,
    babies: list[BabyIn],
    reasons: list[str],
    reason_text: str,
    consent: bool,
    urgency: str,
    now: datetime,
) -> Referral:
    """A referrer sends a referral to their team. The referrer is emailed that it arrived,
    and the team (duty clinician and leads) is told there is one to read. Commits.

    :raises PermissionDeniedError: not a referrer.
    :raises DomainError: no consent, another team, or a field is wrong; nothing is stored.
    """
    if referrer.role != Role.REFERRER:
        raise PermissionDeniedError("only referrers send referrals")
    _check_referral(
        referrer=referrer,
        team_id=team_id,
        carer_email=carer_email,
        carer_phone=carer_phone,
        language=language,
        babies=babies,
        reasons=reasons,
        reason_text=reason_text,
        consent=consent,
        urgency=urgency,
        today=now.date(),
    )
    team = session.get(Team, team_id)
    if team is None:
        raise DomainError(_("You can refer only to the team you work with."), field="team_id")
    profile = session.get(ReferrerProfile, referrer.id)
    referral = Referral(
        team_id=team_id,
        referrer_id=referrer.id or 0,
        referrer_type=profile.profession if profile is not None else "other",
        carer_name=carer_name.strip(),
        carer_email=(carer_email or "").strip().lower() or None,
        carer_phone=(carer_phone or "").strip() or None,
        language=language,
        reasons=sorted(set(reasons)),
        reason_text=reason_text.strip(),
        consent=True,
        urgency=urgency,
        received_at=now,
        due_at=due_by(team, State.RECEIVED, urgency, now),
    )
    session.add(referral)
    session.flush()
    session.add_all(
        ReferralInfant(
            referral_id=referral.id or 0,
            name=baby.name.strip(),
            date_of_birth=baby.date_of_birth,
            due_date=baby.due_date,
        )
        for baby in babies
    )
    record(
        session=session,
        action="referral.received",
        actor_id=referrer.id,
        target_type="referral",
        target_id=referral.id,
        detail=urgency,
    )
    notices.tell_referrer(session=session, referral=referral, now=now)
    notices.tell_team(session=session, referral=referral, team=team, now=now)
    session.commit()
    return referral


def team_referral(session: Session, actor: User, referral_id: int) -> Referral:
    """A referral of the actor's team, for its clinical staff.

    :raises NotFoundError: no such referral, or another team's (or the actor is not clinical).
    """
    referral = session.get(Referral, referral_id)
    if (
        referral is None
        or actor.role not in CLINICAL_ROLES
        or actor.team_id is None
        or referral.team_id != actor.team_id
    ):
        raise NotFoundError("referral")
    return referral


def _move(session: Session, *, actor: User, referral: Referral, to: State, now: datetime) -> Team:
    """Check the step is the next on the path and record who took it; the caller sets what
    else the step carries. :raises DomainError: the referral has moved on already."""
    if not may_move(referral.state, to):
        raise DomainError(
            _("This referral has already moved on. Reload the page to see where it is."),
            field="state",
        )
    team = session.get(Team, referral.team_id)
    assert team is not None
    if referral.acknowledged_at is None:
        # Triaging a referral nobody marked read reads it too: the step is still recorded.
        referral.acknowledged_at, referral.acknowledged_by_id = now, actor.id
    referral.state = to.value
    referral.escalation_level = 0
    referral.escalated_at = None
    return team


def _finish(
    session: Session, *, actor: User, referral: Referral, team: Team, now: datetime
) -> None:
    """The new step's due-by, the audit entry and the referrer's email; commits."""
    referral.due_at = due_by(team, referral.state, referral.urgency, now, referral.appointment_at)
    session.add(referral)
    record(
        session=session,
        action=f"referral.{referral.state}",
        actor_id=actor.id,
        target_type="referral",
        target_id=referral.id,
    )
    notices.tell_referrer(session=session, referral=referral, now=now)
    session.commit()


def acknowledge(*, session: Session, actor: User, referral: Referral, now: datetime) -> None:
    """Someone in the team has read the referral. :raises DomainError: already past it."""
    team = _move(session, actor=actor, referral=referral, to=State.ACKNOWLEDGED, now=now)
    referral.acknowledged_at, referral.acknowledged_by_id = now, actor.id
    _finish(session, actor=actor, referral=referral, team=team, now=now)


@dataclass(frozen=True)
class Accepted:
    family: Family
    invitation: Invitation
    code: str


def accept(
    *,
    session: Session,
    actor: User,
    referral: Referral,
    assigned_clinician_id: int,
    family_label: str,
    now: datetime,
) -> Accepted:
    """Accept the referral: the family, its babies and an invitation for the referred carer
    are made in the same transaction, with the chosen clinician assigned. The code is
    emailed to the carer when the referral gave an address, in their language, and returned
    to be shown once (to pass on by phone otherwise).

    :raises DomainError: not acknowledged yet or already triaged, or not a clinician of the team.
    """
    team = _move(session, actor=actor, referral=referral, to=State.ACCEPTED, now=now)
    check_clinician(session, team.id or 0, assigned_clinician_id)
    babies = babies_of(session, referral.id or 0)
    family = create_family(
        session=session,
        actor=actor,
        label=family_label.strip() or referral.carer_name,
        assigned_clinician_id=assigned_clinician_id,
        commit=False,
    )
    for baby in babies:
        add_infant(
            session=session,
            actor=actor,
            family=family,
            name=baby.name,
            date_of_birth=baby.date_of_birth,
            due_date=baby.due_date,
            today=now.date(),
            commit=False,
        )
    invitation, code = issue_invitation(
        session=session, actor=actor, family=family, invitee_note=referral.carer_name
    )
    if referral.carer_email:
        # The family hears from the team without anyone having to pass the code on.
        email_invitation(
            session=session,
            sender=actor,
            invitation=invitation,
            code=code,
            to=referral.carer_email,
            name=referral.carer_name,
            locale=referral.language,
            now=now,
        )
    referral.family_id = family.id
    referral.triaged_at, referral.triaged_by_id = now, actor.id
    _finish(session, actor=actor, referral=referral, team=team, now=now)
    return Accepted(family=family, invitation=invitation, code=code)


def decline(
    *,
    session: Session,
    actor: User,
    referral: Referral,
    reason: str,
    signposted_to: str,
    now: datetime,
) -> None:
    """Decline the referral, saying why and where the family was pointed instead.

    :raises DomainError: no reason or signposting, or not at the triage step.
    """
    if reason not in DECLINE_REASONS:
        raise DomainError(_("Choose why the referral is declined."), field="reason")
    if not signposted_to.strip() or len(signposted_to) > SIGNPOST_MAX:
        raise DomainError(
            _("Say where the family was pointed instead (at most 300 characters)."),
            field="signposted_to",
        )
    team = _move(session, actor=actor, referral=referral, to=State.DECLINED, now=now)
    referral.triaged_at, referral.triaged_by_id = now, actor.id
    referral.decline_reason = reason
    referral.signposted_to = signposted_to.strip()
    # A declined referral is finished: it is closed in the same step.
    referral.closed_at, referral.closed_by_id = now, actor.id
    _finish(session, actor=actor, referral=referral, team=team, now=now)


def offer_contact(
    *, session: Session, actor: User, referral: Referral, appointment_at: datetime, now: datetime
) -> None:
    """Record the first appointment offered to the family.

    :raises DomainError: the appointment is in the past, or the referral is not accepted.
    """
    if appointment_at <= now:
        raise DomainError(_("The appointment must be in the future."), field="appointment_date")
    team = _move(session, actor=actor, referral=referral, to=State.CONTACT_OFFERED, now=now)
    referral.contact_offered_at, referral.contact_offered_by_id = now, actor.id
    referral.appointment_at = appointment_at
    _finish(session, actor=actor, referral=referral, team=team, now=now)


def contact_made(*, session: Session, actor: User, referral: Referral, now: datetime) -> None:
    """The first appointment took place. :raises DomainError: none was offered."""
    team = _move(session, actor=actor, referral=referral, to=State.CONTACT_MADE, now=now)
    referral.contact_made_at, referral.contact_made_by_id = now, actor.id
    _finish(session, actor=actor, referral=referral, team=team, now=now)


def close(*, session: Session, actor: User, referral: Referral, now: datetime) -> None:
    """Close the referral (the family is in the team's care, or did not come).

    :raises DomainError: not yet at a step that may close.
    """
    team = _move(session, actor=actor, referral=referral, to=State.CLOSED, now=now)
    referral.closed_at, referral.closed_by_id = now, actor.id
    _finish(session, actor=actor, referral=referral, team=team, now=now)
