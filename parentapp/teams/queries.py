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
