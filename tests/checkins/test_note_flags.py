"""A note sent through the carer's form raises a flag someone must read; worrying words make
it urgent and show the safety screen at once. Bad input changes nothing."""

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.checkins.models import CheckIn
from parentapp.triage.models import Flag
from parentapp.triage.vocab import Category
from tests.checkins.conftest import CALM, Home
from tests.conftest import login


@pytest.fixture
def carer(client: FlaskClient, home: Home) -> FlaskClient:
    login(client, home.user.email)
    return client


def _send(client: FlaskClient, note: str) -> tuple[int, str]:
    data = {f"item_{k}": v for k, v in {**CALM, "note": note}.items()}
    response = client.post("/checkins/weekly", data=data)
    if response.status_code != 302:
        return response.status_code, response.get_data(as_text=True)
    return 302, client.get(response.location).get_data(as_text=True)


def _note_flags(db: Session) -> list[Flag]:
    db.expire_all()
    return list(db.exec(select(Flag).where(Flag.category == Category.NOTE)).all())


def test_a_note_raises_a_flag_for_the_team_to_read(carer: FlaskClient, db: Session) -> None:
    status, html = _send(carer, "Tired but we are OK")
    [flag] = _note_flags(db)
    assert (status, flag.severity, flag.state, flag.rule_id) == (
        302,
        "concern",
        "open",
        "note-written",
    )
    assert flag.due_at is not None
    assert "Thank you for telling us" not in html


@pytest.mark.parametrize(
    "note",
    [
        "I want to die",
        "some days I think about killing myself",
        "Chcę umrzeć",
        "أريد أن أموت",
        "মরে যেতে ইচ্ছে করে",
    ],
)
def test_worrying_words_in_a_note_show_the_safety_screen(
    carer: FlaskClient, db: Session, note: str
) -> None:
    status, html = _send(carer, note)
    [flag] = _note_flags(db)
    assert flag.severity == "urgent"
    assert status == 302 and "Thank you for telling us" in html
    assert 'href="tel:999"' in html


def test_a_note_over_its_length_is_refused_and_nothing_is_stored(
    carer: FlaskClient, db: Session
) -> None:
    status, html = _send(carer, "I want to die " * 100)
    assert status == 400
    assert "Please keep this under 1,000 characters." in html
    db.expire_all()
    assert db.exec(select(CheckIn)).all() == [] and _note_flags(db) == []


def test_a_note_in_any_script_is_stored_and_judged(carer: FlaskClient, db: Session) -> None:
    note = "میں بہت تھک گئی ہوں 🙂 ‏שלום 你好 \u200f"
    status, _ = _send(carer, note)
    assert status == 302
    db.expire_all()
    [row] = db.exec(select(CheckIn)).all()
    assert row.note == note.strip()
    assert [f.severity for f in _note_flags(db)] == ["concern"]


def test_the_dashboard_lists_the_note_flag_with_its_language(
    client: FlaskClient, db: Session, home: Home
) -> None:
    login(client, home.user.email)
    client.post("/language", data={"language": "pl"})
    data = {f"item_{k}": v for k, v in {**CALM, "note": "Jestem zmęczona"}.items()}
    assert client.post("/checkins/weekly", data=data).status_code == 302
    client.post("/logout")
    login(client, home.clinician.email)
    html = client.get("/flags").get_data(as_text=True)
    assert "A note to read" in html and "(written in Polish)" in html
    [flag] = _note_flags(db)
    page = client.get(f"/flags/{flag.id}").get_data(as_text=True)
    assert "Written in Polish" in page and 'lang="pl"' in page and "Jestem zmęczona" in page


def _crisis_shown(html: str) -> bool:
    start = html.index('id="offline-crisis"')
    tag = html[start : html.index(">", start)]
    return "hidden" not in tag


def test_worrying_words_in_a_refused_note_still_show_where_to_get_help(
    carer: FlaskClient, db: Session
) -> None:
    """A note too long to store raised no flag: the carer is shown the crisis numbers now."""
    status, html = _send(carer, "I want to die " * 100)
    assert status == 400 and _crisis_shown(html)
    status, html = _send(carer, "a calm week " * 100)
    assert status == 400 and not _crisis_shown(html)


def test_a_worrying_answer_on_a_refused_form_still_shows_where_to_get_help(
    carer: FlaskClient,
) -> None:
    answers = {**CALM, "self_harm": "1"}
    del answers["mood"]  # a required answer missing: the form comes back to fix
    response = carer.post("/checkins/weekly", data={f"item_{k}": v for k, v in answers.items()})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and _crisis_shown(html)
    assert 'href="tel:999"' in html
    calm = dict(CALM)
    del calm["mood"]
    response = carer.post("/checkins/weekly", data={f"item_{k}": v for k, v in calm.items()})
    assert not _crisis_shown(response.get_data(as_text=True))


def test_control_characters_in_a_note_are_dropped_and_the_note_is_still_judged(
    carer: FlaskClient, db: Session
) -> None:
    # PostgreSQL refuses a NUL in text: it must never turn a worrying note into an error page.
    status, html = _send(carer, "I want\x00 to die\x07\ttoday\r\nsorry")
    assert status == 302 and "Thank you for telling us" in html
    db.expire_all()
    [row] = db.exec(select(CheckIn)).all()
    assert row.note == "I want to die\ttoday\r\nsorry"
    assert [f.severity for f in _note_flags(db)] == ["urgent"]
