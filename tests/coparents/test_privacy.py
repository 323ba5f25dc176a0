"""Each carer's answers stay their own: a second carer who joined through an approved
co-parent request sees none of the first carer's check-ins, history, notes or flags, in the
pages or the API, and the first sees none of theirs."""

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.models import CheckIn
from parentapp.families.models import Carer
from parentapp.triage.models import Flag
from tests.conftest import login
from tests.coparents.conftest import Home, requests_of
from tests.factories import PASSWORD, WEEKLY_CALM, add_schedule

FIRST_NOTE = "Aisha private worry about sleep"
SECOND_NOTE = "Omar private note about work"
# Urgent enough to raise a flag: the worst mood answer and a request to be contacted.
URGENT = {**WEEKLY_CALM, "mood": "3", "worry": "3", "contact": "true"}


@dataclass(frozen=True)
class Pair:
    first: User
    second: User
    first_checkin: int
    second_checkin: int


def _send(app: Flask, user: User, note: str) -> int:
    client = app.test_client()
    login(client, user.email)
    answers = {f"item_{k}": v for k, v in {**URGENT, "note": note}.items()}
    response = client.post("/checkins/weekly", data=answers)
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    match = re.search(r"/checkins/(\d+)/done", response.location)
    assert match is not None
    return int(match.group(1))


@pytest.fixture
def pair(app: Flask, db: Session, home: Home) -> Pair:
    """The first carer asks, the clinician approves, the second joins with the code; each
    sends an urgent check-in with a note."""
    add_schedule(db, home.carer, "weekly")
    first_checkin = _send(app, home.user, FIRST_NOTE)
    asking = app.test_client()
    login(asking, home.user.email)
    asking.post(
        "/home/invite", data={"name": "Omar", "carer_role": "father", "phone": "07700 900123"}
    )
    rid = requests_of(db, home.family)[0].id
    staff = app.test_client()
    login(staff, home.clinician.email)
    shown = staff.post(f"/families/{home.family.id}/coparent-requests/{rid}/approve")
    code = re.search(r'id="invite-code">([A-Z0-9-]+)<', shown.get_data(as_text=True))
    assert code is not None
    joining = app.test_client()
    joining.post("/join", data={"code": code.group(1)})
    joined = joining.post(
        "/join/about",
        data={
            "display_name": "Omar", "carer_role": "father", "email": "omar@example.org",
            "password": PASSWORD, "confirm": PASSWORD,
            "language": "en",
        },
    )  # fmt: skip
    assert joined.status_code == 302, joined.get_data(as_text=True)[:2000]
    joining.post("/consent", data={"agree": "y"})
    db.expire_all()
    second = db.exec(select(User).where(User.email == "omar@example.org")).one()
    carer = db.exec(select(Carer).where(Carer.user_id == second.id)).one()
    assert carer.family_id == home.family.id  # joining starts their own weekly check-in
    second_checkin = _send(app, second, SECOND_NOTE)
    flagged = db.exec(
        select(Flag.checkin_id).where(col(Flag.checkin_id).in_([first_checkin, second_checkin]))
    ).all()
    assert set(flagged) == {first_checkin, second_checkin}, "both check-ins raise a flag"
    return Pair(home.user, second, first_checkin, second_checkin)


@pytest.mark.parametrize("who", ["second", "first"])
def test_a_carer_sees_none_of_the_other_carers_answers(app: Flask, pair: Pair, who: str):
    me, other = (pair.second, pair.first) if who == "second" else (pair.first, pair.second)
    mine, theirs = (
        (pair.second_checkin, pair.first_checkin)
        if who == "second"
        else (pair.first_checkin, pair.second_checkin)
    )
    my_note, their_note = (
        (SECOND_NOTE, FIRST_NOTE) if who == "second" else (FIRST_NOTE, SECOND_NOTE)
    )
    client = app.test_client()
    login(client, me.email)

    pages = {url: client.get(url) for url in ("/home", "/checkins/history", "/checkins/summary")}
    api = {url: client.get(url) for url in ("/api/v1/session", "/api/v1/checkins/due")}

    for url, response in {**pages, **api}.items():
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert their_note not in text, url
        # The first carer's home says only that the person they asked for has joined.
        if url != "/home":
            assert other.display_name not in text, url
    assert my_note in pages["/checkins/summary"].get_data(as_text=True)
    # Their check-in by its id is not there at all; one's own is.
    assert client.get(f"/checkins/{theirs}/done").status_code == 404
    assert client.get(f"/checkins/{mine}/done").status_code == 200
    # Flags and the family's record are the team's: no carer opens them.
    flag_ids = _flag_ids(app, theirs)
    for url in ["/flags", "/clinic", *(f"/flags/{f}" for f in flag_ids)]:
        assert client.get(url).status_code == 403, url


def _flag_ids(app: Flask, checkin_id: int) -> list[int]:
    with Session(app.extensions["parentapp.engine"]) as session:
        return [f for f in session.exec(select(Flag.id).where(Flag.checkin_id == checkin_id)) if f]


def test_the_clinician_sees_both_carers_each_on_their_own(app: Flask, pair: Pair, home: Home):
    """The team reads both: each carer's check-ins under their own name on the family page."""
    staff = app.test_client()
    login(staff, home.clinician.email)
    html = staff.get(f"/families/{home.family.id}").get_data(as_text=True)
    assert "Check-ins: Aisha" in html and "Check-ins: Omar" in html


def test_each_check_in_belongs_to_its_own_carer(db: Session, pair: Pair):
    db.expire_all()
    rows = {c.id: c.carer_id for c in db.exec(select(CheckIn)).all()}
    assert rows[pair.first_checkin] != rows[pair.second_checkin]
