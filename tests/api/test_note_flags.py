"""A note sent through the JSON API (the phone's offline outbox replays the same request)
raises a flag someone must read; worrying words make it urgent with the safety block."""

import pytest
from sqlmodel import Session, select

from parentapp.triage.models import Flag
from parentapp.triage.vocab import Category
from tests.api.conftest import CALM, Home, checkins_of, submit
from tests.api.schema_check import ApiClient


def _note_flags(db: Session) -> list[Flag]:
    db.expire_all()
    return list(db.exec(select(Flag).where(Flag.category == Category.NOTE)).all())


@pytest.mark.parametrize(
    ("note", "severity"),
    [
        ("Tired but OK", "concern"),
        ("I keep thinking about suicide", "urgent"),
        ("I might hurt the baby", "urgent"),
    ],
)
def test_a_note_through_the_api_raises_a_note_flag(
    api: ApiClient, db: Session, home: Home, note: str, severity: str
) -> None:
    body = submit(api, {**CALM, "note": note}).get_json()
    [flag] = _note_flags(db)
    assert flag.severity == severity
    assert body["urgent"] is (severity == "urgent")
    assert ("safety" in body) is (severity == "urgent")


def test_an_offline_replay_of_a_worrying_note_is_one_check_in_and_one_flag(
    api: ApiClient, db: Session, home: Home
) -> None:
    answers = {**CALM, "note": "I want to die"}
    first = submit(api, answers, key="outbox-0001")
    again = submit(api, answers, key="outbox-0001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["urgent"] is True
    assert len(checkins_of(db, home.carer)) == 1
    [flag] = _note_flags(db)
    assert (flag.severity, flag.trigger_count) == ("urgent", 1)


def test_a_second_worrying_note_on_an_acknowledged_note_flag_reopens_it(
    api: ApiClient, db: Session, home: Home
) -> None:
    submit(api, {**CALM, "note": "I want to die"}, key="k-1")
    [flag] = _note_flags(db)
    flag.state = "acknowledged"
    db.add(flag)
    db.commit()
    submit(api, {**CALM, "note": "still thinking about ending my life"}, key="k-2")
    [flag] = _note_flags(db)
    assert (flag.state, flag.trigger_count) == ("open", 2)
