"""The clinician's side: asking a carer for check-ins from the family page, and stopping."""

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.audit.models import AuditEvent
from parentapp.checkins.models import Schedule
from parentapp.db import utcnow
from parentapp.families.roles import CarerRole
from parentapp.instruments.models import ImportedDefinition
from parentapp.instruments.registry import DEFINITIONS_DIR
from tests.checkins.conftest import Home
from tests.conftest import login
from tests.factories import Factory, add_schedule, carer_row


@pytest.fixture
def clinician(client: FlaskClient, home: Home) -> FlaskClient:
    login(client, home.clinician.email)
    return client


def url(home: Home, carer_id: int | None = None) -> str:
    return f"/families/{home.family.id}/carers/{carer_id or home.carer.id}/schedules"


def fields(carer_id: int, **values: str) -> dict[str, str]:
    return {f"schedule-{carer_id}-{name}": value for name, value in values.items()}


def schedules(db: Session, carer_id: int) -> dict[str, Schedule]:
    db.expire_all()
    rows = db.exec(select(Schedule).where(Schedule.carer_id == carer_id))
    return {row.instrument_id: row for row in rows}


def audit(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def mothers_only(db: Session) -> str:
    """An imported questionnaire validated for mothers only (like the EPDS in many studies)."""
    data = json.loads((DEFINITIONS_DIR / "phq2-1.0.json").read_text())
    data.update(id="mums", title="Mothers' questionnaire", short_title="Mums",
                validated_roles=["mother"])  # fmt: skip
    db.add(ImportedDefinition(instrument_id="mums", version="1.0", definition=data, sha256="0"))
    db.commit()
    return "mums"


def test_the_family_page_lists_each_carers_schedules(clinician: FlaskClient, home: Home):
    html = clinician.get(f"/families/{home.family.id}").get_data(as_text=True)

    section = html[html.index(f'id="carer-{home.carer.id}"') :]
    assert "Check-ins: Aisha" in section
    assert "Weekly check-in" in section and "Every 7 days" in section
    assert "Patient Health Questionnaire (PHQ-9)" in section
    # The add form offers the latest version of every shipped questionnaire, weekly by default.
    assert f'name="schedule-{home.carer.id}-interval_days"' in section
    assert 'value="7"' in section
    assert '<option value="gad2">' in section
    assert "role_override" not in section  # everything shipped suits every carer


@pytest.mark.parametrize("days", [1, 2, 14, 27, 28])
def test_a_clinician_asks_for_a_check_in(
    clinician: FlaskClient, db: Session, home: Home, days: int
):
    response = clinician.post(
        url(home), data=fields(home.carer.id or 0, instrument_id="phq2", interval_days=str(days))
    )

    assert response.status_code == 302
    assert response.location.endswith(f"/families/{home.family.id}#carer-{home.carer.id}")
    schedule = schedules(db, home.carer.id or 0)["phq2"]
    assert schedule.active and schedule.interval_days == days
    assert schedule.created_by_id == home.clinician.id
    assert schedule.starts_at <= utcnow()
    assert schedule.role_override is False
    [event] = audit(db, "schedule.set")
    assert event.actor_id == home.clinician.id and event.target_id == home.carer.id


@pytest.mark.parametrize("days", ["0", "29", "-1", "seven", ""])
def test_the_interval_must_be_one_to_28_days(
    clinician: FlaskClient, db: Session, home: Home, days: str
):
    response = clinician.post(
        url(home), data=fields(home.carer.id or 0, instrument_id="phq2", interval_days=days)
    )

    assert response.status_code == 400
    assert "phq2" not in schedules(db, home.carer.id or 0)
    html = response.get_data(as_text=True)
    assert f'<a href="#schedule-{home.carer.id}-interval_days">' in html


def test_an_unknown_questionnaire_is_refused(clinician: FlaskClient, db: Session, home: Home):
    response = clinician.post(
        url(home), data=fields(home.carer.id or 0, instrument_id="epds", interval_days="7")
    )

    assert response.status_code == 400
    assert "epds" not in schedules(db, home.carer.id or 0)


def test_not_validated_for_the_role_needs_the_box_ticked(
    clinician: FlaskClient, db: Session, home: Home, make: Factory, mothers_only: str
):
    father = carer_row(db, make.carer(home.family, CarerRole.FATHER, display_name="Imran"))
    add_schedule(db, father, "weekly")  # he is asked about self-harm, so may be asked this too
    data = fields(father.id or 0, instrument_id=mothers_only, interval_days="7")

    page = clinician.get(f"/families/{home.family.id}").get_data(as_text=True)
    refused = clinician.post(url(home, father.id), data=data)
    accepted = clinician.post(
        url(home, father.id), data={**data, **fields(father.id or 0, role_override="y")}
    )

    section = page[page.index(f'id="carer-{father.id}"') :]
    assert "Mothers&#39; questionnaire (not validated for Father)" in section
    assert "I know this is not validated for Father; use it anyway" in section
    assert refused.status_code == 400
    assert "is not validated for this carer&#39;s role" in refused.get_data(as_text=True)
    assert accepted.status_code == 302
    schedule = schedules(db, father.id or 0)[mothers_only]
    assert schedule.role_override is True
    after = clinician.get(f"/families/{home.family.id}").get_data(as_text=True)
    assert "Not validated for Father: chosen knowingly." in after
    assert "role-override" in (audit(db, "schedule.set")[0].detail or "")


def test_validated_for_the_role_needs_no_override(
    clinician: FlaskClient, db: Session, home: Home, mothers_only: str
):
    response = clinician.post(
        url(home), data=fields(home.carer.id or 0, instrument_id=mothers_only, interval_days="7")
    )

    assert response.status_code == 302
    assert schedules(db, home.carer.id or 0)[mothers_only].role_override is False


def test_asking_again_changes_the_interval_rather_than_doubling(
    clinician: FlaskClient, db: Session, home: Home
):
    before = schedules(db, home.carer.id or 0)["weekly"]

    clinician.post(
        url(home), data=fields(home.carer.id or 0, instrument_id="weekly", interval_days="14")
    )

    after = schedules(db, home.carer.id or 0)["weekly"]
    assert after.id == before.id and after.interval_days == 14
    assert after.starts_at == before.starts_at  # still due when it was


def test_stopping_and_starting_again(clinician: FlaskClient, db: Session, home: Home):
    weekly = home.schedules["weekly"]
    first_start = weekly.starts_at

    stopped = clinician.post(f"/families/{home.family.id}/schedules/{weekly.id}/stop")

    assert stopped.status_code == 302
    assert schedules(db, home.carer.id or 0)["weekly"].active is False
    assert len(audit(db, "schedule.stopped")) == 1
    html = clinician.get(f"/families/{home.family.id}").get_data(as_text=True)
    assert f"/schedules/{weekly.id}/stop" not in html  # no longer listed

    clinician.post(
        url(home), data=fields(home.carer.id or 0, instrument_id="weekly", interval_days="7")
    )

    restarted = schedules(db, home.carer.id or 0)["weekly"]
    assert restarted.active and restarted.id == weekly.id
    assert restarted.starts_at > first_start  # due again from now, not from before


def test_another_familys_carer_or_schedule_is_not_found(
    app: Flask, clinician: FlaskClient, db: Session, home: Home, make: Factory
):
    other_family = make.family(home.team, home.clinician)
    stranger = carer_row(db, make.carer(other_family))
    theirs = Schedule(carer_id=stranger.id or 0, instrument_id="weekly")
    db.add(theirs)
    db.commit()

    add = clinician.post(
        url(home, stranger.id),
        data=fields(stranger.id or 0, instrument_id="phq2", interval_days="7"),
    )
    stop = clinician.post(f"/families/{home.family.id}/schedules/{theirs.id}/stop")

    assert add.status_code == stop.status_code == 404
    assert set(schedules(db, stranger.id or 0)) == {"weekly"}
    assert schedules(db, stranger.id or 0)["weekly"].active


def test_a_carer_sees_a_new_schedule_on_their_home(
    app: Flask, clinician: FlaskClient, home: Home, make: Factory
):
    clinician.post(
        url(home), data=fields(home.carer.id or 0, instrument_id="gad2", interval_days="7")
    )
    carer = app.test_client()
    login(carer, home.user.email)

    assert 'href="/checkins/gad2"' in carer.get("/home").get_data(as_text=True)


def test_a_lead_of_the_team_may_set_schedules_too(
    app: Flask, db: Session, home: Home, make: Factory
):
    lead = make.user(Role.LEAD, home.team)
    client = app.test_client()
    login(client, lead.email)

    response = client.post(
        url(home), data=fields(home.carer.id or 0, instrument_id="gad2", interval_days="3")
    )

    assert response.status_code == 302
    assert schedules(db, home.carer.id or 0)["gad2"].created_by_id == lead.id


def _stop(client: FlaskClient, home: Home, schedule: Schedule):
    return client.post(f"/families/{home.family.id}/schedules/{schedule.id}/stop")


def test_stopping_the_last_self_harm_check_in_while_others_stay_is_refused(
    clinician: FlaskClient, db: Session, home: Home
):
    # home asks weekly, PHQ-9 (both ask about self-harm) and GAD-7 (does not).
    first = _stop(clinician, home, home.schedules["weekly"])
    refused = _stop(clinician, home, home.schedules["phq9"])

    assert first.status_code == 302
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "only check-in that asks about self-harm" in html
    assert "Weekly check-in" in html and "Patient Health Questionnaire (PHQ-9)" in html
    rows = schedules(db, home.carer.id or 0)
    assert rows["phq9"].active is True and rows["gad7"].active is True
    assert len(audit(db, "schedule.stopped")) == 1


def test_the_last_self_harm_check_in_stops_once_nothing_else_is_asked(
    clinician: FlaskClient, db: Session, home: Home
):
    responses = [_stop(clinician, home, home.schedules[i]) for i in ("gad7", "weekly", "phq9")]

    assert [r.status_code for r in responses] == [302, 302, 302]
    assert not any(row.active for row in schedules(db, home.carer.id or 0).values())


def test_a_check_in_without_self_harm_is_refused_for_a_carer_never_asked_it(
    clinician: FlaskClient, db: Session, home: Home, make: Factory
):
    father = carer_row(db, make.carer(home.family, CarerRole.FATHER, display_name="Imran"))
    add_schedule(db, father, "gad7")  # from before this rule

    refused = clinician.post(
        url(home, father.id), data=fields(father.id or 0, instrument_id="phq2", interval_days="7")
    )

    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "PHQ-2 does not ask about self-harm" in html
    assert "Add one that does first: " in html and "Weekly check-in" in html
    assert set(schedules(db, father.id or 0)) == {"gad7"}


def test_a_check_in_without_self_harm_is_added_once_one_that_asks_is_active(
    clinician: FlaskClient, db: Session, home: Home, make: Factory
):
    father = carer_row(db, make.carer(home.family, CarerRole.FATHER, display_name="Imran"))
    phq9 = add_schedule(db, father, "phq9")
    clinician.post(f"/families/{home.family.id}/schedules/{phq9.id}/stop")
    data = fields(father.id or 0, instrument_id="phq2", interval_days="7")

    while_stopped = clinician.post(url(home, father.id), data=data)
    clinician.post(
        url(home, father.id), data=fields(father.id or 0, instrument_id="phq9", interval_days="14")
    )
    once_active = clinician.post(url(home, father.id), data=data)

    assert while_stopped.status_code == 400
    assert once_active.status_code == 302
    assert schedules(db, father.id or 0)["phq2"].active is True


def test_stopping_a_check_in_without_self_harm_is_always_allowed(
    clinician: FlaskClient, db: Session, home: Home, make: Factory
):
    # A carer left (from before this rule) with two that do not ask: stopping either helps.
    father = carer_row(db, make.carer(home.family, CarerRole.FATHER, display_name="Imran"))
    gad7 = add_schedule(db, father, "gad7")
    add_schedule(db, father, "phq2")

    assert _stop(clinician, home, gad7).status_code == 302
