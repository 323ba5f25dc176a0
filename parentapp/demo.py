"""Demo data for trying the app locally: safe to load again and again."""

from datetime import timedelta

from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.accounts.services import create_user, user_by_email
from parentapp.db import utcnow
from parentapp.demo_checkins import load_demo_checkins
from parentapp.families import codes
from parentapp.families.models import Carer, Family, Infant, Invitation
from parentapp.families.roles import CarerRole
from parentapp.families.services import create_invitation
from parentapp.referrals.models import ReferrerProfile
from parentapp.referrals.queries import referrals_by
from parentapp.referrals.services import BabyIn, submit
from parentapp.replies.models import ReplyTemplate
from parentapp.teams.models import Team
from parentapp.teams.queries import team_by_name
from parentapp.teams.services import create_team

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for local demos only
TEAM = "Riverside Parent-Infant Team"
STAFF = (
    ("admin@example.org", "Alex Admin", Role.ADMIN),
    ("lead@example.org", "Dr Amara Okafor", Role.LEAD),
    ("clinician@example.org", "Sam Patel", Role.CLINICIAN),
    ("duty@example.org", "Jo Mensah", Role.CLINICIAN),
    ("referrer@example.org", "Hana Ahmed", Role.REFERRER),
)
# Today's duty clinician: urgent flags nobody acknowledges in time go to them, then the lead.
DUTY = "duty@example.org"
# (family label, clinician email, infants [(name, age in days or negative for due)], carers)
FAMILIES = (
    ("Khan", "clinician@example.org", [("Zara", 95)],
     [("aisha@example.org", "Aisha", CarerRole.MOTHER, None), ("imran@example.org", "Imran", CarerRole.FATHER, None)]),
    ("Nowak", "clinician@example.org", [("Baby Nowak", -40)],
     [("piotr@example.org", "Piotr", CarerRole.FATHER, None)]),
    ("Jones", "lead@example.org", [("Leo", 300)],
     [("jo@example.org", "Jo", CarerRole.FOSTER_KINSHIP, None),
      ("maggie@example.org", "Maggie", CarerRole.GRANDPARENT, None)]),
)  # fmt: skip
# The team's reply templates (English, with the translations written so far; a carer in
# another language sees the English until the lead adds theirs).
REPLY_TEMPLATES = (
    ("Thank you for your check-in.", {
        "pl": "Dziękujemy za wypełnienie ankiety.",
        "ro": "Vă mulțumim pentru completarea chestionarului.",
        "es": "Gracias por completar el cuestionario.",
    }),
    ("Thank you for telling us. Someone from the team will contact you before your next "
     "appointment.", {
        "pl": "Dziękujemy za informację. Ktoś z zespołu skontaktuje się z Tobą przed następną "
              "wizytą.",
        "ro": "Vă mulțumim că ne-ați spus. Cineva din echipă vă va contacta înainte de "
              "următoarea programare.",
        "es": "Gracias por contárnoslo. Alguien del equipo se pondrá en contacto contigo antes "
              "de tu próxima cita.",
    }),
    ("Thank you. We can talk about this at your next appointment.", {
        "pl": "Dziękujemy. Możemy o tym porozmawiać na następnej wizycie.",
        "ro": "Vă mulțumim. Putem vorbi despre asta la următoarea programare.",
        "es": "Gracias. Podemos hablar de esto en tu próxima cita.",
    }),
)  # fmt: skip


def _reply_templates(session: Session, team: Team) -> None:
    """The demo team's reply templates, once (a lead's later changes are kept)."""
    if session.exec(select(ReplyTemplate).where(ReplyTemplate.team_id == team.id)).first():
        return
    session.add_all(
        ReplyTemplate(team_id=team.id or 0, text=text, translations=dict(translations))
        for text, translations in REPLY_TEMPLATES
    )
    session.commit()


def _user(session: Session, email: str, name: str, role: Role, team_id: int | None) -> User:
    return user_by_email(session, email) or create_user(
        session=session,
        email=email,
        display_name=name,
        password=DEMO_PASSWORD,
        role=role,
        team_id=team_id,
    )


def _family(
    session: Session, team: Team, label: str, clinician: User, infants: list[tuple[str, int]]
) -> Family:
    existing = session.exec(
        select(Family).where(Family.team_id == team.id, Family.label == label)
    ).first()
    if existing is not None:
        return existing
    family = Family(
        team_id=team.id or 0,
        label=label,
        assigned_clinician_id=clinician.id or 0,
        created_by_id=clinician.id,
        created_at=utcnow() - timedelta(days=60),
    )
    session.add(family)
    session.flush()
    today = utcnow().date()
    for name, age in infants:
        born = today - timedelta(days=age) if age >= 0 else None
        due = today + timedelta(days=-age) if age < 0 else None
        session.add(Infant(family_id=family.id or 0, name=name, date_of_birth=born, due_date=due))
    # An expired invitation, as history a clinician would see.
    session.add(
        Invitation(
            family_id=family.id or 0,
            code_hash=codes.code_hash(codes.new_code()),
            invitee_note="First invitation (expired)",
            created_by_id=clinician.id or 0,
            created_at=utcnow() - timedelta(days=50),
            expires_at=utcnow() - timedelta(days=36),
        )
    )
    session.commit()
    return family


def _referrals(session: Session, team: Team, referrer: User) -> None:
    """The demo referrer's two referrals (once): a routine one and an urgent one, waiting in
    the team's queue."""
    if session.get(ReferrerProfile, referrer.id) is None:
        session.add(
            ReferrerProfile(
                user_id=referrer.id or 0,
                profession="health_visitor",
                organisation="Riverside Health Visiting",
            )
        )
        session.commit()
    if referrals_by(session, referrer.id or 0):
        return
    for name, language, urgency, reason in (
        ("Fatima Begum", "bn", "routine", "Low mood and tearful since the birth; finds it hard "
         "to enjoy the baby. Agreed to a referral at the 6-week visit."),
        ("Ola Adeyemi", "en", "urgent", "Very anxious, not sleeping even when the baby sleeps, "
         "frightening thoughts she does not want to talk about at home."),
    ):  # fmt: skip
        submit(
            session=session,
            referrer=referrer,
            team_id=team.id or 0,
            carer_name=name,
            carer_email=None,
            carer_phone="07700 900123",
            language=language,
            babies=[BabyIn("Baby", utcnow().date() - timedelta(days=50), None)],
            reasons=["low_mood", "anxiety"] if urgency == "urgent" else ["low_mood"],
            reason_text=reason,
            consent=True,
            urgency=urgency,
            now=utcnow(),
        )


def load_demo(session: Session) -> list[str]:
    """Create the demo team, staff, families and carers if missing; return lines to print."""
    team = team_by_name(session, TEAM) or create_team(session=session, name=TEAM)
    staff = {
        email: _user(session, email, name, role, None if role == Role.ADMIN else team.id)
        for email, name, role in STAFF
    }
    if not any(user.on_duty for user in staff.values()):
        staff[DUTY].on_duty = True
        session.add(staff[DUTY])
        session.commit()
    carer_logins: list[str] = []
    first_family: Family | None = None
    for label, clinician_email, infants, carers in FAMILIES:
        family = _family(session, team, label, staff[clinician_email], infants)
        first_family = first_family or family
        for email, name, role, other in carers:
            user = _user(session, email, name, Role.CARER, None)
            if session.exec(select(Carer).where(Carer.user_id == user.id)).first() is None:
                joined = utcnow() - timedelta(days=45)
                session.add(
                    Carer(
                        user_id=user.id or 0,
                        family_id=family.id or 0,
                        carer_role=role.value,
                        carer_role_other=other,
                        joined_at=joined,
                        consented_at=joined,
                        consent_version="2026-11",
                    )
                )
                session.commit()
            carer_logins.append(f"  carer ({role.value}, {label} family): {email}")
    new_checkins = load_demo_checkins(session, team)
    _referrals(session, team, staff["referrer@example.org"])
    _reply_templates(session, team)
    # One pending invitation with a fresh code, replacing the one from the previous run.
    assert first_family is not None
    for old in session.exec(
        select(Invitation).where(
            Invitation.invitee_note == "Demo invitation", col(Invitation.used_at).is_(None)
        )
    ):
        old.revoked_at = old.revoked_at or utcnow()
        session.add(old)
    session.commit()
    _, code = create_invitation(
        session=session,
        actor=staff["clinician@example.org"],
        family=first_family,
        invitee_note="Demo invitation",
    )
    return [
        f"Demo data ready: team {TEAM!r}. Every demo password is: {DEMO_PASSWORD}",
        *(
            f"  {role.value}: {email}" + (" (duty clinician)" if email == DUTY else "")
            for email, _name, role in STAFF
        ),
        *carer_logins,
        f"  invitation code for the {first_family.label} family: {code} (open /join)",
        f"  {new_checkins} past check-ins added (Piotr has missed two: run `flask jobs run-once`)",
    ]
