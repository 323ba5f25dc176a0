"""A repeat urgent answer is a new urgent event, and harm-to-baby flags are kept per baby.

Before: a self-harm answer on an open or acknowledged flag only raised a counter, so the
clinician who had acknowledged last week's answer never heard of this week's.
"""

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlmodel import Session, col, select

from parentapp.checkins.services import submit_checkin
from parentapp.families.queries import infants_of
from parentapp.notifications.models import Notification
from parentapp.triage.escalation import escalate_due
from parentapp.triage.lifecycle import acknowledge
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.response import due_by
from parentapp.triage.vocab import Category
from tests.factories import Factory
from tests.triage.flagged import CALM, Flagged, build, send

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # at work in London
TUESDAY = MONDAY + timedelta(days=1)


def _flag(db: Session, carer_id: int | None, category: str) -> Flag:
    db.expire_all()
    return db.exec(select(Flag).where(Flag.carer_id == carer_id, Flag.category == category)).one()


def _events(db: Session, flag: Flag) -> list[str]:
    rows = db.exec(
        select(FlagEvent.kind).where(FlagEvent.flag_id == flag.id).order_by(col(FlagEvent.id))
    )
    return list(rows.all())


def _notices(db: Session, flag: Flag, kind: str) -> list[tuple[int, str]]:
    rows = db.exec(
        select(Notification).where(Notification.flag_id == flag.id, Notification.kind == kind)
    ).all()
    return sorted((n.recipient_id, n.channel) for n in rows)


def test_an_urgent_answer_on_an_acknowledged_flag_reopens_it(
    app: Flask, db: Session, make: Factory
) -> None:
    world = build(make, db)
    send(app, db, world.carer, now=MONDAY, self_harm="1")
    flag = _flag(db, world.carer.id, Category.SELF_HARM)
    acknowledge(session=db, actor=world.clinician, flag_id=flag.id or 0, note=None, now=MONDAY)

    send(app, db, world.carer, now=TUESDAY, self_harm="2")

    flag = _flag(db, world.carer.id, Category.SELF_HARM)
    assert flag.state == "open"
    assert flag.acknowledged_at is None and flag.acknowledged_by_id is None
    assert flag.due_at == due_by(world.team, "urgent", TUESDAY)
    assert flag.escalation_level == 0
    assert flag.trigger_count == 2
    assert _events(db, flag) == ["opened", "acknowledged", "reopened"]
    # The owner hears of it at once, in the app and by email.
    owner = world.clinician.id or 0
    assert _notices(db, flag, "flag_repeat") == [(owner, "email"), (owner, "in_app")]


def test_an_urgent_answer_on_an_open_urgent_flag_tells_the_owner_again(
    app: Flask, db: Session, make: Factory
) -> None:
    world = build(make, db)
    send(app, db, world.carer, now=MONDAY, self_harm="1")
    first_due = _flag(db, world.carer.id, Category.SELF_HARM).due_at
    send(app, db, world.carer, now=MONDAY + timedelta(hours=1), self_harm="3")
    flag = _flag(db, world.carer.id, Category.SELF_HARM)
    assert flag.state == "open"
    # The earlier promise stands: a second answer never puts the escalation off.
    assert flag.due_at == first_due
    owner = world.clinician.id or 0
    assert _notices(db, flag, "flag_repeat") == [(owner, "email"), (owner, "in_app")]
    assert _events(db, flag) == ["opened", "retriggered"]


def test_a_calm_check_in_on_an_acknowledged_flag_changes_nothing(
    app: Flask, db: Session, make: Factory
) -> None:
    world = build(make, db)
    send(app, db, world.carer, now=MONDAY, self_harm="1")
    flag = _flag(db, world.carer.id, Category.SELF_HARM)
    acknowledge(session=db, actor=world.clinician, flag_id=flag.id or 0, note=None, now=MONDAY)
    send(app, db, world.carer, now=TUESDAY)
    flag = _flag(db, world.carer.id, Category.SELF_HARM)
    assert flag.state == "acknowledged"
    assert _notices(db, flag, "flag_repeat") == []


def test_escalation_restarts_after_a_reopen(app: Flask, db: Session, make: Factory) -> None:
    world = build(make, db)
    world.colleague.on_duty = True
    db.add(world.colleague)
    db.commit()
    send(app, db, world.carer, now=MONDAY, self_harm="1")
    # Nobody acknowledged in time: it went to the duty clinician, who then acknowledged it.
    escalate_due(app, now=MONDAY + timedelta(hours=4))
    flag = _flag(db, world.carer.id, Category.SELF_HARM)
    assert flag.escalation_level == 1
    acknowledge(session=db, actor=world.colleague, flag_id=flag.id or 0, note=None, now=MONDAY)

    send(app, db, world.carer, now=TUESDAY, self_harm="2")
    flag = _flag(db, world.carer.id, Category.SELF_HARM)
    assert (flag.escalation_level, flag.escalated_at) == (0, None)
    new_due = due_by(world.team, "urgent", TUESDAY)
    escalate_due(app, now=new_due - timedelta(seconds=1))
    assert _flag(db, world.carer.id, Category.SELF_HARM).escalation_level == 0
    escalate_due(app, now=new_due)
    assert _flag(db, world.carer.id, Category.SELF_HARM).escalation_level == 1


def _about(
    app: Flask, db: Session, world: Flagged, infant_id: int, now: datetime, harm: str
) -> None:
    with app.test_request_context():
        submit_checkin(
            session=db,
            carer=world.carer,
            instrument_id="weekly",
            answers={**CALM, "harm_to_baby": harm},
            infant_id=infant_id,
            locale="en",
            now=now,
        )


def test_harm_to_baby_flags_are_kept_per_baby(app: Flask, db: Session, make: Factory) -> None:
    world = build(make, db)
    make.infant(world.family, name="Ben")
    babies = sorted(i.id or 0 for i in infants_of(db, world.family.id or 0))
    assert len(babies) == 2
    _about(app, db, world, babies[0], MONDAY, "1")
    _about(app, db, world, babies[1], MONDAY + timedelta(hours=1), "2")
    _about(app, db, world, babies[0], MONDAY + timedelta(hours=2), "1")
    db.expire_all()
    flags = db.exec(
        select(Flag)
        .where(Flag.carer_id == world.carer.id, Flag.category == Category.HARM_TO_BABY)
        .order_by(col(Flag.id))
    ).all()
    assert [(f.infant_id, f.trigger_count, f.safeguarding) for f in flags] == [
        (babies[0], 2, True),
        (babies[1], 1, True),
    ]
    # The second baby's flag was told to its owner as a new urgent flag, not merged away.
    assert _notices(db, flags[1], "flag_opened") == [
        (world.clinician.id or 0, "email"),
        (world.clinician.id or 0, "in_app"),
    ]


def test_flags_of_other_categories_are_not_split_by_baby(
    app: Flask, db: Session, make: Factory
) -> None:
    world = build(make, db)
    make.infant(world.family, name="Ben")
    babies = sorted(i.id or 0 for i in infants_of(db, world.family.id or 0))
    for n, baby in enumerate(babies):
        with app.test_request_context():
            submit_checkin(
                session=db,
                carer=world.carer,
                instrument_id="weekly",
                answers={**CALM, "self_harm": "1"},
                infant_id=baby,
                locale="en",
                now=MONDAY + timedelta(hours=n),
            )
    db.expire_all()
    [flag] = db.exec(
        select(Flag).where(Flag.carer_id == world.carer.id, Flag.category == Category.SELF_HARM)
    ).all()
    assert (flag.infant_id, flag.infant_key, flag.trigger_count) == (None, 0, 2)
