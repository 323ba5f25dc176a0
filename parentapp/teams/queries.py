"""Reads about teams and their clinicians."""

from sqlmodel import Session, col, select

from parentapp.accounts.models import CLINICAL_ROLES, Role, User
from parentapp.teams.models import Team


def all_teams(session: Session) -> list[Team]:
    return list(session.exec(select(Team).order_by(col(Team.name))).all())


def team_by_name(session: Session, name: str) -> Team | None:
    return session.exec(select(Team).where(Team.name == name.strip())).first()


def team_clinicians(session: Session, team_id: int) -> list[User]:
    """Active clinicians and leads of a team, by name."""
    return list(
        session.exec(
            select(User)
            .where(
                User.team_id == team_id,
                col(User.role).in_([r.value for r in CLINICAL_ROLES]),
                col(User.active).is_(True),
            )
            .order_by(col(User.display_name))
        ).all()
    )


def duty_clinician(session: Session, team_id: int) -> User | None:
    """The team's duty clinician, if one is set and still active."""
    return session.exec(
        select(User).where(
            User.team_id == team_id,
            col(User.on_duty).is_(True),
            col(User.active).is_(True),
            col(User.role).in_([r.value for r in CLINICAL_ROLES]),
        )
    ).first()


def team_leads(session: Session, team_id: int) -> list[User]:
    """Active team leads, by name."""
    return [user for user in team_clinicians(session, team_id) if user.role == Role.LEAD.value]


def without_lead_or_duty(session: Session, team: Team) -> bool:
    """No active lead and no duty clinician: an unacknowledged urgent flag then goes to every
    clinician of the team at once, which the admin and the team's settings should fix."""
    assert team.id is not None
    return duty_clinician(session, team.id) is None and not team_leads(session, team.id)


def teams_without_lead_or_duty(session: Session) -> list[Team]:
    return [team for team in all_teams(session) if without_lead_or_duty(session, team)]
