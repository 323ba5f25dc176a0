"""Family use cases: creating families and infants, inviting carers, joining, consent."""

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.accounts.services import create_user
from parentapp.accounts.sessions import start_session
from parentapp.audit.services import record
from parentapp.config import Settings
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError
from parentapp.families import codes
from parentapp.families.models import Carer, Family, Infant, Invitation
from parentapp.families.nhs import parse_nhs_number
from parentapp.families.queries import invitation_status
from parentapp.families.roles import CarerRole
from parentapp.notifications.models import Channel
from parentapp.notifications.services import Kind, enqueue
from parentapp.sealing import seal
from parentapp.teams.models import Team

# Bumped whenever the consent page says something new, so a record shows which text was agreed.
CONSENT_VERSION = "2026-12"
# What else a new carer starts with, added by higher domains when the app is built (check-ins
# give every carer their first check-in): families knows nothing of them, and each runs in the
# joining transaction, so a carer never exists without them.
JoinStep = Callable[[Session, Carer], None]
JOIN_STEPS = "parentapp.join_steps"


def add_join_step(app: Flask, step: JoinStep) -> None:
    steps: list[JoinStep] = app.extensions.setdefault(JOIN_STEPS, [])
    if step not in steps:
        steps.append(step)


# The perinatal period the app serves: pregnancy to a baby's second birthday.
MAX_DUE_AHEAD = timedelta(days=300)
# A baby who was due up to a month ago may not have arrived yet.
MAX_DUE_PAST = timedelta(days=30)


def earliest_birth_date(today: date) -> date:
    """The birth date of a baby whose second birthday is ``today`` (the oldest the app serves)."""
    try:
        return today.replace(year=today.year - 2)
    except ValueError:  # 29 February: that baby's birthday counts as 1 March
        return today.replace(year=today.year - 2, month=3, day=1)


class InvitationError(DomainError):
    """The code cannot be used; ``reason`` says why in words a carer understands."""


def check_infant_dates(date_of_birth: date | None, due_date: date | None, today: date) -> None:
    """:raises DomainError: the dates are missing, both given, or outside pregnancy to age two."""
    if date_of_birth is None and due_date is None:
        raise DomainError(_("Enter a date of birth or a due date."), field="date_of_birth")
    if date_of_birth is not None and due_date is not None:
        raise DomainError(
            _("Enter either a date of birth or a due date, not both."), field="due_date"
        )
    if date_of_birth is not None and not earliest_birth_date(today) <= date_of_birth <= today:
        raise DomainError(
            _("The date of birth must be in the past two years and not in the future."),
            field="date_of_birth",
        )
    if due_date is not None and not today - MAX_DUE_PAST <= due_date <= today + MAX_DUE_AHEAD:
        raise DomainError(_("The due date must be within the next ten months."), field="due_date")


def check_clinician(session: Session, team_id: int, clinician_id: int) -> User:
    """An active clinician of the team, by id.

    :raises DomainError: anyone else.
    """
    clinician = session.get(User, clinician_id)
    if (
        clinician is None
        or not clinician.is_clinical
        or clinician.team_id != team_id
        or not clinician.active
    ):
        raise DomainError(_("Choose a clinician from your team."), field="assigned_clinician_id")
    return clinician


def create_family(
    *,
    session: Session,
    actor: User,
    label: str,
    assigned_clinician_id: int,
    infant_name: str | None = None,
    date_of_birth: date | None = None,
    due_date: date | None = None,
    nhs_number: str | None = None,
    today: date | None = None,
    commit: bool = True,
) -> Family:
    """Create a family in the actor's team, optionally with its first infant (``commit``
    False: flush only, for a caller that does more in the same transaction).

    :raises DomainError: the clinician is not in the team or the infant's dates are invalid.
    """
    assert actor.team_id is not None
    check_clinician(session, actor.team_id, assigned_clinician_id)
    if infant_name:
        check_infant_dates(date_of_birth, due_date, today or utcnow().date())
    number = parse_nhs_number(nhs_number)
    family = Family(
        team_id=actor.team_id,
        label=label.strip(),
        assigned_clinician_id=assigned_clinician_id,
        created_by_id=actor.id,
    )
    session.add(family)
    session.flush()
    if infant_name:
        session.add(
            Infant(
                family_id=family.id or 0,
                name=infant_name.strip(),
                date_of_birth=date_of_birth,
                due_date=due_date,
                nhs_number=number,
            )
        )
    record(
        session=session,
        action="family.created",
        actor_id=actor.id,
        target_type="family",
        target_id=family.id,
    )
    if commit:
        session.commit()
    return family


def add_infant(
    *,
    session: Session,
    actor: User,
    family: Family,
    name: str,
    date_of_birth: date | None,
    due_date: date | None,
    nhs_number: str | None = None,
    today: date | None = None,
    commit: bool = True,
) -> Infant:
    """Add a baby to a family (``commit`` False: flush only).

    :raises DomainError: invalid dates or NHS number.
    """
    check_infant_dates(date_of_birth, due_date, today or utcnow().date())
    infant = Infant(
        family_id=family.id or 0,
        name=name.strip(),
        date_of_birth=date_of_birth,
        due_date=due_date,
        nhs_number=parse_nhs_number(nhs_number),
    )
    session.add(infant)
    session.flush()
    record(
        session=session,
        action="infant.added",
        actor_id=actor.id,
        target_type="family",
        target_id=family.id,
    )
    if commit:
        session.commit()
    return infant


def set_nhs_number(
    *, session: Session, actor: User, family: Family, holder: Carer | Infant, typed: str | None
) -> None:
    """Record, change or remove (empty) a carer's or baby's NHS number.

    :raises NotFoundError: the carer or baby is not of this family.
    :raises DomainError: not a valid NHS number; nothing changes.
    """
    if holder.family_id != family.id:
        raise NotFoundError("carer" if isinstance(holder, Carer) else "infant")
    holder.nhs_number = parse_nhs_number(typed)
    session.add(holder)
    # The number itself stays out of the audit log: it identifies a person.
    record(
        session=session,
        action="nhs_number.set" if holder.nhs_number else "nhs_number.removed",
        actor_id=actor.id,
        target_type="carer" if isinstance(holder, Carer) else "infant",
        target_id=holder.id,
    )
    session.commit()


def create_invitation(
    *,
    session: Session,
    actor: User,
    family: Family,
    invitee_note: str | None = None,
) -> tuple[Invitation, str]:
    """Issue a single-use code for one carer to join ``family``; returns it with its code.

    The code is returned once, for the clinician to show or send; only its hash is stored.
    """
    invitation, code = issue_invitation(
        session=session, actor=actor, family=family, invitee_note=invitee_note
    )
    session.commit()
    return invitation, code


def issue_invitation(
    *, session: Session, actor: User, family: Family, invitee_note: str | None = None
) -> tuple[Invitation, str]:
    """``create_invitation`` inside the caller's transaction: flushes, never commits (an
    approved co-parent request issues its invitation with the decision, or not at all)."""
    team = session.get(Team, family.team_id)
    assert team is not None
    code = codes.new_code()
    invitation = Invitation(
        family_id=family.id or 0,
        code_hash=codes.code_hash(code),
        invitee_note=(invitee_note or "").strip() or None,
        created_by_id=actor.id or 0,
        expires_at=utcnow() + timedelta(days=team.invite_expiry_days),
    )
    session.add(invitation)
    session.flush()
    record(
        session=session,
        action="invitation.created",
        actor_id=actor.id,
        target_type="family",
        target_id=family.id,
    )
    return invitation, code


def email_invitation(
    *,
    session: Session,
    sender: User,
    invitation: Invitation,
    code: str,
    to: str,
    name: str,
    locale: str,
    now: datetime,
) -> None:
    """Email a new invitation's code to someone with no account yet (a co-parent the team
    approved, a referred carer), in ``locale``; flushes. Who it goes to, their name and the
    code wait in the outbox sealed, and are wiped once sent; the row is the sender's."""
    settings: Settings = current_app.config["PARENTAPP_SETTINGS"]
    sealed = seal(settings.secret_key, json.dumps({"to": to, "name": name, "code": code}))
    enqueue(
        session=session,
        recipient_id=sender.id or 0,
        kind=Kind.INVITATION,
        channels=[Channel.EMAIL],
        payload={
            "sealed": sealed,
            "locale": locale,
            "expires": invitation.expires_at.date().isoformat(),
        },
        now=now,
    )


def revoke_invitation(*, session: Session, actor: User, family: Family, invitation_id: int) -> None:
    """Cancel a pending invitation so its code stops working.

    :raises NotFoundError: not an invitation of this family.
    :raises DomainError: it was already used.
    """
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.family_id != family.id:
        raise NotFoundError("invitation")
    if invitation.used_at is not None:
        raise DomainError(_("This invitation has already been used."))
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        session.add(invitation)
        record(
            session=session,
            action="invitation.revoked",
            actor_id=actor.id,
            target_type="family",
            target_id=family.id,
        )
    session.commit()


def find_invitation(session: Session, typed_code: str) -> Invitation:
    """The live invitation for a typed code.

    :raises InvitationError: mistyped, unknown, used, cancelled or expired, each in plain words.
    """
    canonical = codes.normalise(typed_code)
    if canonical is None:
        raise InvitationError(
            _("That code is not quite right. It has 12 letters and numbers, like ABCD-EFGH-JKMN."),
            field="code",
        )
    invitation = session.exec(
        select(Invitation).where(Invitation.code_hash == codes.code_hash(canonical))
    ).first()
    if invitation is None:
        raise InvitationError(
            _("We could not find that code. Check it against your invitation and try again."),
            field="code",
        )
    return check_invitation_live(invitation)


def check_invitation_live(invitation: Invitation) -> Invitation:
    """:raises InvitationError: the invitation can no longer be used."""
    status = invitation_status(invitation)
    if status == "used":
        raise InvitationError(
            _(
                "This invitation has already been used. If that was you, log in instead. If not, ask your clinician for a new one."
            ),
            field="code",
        )
    if status == "revoked":
        raise InvitationError(
            _("This invitation was cancelled. Please ask your clinician for a new one."),
            field="code",
        )
    if status == "expired":
        raise InvitationError(
            _("This invitation has expired. Please ask your clinician for a new one."), field="code"
        )
    return invitation


def join_family(
    *,
    session: Session,
    invitation_id: int,
    display_name: str,
    email: str,
    password: str,
    carer_role: CarerRole,
    carer_role_other: str | None,
    locale: str = "en",
) -> User:
    """Create the carer's account from a live invitation, use the invitation up and log in.

    :raises InvitationError: the invitation was used, cancelled or expired meanwhile.
    :raises DomainError: the email is taken, the password breaks a rule, or "other" has no words.
    """
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise InvitationError(
            _("We could not find that invitation. Please ask your clinician for a new one.")
        )
    check_invitation_live(invitation)
    other = (carer_role_other or "").strip() or None
    if carer_role == CarerRole.OTHER and other is None:
        raise DomainError(
            _("Tell us in a few words how you care for the baby."), field="carer_role_other"
        )
    user = create_user(
        session=session,
        email=email,
        display_name=display_name,
        password=password,
        role=Role.CARER,
        locale=locale,
        commit=False,
    )
    carer = Carer(
        user_id=user.id or 0,
        family_id=invitation.family_id,
        carer_role=carer_role.value,
        carer_role_other=other if carer_role == CarerRole.OTHER else None,
        invitation_id=invitation.id,
    )
    # A conditional update claims the invitation atomically, so two people racing with the
    # same code cannot both join: the loser's whole transaction is rolled back.
    now = utcnow()
    claimed = session.execute(
        sa.update(Invitation)
        .where(
            col(Invitation.id) == invitation.id,
            col(Invitation.used_at).is_(None),
            col(Invitation.revoked_at).is_(None),
            col(Invitation.expires_at) > now,
        )
        .values(used_at=now, used_by_id=user.id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise InvitationError(
            _("This invitation has already been used. Please ask your clinician for a new one.")
        )
    session.add(carer)
    session.flush()
    for step in current_app.extensions.get(JOIN_STEPS, []):
        step(session, carer)
    record(
        session=session,
        action="invitation.used",
        actor_id=user.id,
        target_type="family",
        target_id=invitation.family_id,
    )
    start_session(session, user)
    record(session=session, action="login.success", actor_id=user.id, detail="joined")
    session.commit()
    return user


def record_consent(*, session: Session, carer: Carer) -> None:
    """Record that the carer read and agreed to the current consent wording."""
    carer.consented_at = utcnow()
    carer.consent_version = CONSENT_VERSION
    session.add(carer)
    record(session=session, action="consent.given", actor_id=carer.user_id, detail=CONSENT_VERSION)
    session.commit()
