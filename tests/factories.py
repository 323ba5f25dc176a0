"""Factories that build valid objects with as little as the test cares about."""

import itertools
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from flask import Flask
from sqlmodel import Session, select

from parentapp.accounts import passwords
from parentapp.accounts.models import Role, User
from parentapp.checkins.models import Schedule
from parentapp.db import utcnow
from parentapp.families import codes
from parentapp.families.models import Carer, Family, Infant, Invitation
from parentapp.families.roles import CarerRole
from parentapp.teams.models import Team

T = TypeVar("T")
PASSWORD = "correct horse battery"

# Every item of the weekly check-in answered, nothing worrying in it.
WEEKLY_CALM = {
    "mood": "0",
    "worry": "1",
    "sleep": "1",
    "coping": "0",
    "support": "3",
    "closeness": "3",
    "self_harm": "0",
    "harm_to_baby": "0",
    "contact": "false",
    "note": "",
}
_seq = itertools.count(1)


class _Row(Protocol):
    id: int | None


def pk(row: _Row) -> int:
    """The primary key of a saved row; a row that has none was never saved, a bug in the test."""
    assert row.id is not None, f"{type(row).__name__} has not been saved"
    return row.id


class Factory:
    def __init__(self, session: Session, app: Flask | None = None) -> None:
        self.session = session
        self.app = app  # hashes passwords with this app's settings; else the current app's

    def _password_hash(self) -> str:
        if self.app is None:
            return passwords.hash_password(PASSWORD)
        with self.app.app_context():
            return passwords.hash_password(PASSWORD)

    def _save(self, obj: T) -> T:
        self.session.add(obj)
        self.session.commit()
        self.session.refresh(obj)
        return obj

    def team(self, name: str | None = None, **kw: Any) -> Team:
        return self._save(Team(name=name or f"Team {next(_seq)}", **kw))

    def user(self, role: Role | str = Role.CLINICIAN, team: Team | None = None, **kw: Any) -> User:
        n = next(_seq)
        fields: dict[str, Any] = {
            "email": f"user{n}@example.org",
            "display_name": f"Person {n}",
            "password_hash": self._password_hash(),
            "role": Role(role).value,
            "team_id": team.id if team else None,
        }
        fields.update(kw)
        return self._save(User(**fields))

    def family(self, team: Team, clinician: User, label: str | None = None, **kw: Any) -> Family:
        return self._save(
            Family(
                team_id=pk(team),
                label=label or f"Family {next(_seq)}",
                assigned_clinician_id=pk(clinician),
                **kw,
            )
        )

    def infant(self, family: Family, name: str = "Baby", **kw: Any) -> Infant:
        kw.setdefault("date_of_birth", utcnow().date() - timedelta(days=60))
        return self._save(Infant(family_id=pk(family), name=name, **kw))

    def carer(
        self,
        family: Family,
        role: CarerRole = CarerRole.MOTHER,
        consented: bool = True,
        **kw: Any,
    ) -> User:
        user = self.user(Role.CARER, **kw)
        self._save(
            Carer(
                user_id=pk(user),
                family_id=pk(family),
                carer_role=role.value,
                consented_at=utcnow() if consented else None,
                consent_version="2026-11" if consented else None,
            )
        )
        return user

    def invitation(
        self, family: Family, by: User, *, expires_in: timedelta = timedelta(days=14), **kw: Any
    ) -> tuple[Invitation, str]:
        code = codes.new_code()
        invitation = self._save(
            Invitation(
                family_id=pk(family),
                code_hash=codes.code_hash(code),
                created_by_id=pk(by),
                expires_at=utcnow() + expires_in,
                **kw,
            )
        )
        return invitation, code


def carer_row(db: Session, user: User) -> Carer:
    """The family membership row of a carer's account."""
    return db.exec(select(Carer).where(Carer.user_id == user.id)).one()


def add_schedule(db: Session, carer: Carer, instrument_id: str, **kw: Any) -> Schedule:
    """Schedule an instrument for a carer, due since yesterday unless ``starts_at`` says."""
    row = Schedule(
        carer_id=pk(carer),
        instrument_id=instrument_id,
        starts_at=kw.pop("starts_at", utcnow() - timedelta(days=1)),
        **kw,
    )
    db.add(row)
    db.commit()
    db.refresh(row)
    return row
