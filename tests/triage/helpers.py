"""Builders for the triage tests: definitions made for a test, answers that score a given
total, and stored check-ins and schedules."""

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from parentapp.accounts.models import User
from parentapp.checkins.judging import checkin_context
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_registry
from parentapp.instruments.results import ScaleScore
from parentapp.instruments.schema import Definition
from parentapp.instruments.scoring import item_value, score
from parentapp.triage.evaluate import Context, evaluate
from parentapp.triage.models import Flag
from parentapp.triage.rules import RULESET_VERSION
from parentapp.triage.services import apply_decisions
from tests.factories import pk

FREQUENCY = [
    {"code": str(weight), "text": text, "weight": weight}
    for weight, text in enumerate(["Not at all", "Several days", "More than half", "Nearly all"])
]


def definition(id: str = "test", **overrides: Any) -> Definition:
    """A small definition: seven frequency items (the last tagged self_harm), a contact item,
    one scale "total" with cut-off 10 (7 for fathers), reliable change 5, category mood."""
    data: dict[str, Any] = {
        "id": id,
        "version": "1.0",
        "title": "Test instrument",
        "short_title": "Test",
        "recall_period": "Over the last 2 weeks:",
        "licence": {"status": "own", "statement": "test"},
        "source": "test",
        "languages": {"en": {"validated": True}},
        "answer_sets": {"frequency": FREQUENCY},
        "items": [
            {"link_id": f"q{n}", "text": f"Item {n}", "type": "choice", "answer_set": "frequency"}
            for n in range(1, 7)
        ]
        + [
            {
                "link_id": "q7",
                "text": "Self-harm item",
                "type": "choice",
                "answer_set": "frequency",
                "tags": ["self_harm"],
            },
            {
                "link_id": "contact",
                "text": "Contact me",
                "type": "boolean",
                "required": False,
                "tags": ["contact_request"],
            },
        ],
        "scales": [
            {
                "id": "total",
                "title": "Total",
                "items": ["q1", "q2", "q3", "q4", "q5", "q6", "q7"],
                "cutoff": {
                    "value": 10,
                    "source": "test",
                    "by_role": {"father": 7},
                    "by_role_source": "test",
                },
                "reliable_change": 5,
                "category": "mood",
            }
        ],
    }
    data.update(overrides)
    return Definition.model_validate(data)


def builtin(instrument_id: str) -> Definition:
    return builtin_registry().get(instrument_id)


def answers_totalling(
    defn: Definition, total: int, *, keep: dict[str, str] | None = None
) -> dict[str, str]:
    """Answers whose first scale totals ``total``: safety-tagged items score 0 (or as ``keep``
    says), the others are filled from the first item up (reverse-scoring respected)."""
    keep = dict(keep or {})
    scale = defn.scales[0]
    answers: dict[str, str] = {}
    remaining = total - sum(item_value(defn, k, code) for k, code in keep.items())
    for link_id in scale.items:
        item = defn.item(link_id)
        codes = {item_value(defn, link_id, o.code): o.code for o in defn.options(item)}
        if link_id in keep:
            answers[link_id] = keep[link_id]
        elif item.tags:
            answers[link_id] = codes[0]
        else:
            value = min(max(codes), max(remaining, 0))
            answers[link_id] = codes[value]
            remaining -= value
    assert remaining == 0, f"cannot reach {total} on {defn.id}"
    return answers


def context(
    defn: Definition,
    answers: dict[str, str],
    role: CarerRole = CarerRole.MOTHER,
    **kw: Any,
) -> Context:
    return Context(
        definition=defn,
        answers=answers,
        scores=score(defn, answers, role),
        carer_role=role,
        **kw,
    )


def carer_of(db: Session, user: User) -> Carer:
    return db.exec(select(Carer).where(Carer.user_id == user.id)).one()


def store_checkin(
    db: Session,
    carer: Carer,
    defn: Definition,
    answers: dict[str, str],
    *,
    at: datetime | None = None,
    commit: bool = True,
) -> tuple[CheckIn, dict[str, ScaleScore]]:
    scores = score(defn, answers, CarerRole(carer.carer_role))
    checkin = CheckIn(
        carer_id=pk(carer),
        family_id=carer.family_id,
        instrument_id=defn.id,
        instrument_version=defn.version,
        ruleset_version=RULESET_VERSION,
        locale="en",
        submitted_at=at or utcnow(),
        answers=answers,
        scores={scale_id: s.as_json() for scale_id, s in scores.items()},
    )
    db.add(checkin)
    db.flush()
    if commit:
        db.commit()
    return checkin, scores


def schedule(
    db: Session, carer: Carer, instrument_id: str = "weekly", *, started_days_ago: float = 0
) -> Schedule:
    row = Schedule(
        carer_id=pk(carer),
        instrument_id=instrument_id,
        interval_days=7,
        starts_at=utcnow() - timedelta(days=started_days_ago),
    )
    db.add(row)
    db.commit()
    return row


def family_of(db: Session, carer: Carer) -> Family:
    family = db.get(Family, carer.family_id)
    assert family is not None
    return family


def submit(
    db: Session,
    carer: Carer,
    family: Family,
    defn: Definition,
    answers: dict[str, str],
    *,
    at: datetime | None = None,
) -> list[Flag]:
    """What a check-in submission does: judge against the earlier check-ins, store, flag,
    commit once."""
    scores = score(defn, answers, CarerRole(carer.carer_role))
    decisions = evaluate(
        checkin_context(db, carer=carer, definition=defn, answers=answers, scores=scores)
    )
    checkin, _ = store_checkin(db, carer, defn, answers, at=at, commit=False)
    flags = apply_decisions(
        session=db, carer=carer, family=family, checkin=checkin, decisions=decisions, now=at
    )
    db.commit()
    return flags
