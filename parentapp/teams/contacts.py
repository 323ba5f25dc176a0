"""Crisis contacts: where a carer can get help at once, shown on the safety screen in order."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.audit.services import record
from parentapp.errors import DomainError, NotFoundError
from parentapp.i18n import N_
from parentapp.teams.models import CrisisContact, Team


@dataclass(frozen=True)
class ContactDetails:
    name: str
    phone: str | None = None
    text_number: str | None = None
    description: str | None = None


# National UK services (research/clinical-facts.md §2.2). Marked for translation: a stored
# contact is shown through gettext, so these defaults reach carers in their own language
# until a lead rewrites them in the team's words.
DEFAULT_CONTACTS = (
    ContactDetails(
        N_("Emergency services"), "999", None, N_("If you or your baby are in danger now")
    ),
    ContactDetails(
        N_("NHS 111, mental health option"),
        "111",
        None,
        N_(
            "24 hours. Call 111 and choose the mental health option."
            " They can arrange an interpreter."
        ),
    ),
    ContactDetails(N_("Samaritans"), "116 123", None, N_("24 hours, free")),
    ContactDetails(N_("Shout"), None, "85258", N_("24 hours. Text SHOUT to 85258.")),
)
# Shown when a team has no contacts at all: the safety screen never shows an empty list.
FALLBACK_CONTACT = DEFAULT_CONTACTS[0]


def team_contacts(session: Session, team_id: int) -> list[CrisisContact]:
    return list(
        session.exec(
            select(CrisisContact)
            .where(CrisisContact.team_id == team_id)
            .order_by(col(CrisisContact.position), col(CrisisContact.id))
        ).all()
    )


def contacts_for_carers(session: Session, team_id: int) -> list[ContactDetails]:
    """What the safety screen lists: the team's contacts, or 999 when it has none."""
    rows = team_contacts(session, team_id)
    if not rows:
        return [FALLBACK_CONTACT]
    return [ContactDetails(r.name, r.phone, r.text_number, r.description) for r in rows]


def add_default_contacts(session: Session, team: Team) -> None:
    """Give a team the national contacts (no commit: part of the caller's change)."""
    for position, details in enumerate(DEFAULT_CONTACTS):
        session.add(
            CrisisContact(
                team_id=team.id or 0,
                position=position,
                name=details.name,
                phone=details.phone,
                text_number=details.text_number,
                description=details.description,
            )
        )


def _clean(details: ContactDetails) -> ContactDetails:
    cleaned = ContactDetails(
        details.name.strip(),
        (details.phone or "").strip() or None,
        (details.text_number or "").strip() or None,
        (details.description or "").strip() or None,
    )
    if not cleaned.name:
        raise DomainError(_("Enter the name of the service."), field="name")
    if cleaned.phone is None and cleaned.text_number is None:
        raise DomainError(_("Enter a phone number or a text number."), field="phone")
    return cleaned


def get_contact(session: Session, team: Team, contact_id: int) -> CrisisContact:
    """:raises NotFoundError: no such contact, or another team's."""
    contact = session.get(CrisisContact, contact_id)
    if contact is None or contact.team_id != team.id:
        raise NotFoundError("crisis contact")
    return contact


def _audit(session: Session, actor: User, action: str, team: Team, detail: str) -> None:
    record(
        session=session,
        action=action,
        actor_id=actor.id,
        target_type="team",
        target_id=team.id,
        detail=detail,
    )


def add_contact(
    *, session: Session, actor: User, team: Team, details: ContactDetails
) -> CrisisContact:
    """Add a contact at the end of the team's list.

    :raises DomainError: no name, or neither a phone nor a text number.
    """
    details = _clean(details)
    existing = team_contacts(session, team.id or 0)
    contact = CrisisContact(
        team_id=team.id or 0,
        position=max((c.position for c in existing), default=-1) + 1,
        name=details.name,
        phone=details.phone,
        text_number=details.text_number,
        description=details.description,
    )
    session.add(contact)
    _audit(session, actor, "team.contact_added", team, details.name)
    session.commit()
    return contact


def update_contact(
    *, session: Session, actor: User, team: Team, contact_id: int, details: ContactDetails
) -> CrisisContact:
    """Rewrite one of the team's contacts.

    :raises NotFoundError: not one of this team's contacts.
    :raises DomainError: no name, or neither a phone nor a text number.
    """
    contact = get_contact(session, team, contact_id)
    details = _clean(details)
    contact.name = details.name
    contact.phone = details.phone
    contact.text_number = details.text_number
    contact.description = details.description
    session.add(contact)
    _audit(session, actor, "team.contact_changed", team, details.name)
    session.commit()
    return contact


def remove_contact(*, session: Session, actor: User, team: Team, contact_id: int) -> None:
    """:raises NotFoundError: not one of this team's contacts."""
    contact = get_contact(session, team, contact_id)
    session.delete(contact)
    _audit(session, actor, "team.contact_removed", team, contact.name)
    session.commit()


def move_contact(*, session: Session, actor: User, team: Team, contact_id: int, step: int) -> None:
    """Move a contact one place up (``step=-1``) or down (``step=1``) the list.

    :raises NotFoundError: not one of this team's contacts.
    """
    contact = get_contact(session, team, contact_id)
    ordered = team_contacts(session, team.id or 0)
    index = ordered.index(contact)
    target = index + (1 if step > 0 else -1)
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    # Renumber the whole list so gaps and ties left by earlier edits disappear.
    for position, row in enumerate(ordered):
        row.position = position
        session.add(row)
    _audit(session, actor, "team.contact_moved", team, contact.name)
    session.commit()
