"""Asking the team to invite another carer, withdrawing the request, and deciding it."""

import re
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlmodel import Session, select

from parentapp.accounts.models import Role, User
from parentapp.audit.services import record
from parentapp.coparents.models import CoparentRequest, Status
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.families.models import Carer, Family, Invitation
from parentapp.families.roles import CarerRole
from parentapp.families.services import email_invitation, issue_invitation
from parentapp.i18n.languages import BY_CODE
from parentapp.leave.services import active_covers, route, team_today
from parentapp.notifications.models import Channel
from parentapp.notifications.services import Kind, enqueue
from parentapp.teams.models import Team

# A carer asks for a few people at a time; more waiting at once is more likely a mistake.
MAX_OPEN_REQUESTS = 3
# A phone number as people write it: digits with spaces, dashes, dots, brackets, a leading +.
PHONE_SHAPE = re.compile(r"\+?[0-9 ()./-]+")
# The shortest local numbers and the longest international ones (E.164: 15 digits).
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 15


def normalise_phone(typed: str | None) -> str | None:
    """The number as ``+digits`` or ``digits`` (for comparing), or None when left empty.

    :raises DomainError: not a phone number.
    """
    text = (typed or "").strip()
    if not text:
        return None
    digits = re.sub(r"[^0-9]", "", text)
    if (
        not PHONE_SHAPE.fullmatch(text)
        or "+" in text[1:]
        or not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS
    ):
        raise DomainError(
            _("Enter a phone number like 07700 900123 or +44 7700 900123."), field="phone"
        )
    return ("+" if text.startswith("+") else "") + digits


def normalise_invitee_email(typed: str | None) -> str | None:
    """The address in lower case, or None when left empty.

    :raises DomainError: not an email address.
    """
    text = (typed or "").strip()
    if not text:
        return None
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(
            _("Enter an email address like name@example.com."), field="email"
        ) from None
    address = checked.normalized.lower()
    if len(address) > 254:
        raise DomainError(_("Enter an email address like name@example.com."), field="email")
    return address


def _open_requests(session: Session, family_id: int) -> list[CoparentRequest]:
    return list(
        session.exec(
            select(CoparentRequest).where(
                CoparentRequest.family_id == family_id,
                CoparentRequest.status == Status.PENDING.value,
            )
        ).all()
    )


def _decider_for(session: Session, family: Family, now: datetime) -> int:
    """Who is told of a new request: the assigned clinician, or whoever covers them today."""
    team = session.get_one(Team, family.team_id)
    return route(
        family.assigned_clinician_id, active_covers(session, team.id or 0, team_today(team, now))
    )


def ask_to_invite(
    *,
    session: Session,
    carer: Carer,
    name: str,
    carer_role: CarerRole,
    carer_role_other: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    locale: str | None = None,
    now: datetime | None = None,
) -> CoparentRequest:
    """Ask the family's team to invite another carer; tells the clinician (in the app and by
    email, with no names); commits.

    :raises DomainError: no name, no way to reach them, a contact that does not read as one,
        "other" without words, too many requests waiting, or one already waiting for them.
    """
    now = now or utcnow()
    name = name.strip()
    if not name:
        raise DomainError(_("Enter the name of the person to invite."), field="name")
    other = (carer_role_other or "").strip() or None
    if carer_role == CarerRole.OTHER and other is None:
        raise DomainError(
            _("Tell us in a few words how they care for the baby."), field="carer_role_other"
        )
    address = normalise_invitee_email(email)
    number = normalise_phone(phone)
    if address is None and number is None:
        raise DomainError(
            _("Enter their email address or phone number, so the team can reach them."),
            field="email",
        )
    if locale and locale not in BY_CODE:
        raise DomainError(_("Choose a language from the list."), field="locale")
    waiting = _open_requests(session, carer.family_id)
    if sum(1 for r in waiting if r.carer_id == carer.id) >= MAX_OPEN_REQUESTS:
        raise DomainError(
            _(
                "You already have %(num)d requests waiting for your team. Please wait for them to be answered, or withdraw one.",
                num=MAX_OPEN_REQUESTS,
            )
        )
    for other_request in waiting:
        same_email = address is not None and other_request.email == address
        same_phone = number is not None and other_request.phone == number
        if same_email or same_phone:
            raise DomainError(
                _("A request to invite this person is already waiting for your team."),
                field="email" if same_email else "phone",
            )
    request = CoparentRequest(
        family_id=carer.family_id,
        carer_id=carer.id or 0,
        name=name,
        carer_role=carer_role.value,
        carer_role_other=other if carer_role == CarerRole.OTHER else None,
        email=address,
        phone=number,
        locale=locale or None,
        created_at=now,
    )
    session.add(request)
    session.flush()
    family = session.get_one(Family, carer.family_id)
    enqueue(
        session=session,
        recipient_id=_decider_for(session, family, now),
        kind=Kind.COPARENT_REQUESTED,
        channels=[Channel.IN_APP, Channel.EMAIL],
        payload={"family_id": family.id},
        now=now,
    )
    # How they may be reached is not the audit log's business: only that a request was made.
    record(
        session=session,
        action="coparent.requested",
        actor_id=carer.user_id,
        target_type="coparent_request",
        target_id=request.id,
        detail=f"family {family.id}",
    )
    session.commit()
    return request


def _clear_contact(request: CoparentRequest) -> None:
    """Once decided or withdrawn the team has no more use for how to reach them."""
    request.email = None
    request.phone = None


def withdraw(
    *, session: Session, carer: Carer, request_id: int, now: datetime | None = None
) -> CoparentRequest:
    """The asking carer calls off a request still waiting; commits.

    :raises NotFoundError: not a request this carer made.
    :raises DomainError: the team has already decided it.
    """
    request = session.get(CoparentRequest, request_id)
    if request is None or request.carer_id != carer.id:
        raise NotFoundError("coparent_request")
    if request.status == Status.WITHDRAWN.value:
        return request
    if request.status != Status.PENDING.value:
        raise DomainError(_("Your team has already answered this request."))
    request.status = Status.WITHDRAWN.value
    request.decided_at = now or utcnow()
    _clear_contact(request)
    session.add(request)
    record(
        session=session,
        action="coparent.withdrawn",
        actor_id=carer.user_id,
        target_type="coparent_request",
        target_id=request.id,
    )
    session.commit()
    return request


def may_decide(session: Session, actor: User, family: Family, now: datetime | None = None) -> bool:
    """The family's assigned clinician, whoever covers them today, or a lead of its team."""
    if not actor.is_clinical or not actor.active or actor.team_id != family.team_id:
        return False
    if actor.role == Role.LEAD.value or actor.id == family.assigned_clinician_id:
        return True
    return actor.id == _decider_for(session, family, now or utcnow())


def request_to_decide(
    session: Session, actor: User, family: Family, request_id: int, now: datetime | None = None
) -> CoparentRequest:
    """A request of ``family`` that ``actor`` may decide (whatever its status).

    :raises NotFoundError: no such request, or another family's or team's.
    :raises PermissionDeniedError: the actor may see the family but not decide for it.
    """
    request = session.get(CoparentRequest, request_id)
    if request is None or request.family_id != family.id or family.team_id != actor.team_id:
        raise NotFoundError("coparent_request")
    if not may_decide(session, actor, family, now):
        raise PermissionDeniedError(
            _("Only the family's clinician, their cover or a team lead can decide this.")
        )
    return request


def _pending_request(
    session: Session, actor: User, family: Family, request_id: int, now: datetime
) -> CoparentRequest:
    request = request_to_decide(session, actor, family, request_id, now)
    asker = session.get_one(Carer, request.carer_id)
    if asker.closed_at is not None and request.status == Status.PENDING.value:
        # Nobody is left to have asked: an invitation now would be nobody's wish.
        raise DomainError(_("The carer who asked has closed their account. Nobody is invited."))
    if request.status != Status.PENDING.value:
        raise DomainError(
            _("This request was withdrawn by the carer.")
            if request.status == Status.WITHDRAWN.value
            else _("This request has already been decided.")
        )
    return request


def _tell_carer(session: Session, request: CoparentRequest, now: datetime) -> None:
    carer = session.get_one(Carer, request.carer_id)
    enqueue(
        session=session,
        recipient_id=carer.user_id,
        kind=Kind.COPARENT_DECIDED,
        channels=[Channel.IN_APP],
        payload={"request_id": request.id},
        now=now,
    )


@dataclass(frozen=True)
class Approved:
    request: CoparentRequest
    invitation: Invitation
    code: str  # shown once to the clinician when it was not emailed
    emailed: bool
    # To pass the code on by phone when no email was given (the request no longer keeps it).
    phone: str | None


def approve(
    *,
    session: Session,
    actor: User,
    family: Family,
    request_id: int,
    now: datetime | None = None,
) -> Approved:
    """Approve a waiting request: issue the invitation, email its code to the invitee when
    an address was given (in their language, sealed until sent), tell the carer; commits.

    :raises NotFoundError: not a request of this family.
    :raises PermissionDeniedError: the actor may see the family but not decide for it.
    :raises DomainError: already decided or withdrawn; nothing changes.
    """
    now = now or utcnow()
    request = _pending_request(session, actor, family, request_id, now)
    invitation, code = issue_invitation(
        session=session, actor=actor, family=family, invitee_note=request.name[:80]
    )
    email, phone = request.email, request.phone
    if email is not None:
        asker = session.get_one(Carer, request.carer_id)
        asker_user = session.get(User, asker.user_id)
        email_invitation(
            session=session,
            sender=actor,
            invitation=invitation,
            code=code,
            to=email,
            name=request.name,
            locale=request.locale or (asker_user.locale if asker_user else None) or "en",
            now=now,
        )
    request.status = Status.APPROVED.value
    request.decided_at = now
    request.decided_by_id = actor.id
    request.invitation_id = invitation.id
    _clear_contact(request)
    session.add(request)
    _tell_carer(session, request, now)
    record(
        session=session,
        action="coparent.approved",
        actor_id=actor.id,
        target_type="coparent_request",
        target_id=request.id,
        detail=f"invitation {invitation.id} " + ("emailed" if email else "shown to pass on"),
    )
    session.commit()
    return Approved(request, invitation, code, emailed=email is not None, phone=phone)


def decline(
    *,
    session: Session,
    actor: User,
    family: Family,
    request_id: int,
    reason: str,
    now: datetime | None = None,
) -> CoparentRequest:
    """Decline a waiting request with a reason for the team's record; the carer is told in
    neutral words to talk to their clinician; commits.

    :raises NotFoundError: not a request of this family.
    :raises PermissionDeniedError: the actor may see the family but not decide for it.
    :raises DomainError: no reason, or already decided or withdrawn; nothing changes.
    """
    now = now or utcnow()
    reason = reason.strip()
    request = _pending_request(session, actor, family, request_id, now)
    if not reason:
        raise DomainError(_("Give a short reason for the team's record."), field="reason")
    request.status = Status.DECLINED.value
    request.decided_at = now
    request.decided_by_id = actor.id
    request.decline_reason = reason[:200]
    _clear_contact(request)
    session.add(request)
    _tell_carer(session, request, now)
    # The reason stays on the request, not in the audit log.
    record(
        session=session,
        action="coparent.declined",
        actor_id=actor.id,
        target_type="coparent_request",
        target_id=request.id,
    )
    session.commit()
    return request
