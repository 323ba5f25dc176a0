"""Demo check-ins: loaded twice without duplicates, and Piotr's misses raise a flag."""

from typing import Any

from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.demo import load_demo
from parentapp.families.models import Carer
from parentapp.jobs import run_jobs_once
from parentapp.teams.models import CrisisContact
from parentapp.triage.models import Flag, FlagEvent


def counts(db: Session) -> dict[str, int]:
    db.expire_all()
    models: tuple[type[Any], ...] = (CheckIn, Schedule, CrisisContact, Flag, FlagEvent)
    return {m.__name__: db.exec(select(func.count()).select_from(m)).one() for m in models}


def flags_of(db: Session, email: str) -> list[str]:
    db.expire_all()
    query = (
        select(Flag.category)
        .join(Carer, col(Carer.id) == Flag.carer_id)
        .join(User, col(User.id) == Carer.user_id)
        .where(User.email == email)
    )
    return sorted(db.exec(query).all())


def test_demo_check_ins_load_once(app: Flask, db: Session):
    with app.app_context():
        first = load_demo(db)
        after_first = counts(db)
        second = load_demo(db)

    assert counts(db) == after_first
    assert after_first["CheckIn"] >= 20 and after_first["CrisisContact"] == 4
    assert any("25 past check-ins added" in line for line in first)
    assert any(" 0 past check-ins added" in line for line in second)
    # Imran asked to be contacted and wrote a note: each is a flag someone must answer.
    assert flags_of(db, "imran@example.org") == ["contact_request", "note"]
    assert "deterioration" in flags_of(db, "jo@example.org")


def test_piotrs_missed_check_ins_raise_a_disengagement_flag(app: Flask, db: Session):
    with app.app_context():
        load_demo(db)
    assert flags_of(db, "piotr@example.org") == []

    run_jobs_once(app)
    run_jobs_once(app)

    assert flags_of(db, "piotr@example.org") == ["disengagement"]
    assert flags_of(db, "maggie@example.org") == []  # due now, nothing missed yet
