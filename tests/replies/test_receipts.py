"""'Read by ...' on the carer's history comes only from a clinician of the family's team being
shown the check-in (with its audit record), and an urgent check-in is never called read until
its flag is acknowledged (docs/clinical-safety.md)."""

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.audit.models import AuditEvent
from parentapp.checkins.models import CheckIn
from parentapp.families.roles import CarerRole
from parentapp.replies.models import CheckinRead
from parentapp.replies.queries import receipts
from parentapp.triage import lifecycle
from tests.checkins.conftest import Home
from tests.factories import Factory
from tests.replies.conftest import URGENT, Browse, Staff, send


def _history(client: FlaskClient) -> str:
    response = client.get("/checkins/history")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _reads(db: Session, checkin: CheckIn) -> list[CheckinRead]:
    db.expire_all()
    return list(db.exec(select(CheckinRead).where(CheckinRead.checkin_id == checkin.id)).all())


def test_not_viewed_shows_nothing(db: Session, home: Home, browse: Browse) -> None:
    send(db, home)
    page = _history(browse(home.user))
    assert "Read by" not in page
    assert "Your team has been told" not in page


def test_opening_the_checkin_records_the_read_with_its_audit_record(
    db: Session, home: Home, browse: Browse
) -> None:
    checkin, _ = send(db, home)
    client = browse(home.clinician)
    assert client.get(f"/checkins/{checkin.id}").status_code == 200
    client.get(f"/checkins/{checkin.id}")  # a second look is not a second read

    reads = _reads(db, checkin)
    assert [r.reader_id for r in reads] == [home.clinician.id]
    audited = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "checkin.viewed", AuditEvent.target_id == checkin.id
        )
    ).all()
    assert len(audited) == 2 and all(e.actor_id == home.clinician.id for e in audited)
    assert all(e.detail is None for e in audited)


def test_non_urgent_viewed_reads_as_read_with_name_and_role(
    db: Session, home: Home, staff: Staff, browse: Browse
) -> None:
    checkin, _ = send(db, home)
    browse(home.clinician).get(f"/checkins/{checkin.id}")
    browse(staff.lead).get(f"/checkins/{checkin.id}")

    page = _history(browse(home.user))
    # The first reader is named, with their role.
    assert "Read by Sam Patel (clinician) on" in page
    assert "Lee Lead" not in page


def test_viewed_but_unacknowledged_urgent_is_not_read(
    db: Session, home: Home, browse: Browse
) -> None:
    checkin, flags = send(db, home, URGENT)
    assert any(f.severity == "urgent" for f in flags)
    client = browse(home.clinician)
    flag = next(f for f in flags if f.severity == "urgent")
    assert client.get(f"/flags/{flag.id}").status_code == 200  # the flag page shows it
    assert _reads(db, checkin)

    page = _history(browse(home.user))
    assert "Read by" not in page
    assert "Your team has been told." in page


def test_acknowledged_urgent_reads_as_read(db: Session, home: Home, browse: Browse) -> None:
    _checkin, flags = send(db, home, URGENT)
    client = browse(home.clinician)
    for flag in flags:
        client.get(f"/flags/{flag.id}")
    urgent = next(f for f in flags if f.severity == "urgent")
    lifecycle.acknowledge(session=db, actor=home.clinician, flag_id=urgent.id or 0, note=None)

    page = _history(browse(home.user))
    assert "Read by Sam Patel (clinician) on" in page
    assert "Your team has been told" not in page


def test_acknowledged_before_a_new_urgent_checkin_does_not_count(
    db: Session, home: Home, browse: Browse
) -> None:
    """The flag was acknowledged for the first urgent answers; the second urgent check-in
    retriggers it, and that one is not read until acknowledged again."""
    first, flags = send(db, home, URGENT)
    urgent = next(f for f in flags if f.severity == "urgent")
    lifecycle.acknowledge(session=db, actor=home.clinician, flag_id=urgent.id or 0, note=None)
    second, _ = send(db, home, URGENT)
    client = browse(home.clinician)
    client.get(f"/checkins/{first.id}")
    client.get(f"/checkins/{second.id}")

    found = receipts(db, [first, second])
    assert not found[first.id or 0].told
    assert found[second.id or 0].told


def test_urgent_not_viewed_still_says_the_team_was_told(db: Session, home: Home) -> None:
    checkin, _ = send(db, home, URGENT)
    assert receipts(db, [checkin])[checkin.id or 0].told


def test_admin_and_other_team_never_count_as_readers(
    db: Session, home: Home, staff: Staff, browse: Browse
) -> None:
    checkin, _ = send(db, home)
    assert browse(staff.other_team).get(f"/checkins/{checkin.id}").status_code == 404
    assert browse(staff.admin).get(f"/checkins/{checkin.id}").status_code == 403
    assert _reads(db, checkin) == []
    assert receipts(db, [checkin]) == {}


def test_a_huge_checkin_id_is_not_found(home: Home, browse: Browse) -> None:
    client = browse(home.clinician)
    assert client.get(f"/checkins/{2**63}").status_code == 404
    assert client.get("/checkins/999999").status_code == 404


def test_another_carer_of_the_family_sees_no_receipt_of_mine(
    db: Session, home: Home, make: Factory, browse: Browse
) -> None:
    checkin, _ = send(db, home)
    browse(home.clinician).get(f"/checkins/{checkin.id}")
    other = make.carer(home.family, CarerRole.FATHER)
    client = browse(other)
    page = _history(client)
    assert "Read by" not in page


def test_the_carers_own_data_lists_who_opened_their_checkin(
    app: Flask, db: Session, home: Home, browse: Browse
) -> None:
    from parentapp.db import utcnow
    from parentapp.exports.carer_record import carer_record

    checkin, _ = send(db, home)
    browse(home.clinician).get(f"/checkins/{checkin.id}")
    db.expire_all()
    with app.test_request_context():
        record = carer_record(db, home.user, home.carer, utcnow())
    assert [(v.who, v.what) for v in record.views] == [("Sam Patel", "One of your check-ins")]
