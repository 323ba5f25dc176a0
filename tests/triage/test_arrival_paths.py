"""The safety properties hold whichever way an answer arrives: the check-in form, the API, and
an offline replay (the phone's outbox sending the same answers again with the key the page gave
it, as after a lost response). For any answers: a non-zero self-harm or harm-to-baby answer
raises an urgent flag of that category, emailed and shown in the app to the family's clinician
at once; worrying words in a note make the note's flag urgent; any note is a flag; nothing
worrying means no urgent flag; and the check-in is stored exactly once."""

import secrets
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role
from parentapp.checkins.models import CheckIn
from parentapp.families.models import Carer
from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_definitions
from parentapp.instruments.schema import Definition
from parentapp.notifications.models import Channel, Notification
from parentapp.text import without_controls
from parentapp.triage.models import Flag
from parentapp.triage.phrases import screen
from parentapp.triage.rules import RULES
from parentapp.triage.vocab import Category, Severity
from tests.conftest import login
from tests.factories import Factory, add_schedule, carer_row

WEEKLY = next(d for d in builtin_definitions() if d.id == "weekly")
PHQ9 = next(d for d in builtin_definitions() if (d.id, d.version) == ("phq9", "1.0"))
URGENT_NOTE_PHRASES = frozenset().union(
    *(rule.phrases for rule in RULES if rule.category == Category.NOTE and rule.phrases)
)
NOTES = st.sampled_from(
    [
        "",
        "A calm week.",
        "I want to die",
        "Sometimes I think about hurting myself.",
        "I might hurt the baby",
        "Chcę umrzeć",
        "We slept badly but we are fine.",
    ]
) | st.text(max_size=80)


def _codes(link_id: str, definition: Definition = WEEKLY) -> st.SearchStrategy[str]:
    item = definition.item(link_id)
    return st.sampled_from([option.code for option in definition.options(item)])


WEEKLY_ANSWERS = st.fixed_dictionaries(
    {
        **{
            item.link_id: _codes(item.link_id)
            for item in WEEKLY.items
            if item.type.value == "choice"
        },
        "contact": st.sampled_from(["true", "false"]),
        "note": NOTES,
    }
)
PHQ9_ANSWERS = st.fixed_dictionaries(
    {item.link_id: _codes(item.link_id, PHQ9) for item in PHQ9.items if item.type.value == "choice"}
)

Send = Callable[[FlaskClient, str, dict[str, str]], None]


def _form(client: FlaskClient, instrument_id: str, answers: dict[str, str]) -> None:
    page = client.get(f"/checkins/{instrument_id}").get_data(as_text=True)
    marker = 'name="submission_key" type="hidden" value="'
    key = page[page.index(marker) + len(marker) :].split('"', 1)[0]
    data = {f"item_{k}": v for k, v in answers.items()} | {"submission_key": key}
    response = client.post(f"/checkins/{instrument_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]


def _api(client: FlaskClient, instrument_id: str, answers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/checkins",
        json={"instrument_id": instrument_id, "answers": answers},
        headers={"Idempotency-Key": secrets.token_urlsafe(16)},
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:800]


def _offline_replay(client: FlaskClient, instrument_id: str, answers: dict[str, str]) -> None:
    version = client.get(f"/api/v1/instruments/{instrument_id}").get_json()["version"]
    body = {"instrument_id": instrument_id, "instrument_version": version, "answers": answers}
    headers = {"Idempotency-Key": secrets.token_urlsafe(16)}
    first = client.post("/api/v1/checkins", json=body, headers=headers)
    again = client.post("/api/v1/checkins", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200), first.get_data(as_text=True)


PATHS: dict[str, Send] = {"form": _form, "api": _api, "offline_replay": _offline_replay}


def _new_carer(make: Factory, db: Session, instrument_id: str) -> tuple[Carer, int, str]:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    make.infant(family, name="Ada")
    user = make.carer(family, CarerRole.MOTHER)
    carer = carer_row(db, user)
    add_schedule(db, carer, instrument_id)
    return carer, clinician.id or 0, user.email


def _check(
    app: Flask,
    make: Factory,
    db: Session,
    path: str,
    instrument_id: str,
    answers: dict[str, str],
) -> None:
    carer, owner_id, email = _new_carer(make, db, instrument_id)
    client = app.test_client()
    login(client, email)
    sent = {k: v for k, v in answers.items() if v != ""}
    PATHS[path](client, instrument_id, sent)

    db.expire_all()
    checkins = db.exec(select(CheckIn).where(CheckIn.carer_id == carer.id)).all()
    assert len(checkins) == 1
    flags = {f.category: f for f in db.exec(select(Flag).where(Flag.carer_id == carer.id)).all()}
    urgent = {c for c, f in flags.items() if f.severity == Severity.URGENT}
    expected: set[Category] = set()
    for link_id, category in (("self_harm", Category.SELF_HARM), ("q9", Category.SELF_HARM)):
        if answers.get(link_id, "0") != "0":
            expected.add(category)
    if answers.get("harm_to_baby", "0") != "0":
        expected.add(Category.HARM_TO_BABY)
    # Control characters are dropped from a note (parentapp/text.py): what is left is the note.
    note = without_controls(answers.get("note") or "").strip()
    if note and screen(note) & URGENT_NOTE_PHRASES:
        expected.add(Category.NOTE)
    assert urgent == expected, (answers, flags)
    if note:
        assert Category.NOTE in flags
    if answers.get("harm_to_baby", "0") != "0":
        assert flags[Category.HARM_TO_BABY].safeguarding
    for category in expected:
        flag = flags[category]
        assert flag.owner_id == owner_id
        channels = set(
            db.exec(
                select(Notification.channel).where(
                    Notification.flag_id == flag.id, col(Notification.recipient_id) == owner_id
                )
            ).all()
        )
        assert channels == {Channel.IN_APP, Channel.EMAIL}


PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("path", list(PATHS))
def test_weekly_answers_flag_the_same_whichever_way_they_arrive(
    app: Flask, make: Factory, db: Session, path: str
) -> None:
    @PROPERTY
    @given(answers=WEEKLY_ANSWERS)
    def check(answers: dict[str, str]) -> None:
        _check(app, make, db, path, "weekly", answers)

    check()


@pytest.mark.parametrize("path", list(PATHS))
def test_phq9_answers_flag_the_same_whichever_way_they_arrive(
    app: Flask, make: Factory, db: Session, path: str
) -> None:
    @PROPERTY
    @given(answers=PHQ9_ANSWERS)
    def check(answers: dict[str, str]) -> None:
        _check(app, make, db, path, "phq9", answers)

    check()
