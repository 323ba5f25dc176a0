"""Response times and escalation: an urgent flag nobody acknowledges goes to the duty
clinician at its due-by, then to the team lead one working hour later. Tested at, just before
and just after each moment, with the clock passed in."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from parentapp.audit.models import AuditEvent
from parentapp.leave.models import Leave
from parentapp.notifications.models import Notification
from parentapp.teams.models import TeamClosure
from parentapp.triage import lifecycle
from parentapp.triage.escalation import escalate_due
from parentapp.triage.models import Flag, FlagEvent
from tests.factories import Factory, pk
from tests.triage.flagged import Flagged, build, send

SECOND = timedelta(seconds=1)
# Monday 23 November 2026, 10:00 in London (GMT): the team (Mon-Fri 09:00-17:00) is at work.
RAISED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # four working hours later
TO_LEAD = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # one working hour after that


@pytest.fixture
def world(make: Factory, db: Session) -> Flagged:
    world = build(make, db)
    world.colleague.on_duty = True
    db.add(world.colleague)
    db.commit()
    return world


def urgent_flag(app: Flask, db: Session, world: Flagged, at: datetime = RAISED) -> Flag:
    [flag] = send(app, db, world.carer, now=at, self_harm="2")
    return flag


def run(app: Flask, db: Session, now: datetime) -> str:
    summary = escalate_due(app, now)
    db.expire_all()
    return summary


def escalations(db: Session, flag: Flag) -> list[tuple[int | None, list[int] | None]]:
    rows = db.exec(
        select(FlagEvent)
        .where(FlagEvent.flag_id == flag.id, FlagEvent.kind == "escalated")
        .order_by(col(FlagEvent.id))
    ).all()
    return [(e.level, e.recipient_ids) for e in rows]


def notices(db: Session, kind: str = "flag_escalated") -> list[tuple[int, str]]:
    rows = db.exec(
        select(Notification).where(Notification.kind == kind).order_by(col(Notification.id))
    ).all()
    return [(n.recipient_id, n.channel) for n in rows]


def test_an_urgent_flag_is_due_four_working_hours_after_it_was_raised(
    app: Flask, db: Session, world: Flagged
) -> None:
    assert urgent_flag(app, db, world).due_at == DUE


def test_an_urgent_flag_raised_on_friday_evening_is_due_on_monday(
    app: Flask, db: Session, world: Flagged
) -> None:
    friday_evening = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    flag = urgent_flag(app, db, world, at=friday_evening)
    assert flag.due_at == datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def test_a_request_to_be_contacted_is_due_eight_working_hours_later(
    app: Flask, db: Session, world: Flagged
) -> None:
    # Its own response time (team setting, default 8 working hours), not the concern days.
    [flag] = send(app, db, world.carer, now=RAISED, contact="true")
    assert flag.severity == "concern"
    assert flag.due_at == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_the_team_lead_s_response_time_is_used(app: Flask, db: Session, world: Flagged) -> None:
    world.team.urgent_response_hours = 2
    db.add(world.team)
    db.commit()
    assert urgent_flag(app, db, world).due_at == RAISED + timedelta(hours=2)


def test_nothing_escalates_just_before_the_due_by(app: Flask, db: Session, world: Flagged) -> None:
    flag = urgent_flag(app, db, world)
    run(app, db, DUE - SECOND)
    assert escalations(db, flag) == []
    stored = db.get(Flag, flag.id)
    assert stored is not None and stored.escalation_level == 0


def test_at_the_due_by_it_escalates_to_the_duty_clinician(
    app: Flask, db: Session, world: Flagged
) -> None:
    flag = urgent_flag(app, db, world)
    summary = run(app, db, DUE)

    assert "1 flag(s) escalated to the duty clinician" in summary
    assert escalations(db, flag) == [(1, [world.colleague.id])]
    stored = db.get(Flag, flag.id)
    assert stored is not None and stored.escalation_level == 1 and stored.escalated_at == DUE
    assert notices(db) == [(world.colleague.id, "in_app"), (world.colleague.id, "email")]
    audit = db.exec(select(AuditEvent).where(AuditEvent.action == "flag.escalated")).all()
    assert [(a.target_id, a.actor_id) for a in audit] == [(flag.id, None)]


def test_a_second_run_does_not_escalate_again(app: Flask, db: Session, world: Flagged) -> None:
    flag = urgent_flag(app, db, world)
    run(app, db, DUE)
    run(app, db, DUE + timedelta(minutes=5))
    assert escalations(db, flag) == [(1, [world.colleague.id])]
    assert len(notices(db)) == 2


def test_one_working_hour_later_it_escalates_to_the_lead(
    app: Flask, db: Session, world: Flagged
) -> None:
    flag = urgent_flag(app, db, world)
    run(app, db, DUE)
    run(app, db, TO_LEAD - SECOND)
    assert escalations(db, flag) == [(1, [world.colleague.id])]

    run(app, db, TO_LEAD)
    assert escalations(db, flag) == [(1, [world.colleague.id]), (2, [world.lead.id])]
    assert (world.lead.id, "email") in notices(db)

    # The lead is the last step: nothing more happens, however long it waits.
    run(app, db, TO_LEAD + timedelta(days=3))
    assert len(escalations(db, flag)) == 2


def test_an_acknowledged_flag_does_not_escalate(app: Flask, db: Session, world: Flagged) -> None:
    flag = urgent_flag(app, db, world)
    with app.test_request_context():
        lifecycle.acknowledge(
            session=db, actor=world.clinician, flag_id=flag.id or 0, note=None, now=DUE - SECOND
        )
    run(app, db, DUE + timedelta(hours=5))
    assert escalations(db, flag) == []


def test_acknowledging_after_the_duty_step_stops_the_lead_step(
    app: Flask, db: Session, world: Flagged
) -> None:
    flag = urgent_flag(app, db, world)
    run(app, db, DUE)
    with app.test_request_context():
        lifecycle.acknowledge(
            session=db, actor=world.colleague, flag_id=flag.id or 0, note=None, now=DUE
        )
    run(app, db, TO_LEAD + SECOND)
    assert escalations(db, flag) == [(1, [world.colleague.id])]


def test_a_concern_never_escalates(app: Flask, db: Session, world: Flagged) -> None:
    # A note (concern): a request to be contacted escalates like an urgent flag (see below).
    [flag] = send(app, db, world.carer, now=RAISED, note="A hard week")
    assert (flag.category, flag.severity) == ("note", "concern")
    run(app, db, RAISED + timedelta(days=30))
    assert escalations(db, flag) == []


def test_without_a_duty_clinician_it_goes_straight_to_the_lead(
    app: Flask, db: Session, world: Flagged
) -> None:
    world.colleague.on_duty = False
    db.add(world.colleague)
    db.commit()
    flag = urgent_flag(app, db, world)
    run(app, db, DUE)
    assert escalations(db, flag) == [(2, [world.lead.id])]


def test_a_duty_clinician_who_owns_the_flag_is_skipped(
    app: Flask, db: Session, world: Flagged
) -> None:
    world.colleague.on_duty = False
    world.clinician.on_duty = True
    db.add_all([world.colleague, world.clinician])
    db.commit()
    flag = urgent_flag(app, db, world)
    run(app, db, DUE)
    assert escalations(db, flag) == [(2, [world.lead.id])]


def test_a_duty_clinician_on_leave_is_replaced_by_their_cover(
    app: Flask, db: Session, world: Flagged, make: Factory
) -> None:
    cover = make.user("clinician", world.team, display_name="Cover Person")
    db.add(
        Leave(
            team_id=world.team.id or 0,
            user_id=world.colleague.id or 0,
            cover_id=cover.id or 0,
            starts_on=DUE.date(),
            ends_on=DUE.date(),
            created_by_id=world.colleague.id or 0,
        )
    )
    db.commit()
    flag = urgent_flag(app, db, world)
    run(app, db, DUE)
    assert escalations(db, flag) == [(1, [cover.id])]


def test_a_team_without_a_lead_escalates_to_every_clinician_of_the_team_not_administrators(
    app: Flask, db: Session, world: Flagged, make: Factory
) -> None:
    admin = make.user("admin")
    world.lead.active = False
    world.colleague.on_duty = False
    db.add_all([world.lead, world.colleague])
    db.commit()
    flag = urgent_flag(app, db, world)
    run(app, db, DUE)
    # The holder already has it: the rest of the team is told; never an administrator.
    assert escalations(db, flag) == [(2, [world.colleague.id])]
    assert admin.id not in {recipient for recipient, _kind in notices(db)}


def test_a_team_whose_holder_is_its_only_clinician_still_tells_the_holder(
    app: Flask, db: Session, world: Flagged, make: Factory
) -> None:
    make.user("admin")
    for user in (world.lead, world.colleague):
        user.active = False
        user.on_duty = False
        db.add(user)
    db.commit()
    flag = urgent_flag(app, db, world)
    run(app, db, DUE)
    assert escalations(db, flag) == [(2, [world.clinician.id])]


def test_the_flag_page_shows_the_escalation(
    app: Flask, db: Session, world: Flagged, make: Factory
) -> None:
    from tests.conftest import login

    flag = urgent_flag(app, db, world)
    run(app, db, DUE)
    client = app.test_client()
    login(client, world.clinician.email)
    page = client.get(f"/flags/{flag.id}").get_data(as_text=True)
    assert "to the duty clinician" in page
    assert "Jo Okafor" in page


def test_two_workers_on_postgresql_escalate_a_flag_once(
    app: Flask, db: Session, world: Flagged, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks: one worker runs there")
    import threading

    from parentapp.triage import escalation

    flag = urgent_flag(app, db, world)
    barrier = threading.Barrier(2, timeout=30)
    real = escalation._candidates

    def both_find_it(session: Session, now: datetime) -> list[int]:
        found = real(session, now)
        barrier.wait()  # both workers have seen the flag as due before either locks it
        return found

    monkeypatch.setattr(escalation, "_candidates", both_find_it)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            escalate_due(app, DUE)
        except BaseException as error:  # reported to the test thread below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.expire_all()
    assert errors == []
    assert escalations(db, flag) == [(1, [world.colleague.id])]
    assert len(notices(db)) == 2


# Public holidays and closure days (issue 10: promises the team can keep).
CHRISTMAS_EVE = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)  # Thursday; Friday 25th a holiday


def test_an_urgent_flag_raised_the_day_before_a_holiday_is_due_after_it(
    app: Flask, db: Session, world: Flagged
) -> None:
    # Two working hours on Christmas Eve; Christmas Day and Boxing Day (observed Monday 28th)
    # are not working days in England; the last two hours on Tuesday 29th.
    flag = urgent_flag(app, db, world, at=CHRISTMAS_EVE)
    assert flag.due_at == datetime(2026, 12, 29, 11, 0, tzinfo=UTC)


def test_st_andrews_day_counts_in_england_but_not_in_scotland(
    app: Flask, db: Session, world: Flagged
) -> None:
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # Monday 30th is St Andrew's Day
    assert urgent_flag(app, db, world, at=friday).due_at == datetime(
        2026, 11, 30, 12, 0, tzinfo=UTC
    )
    world.team.nation = "SCT"
    db.add(world.team)
    db.commit()
    [flag] = send(app, db, world.other_carer, now=friday, self_harm="2")
    assert flag.due_at == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_a_closure_day_is_skipped_by_the_due_by(app: Flask, db: Session, world: Flagged) -> None:
    db.add(
        TeamClosure(
            team_id=pk(world.team),
            day=date(2026, 11, 24),
            reason="Training",
            created_by_id=pk(world.lead),
        )
    )
    db.commit()
    # Monday 10:00 + four working hours is 14:00 the same day (closure on Tuesday: no effect).
    assert urgent_flag(app, db, world).due_at == DUE
    # Monday 16:00: one hour on Monday, none on Tuesday (closed), three on Wednesday.
    [flag] = send(app, db, world.other_carer, now=datetime(2026, 11, 23, 16, 0, tzinfo=UTC),
                  self_harm="2")  # fmt: skip
    assert flag.due_at == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_a_note_is_due_one_working_day_later_and_after_the_holiday(
    app: Flask, db: Session, world: Flagged
) -> None:
    [flag] = send(app, db, world.carer, now=CHRISTMAS_EVE, note="A hard week")
    assert (flag.category, flag.severity) == ("note", "concern")
    # Two hours on Christmas Eve, the other six on Tuesday 29th.
    assert flag.due_at == datetime(2026, 12, 29, 15, 0, tzinfo=UTC)


def test_an_unacknowledged_contact_request_escalates_at_its_due_by(
    app: Flask, db: Session, world: Flagged
) -> None:
    [flag] = send(app, db, world.carer, now=RAISED, contact="true")
    due = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # eight working hours
    assert flag.due_at == due

    run(app, db, due - SECOND)
    assert escalations(db, flag) == []
    run(app, db, due)
    assert escalations(db, flag) == [(1, [world.colleague.id])]
    run(app, db, due + timedelta(hours=1) - SECOND)
    assert len(escalations(db, flag)) == 1
    run(app, db, due + timedelta(hours=1))
    assert escalations(db, flag)[1:] == [(2, [world.lead.id])]


def test_an_acknowledged_contact_request_does_not_escalate(
    app: Flask, db: Session, world: Flagged
) -> None:
    [flag] = send(app, db, world.carer, now=RAISED, contact="true")
    with app.test_request_context():
        lifecycle.acknowledge(
            session=db, actor=world.clinician, flag_id=flag.id or 0, note=None,
            now=RAISED + timedelta(hours=1),
        )  # fmt: skip
    run(app, db, RAISED + timedelta(days=5))
    assert escalations(db, flag) == []
