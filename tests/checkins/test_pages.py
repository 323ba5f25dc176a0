"""The carer's check-in pages through the test client: due list, the form, the safety screen,
the kind confirmation, history and the printable summary."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from parentapp.checkins import carer_views
from parentapp.checkins import services as checkin_services
from parentapp.checkins.models import CheckIn
from parentapp.db import utcnow
from parentapp.teams.models import CrisisContact
from parentapp.triage.models import Flag
from parentapp.triage.rules import SELF_HARM_ANY
from tests.checkins.conftest import (
    CALM,
    GAD7_ITEMS,
    PHQ9_ITEMS,
    Home,
    all_answered,
)
from tests.conftest import login
from tests.factories import Factory, add_schedule, carer_row

FRIDAY_EVENING = datetime(2026, 11, 27, 19, 30, tzinfo=UTC)
WEDNESDAY_MORNING = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def form_data(answers: dict[str, str], **extra: str) -> dict[str, str]:
    return {**{f"item_{k}": v for k, v in answers.items()}, **extra}


@pytest.fixture
def carer(client: FlaskClient, home: Home) -> FlaskClient:
    login(client, home.user.email)
    return client


def send(client: FlaskClient, instrument_id: str, answers: dict[str, str], **extra: str) -> Any:
    return client.post(f"/checkins/{instrument_id}", data=form_data(answers, **extra))


def stored(db: Session) -> list[CheckIn]:
    db.expire_all()
    return list(db.exec(select(CheckIn).order_by(col(CheckIn.id))))


def test_home_lists_what_is_due_with_a_start_button(carer: FlaskClient):
    html = carer.get("/home").get_data(as_text=True)

    for instrument_id in ("weekly", "phq9", "gad7"):
        assert f'href="/checkins/{instrument_id}"' in html
    assert "Weekly check-in" in html and "Start" in html


def test_home_says_when_the_next_one_is_after_sending(carer: FlaskClient):
    send(carer, "weekly", CALM)

    html = carer.get("/home").get_data(as_text=True)

    assert 'href="/checkins/weekly"' not in html
    assert "Coming up" in html
    due = (utcnow() + timedelta(days=7)).astimezone(ZoneInfo("Europe/London"))
    assert re.search(rf"Weekly check-in: \w+day {due:%B} {due.day} at \d", html)


def test_the_form_is_the_whole_instrument_in_semantic_order(carer: FlaskClient):
    html = carer.get("/checkins/weekly").get_data(as_text=True)

    assert '<h2 class="recall-period">Thinking about the past week:</h2>' in html
    # Each question is a fieldset whose legend names it, so each option is announced with it.
    legends = re.findall(r"<legend>(.*?)</legend>", html)
    assert legends[0] == "How often have you felt low or down?"
    assert "Would you like your clinician to contact you?" in legends
    assert len(legends) == 9  # 8 choices and the yes/no question
    mood = html[html.index('id="item_mood"') : html.index('id="item_worry"')]
    values = re.findall(r'value="(\d)"', mood)
    assert values == ["0", "1", "2", "3"]  # lowest to highest weight
    assert mood.index("Not at all") < mood.index("Every day or almost every day")
    contact = html[html.index('id="item_contact"') :]
    assert contact.index(">No<") < contact.index(">Yes<")
    assert '<textarea id="item_note"' in html and 'maxlength="1000"' in html
    assert "Which baby" not in html  # one baby: nothing to choose
    assert 'class="attribution"' not in html  # our own questionnaire


@pytest.mark.parametrize("instrument_id", ["phq9", "gad7"])
def test_phq_and_gad_show_their_attribution(carer: FlaskClient, instrument_id: str):
    html = carer.get(f"/checkins/{instrument_id}").get_data(as_text=True)

    assert "Over the last 2 weeks" in html
    assert '<p class="attribution">Developed by Drs. Robert L. Spitzer' in html


@pytest.mark.parametrize(
    ("instrument_id", "answers"),
    [
        ("weekly", CALM),
        ("phq9", all_answered(PHQ9_ITEMS, "1", q9="0", difficulty="1")),
        ("gad7", all_answered(GAD7_ITEMS, "1")),
        ("phq2", all_answered(["q1", "q2"], "1")),
        ("gad2", all_answered(["q1", "q2"], "2")),
    ],
)
def test_each_shipped_instrument_can_be_sent(
    carer: FlaskClient, db: Session, home: Home, instrument_id: str, answers: dict[str, str]
):
    if instrument_id not in home.schedules:
        add_schedule(db, home.carer, instrument_id)

    response = send(carer, instrument_id, answers)

    [checkin] = stored(db)
    assert response.status_code == 302
    assert response.location == f"/checkins/{checkin.id}/done"
    assert checkin.instrument_id == instrument_id
    assert checkin.scores["total"]["value"] is not None
    done = carer.get(response.location).get_data(as_text=True)
    assert "Thank you, your answers have been sent" in done


def test_errors_keep_every_answer_and_say_what_is_missing(carer: FlaskClient, db: Session):
    answers = {**CALM, "mood": "", "worry": "2", "contact": "true", "note": "Tired & sad"}

    response = send(carer, "weekly", answers)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert stored(db) == []
    assert 'class="error-summary"' in html
    assert (
        '<a href="#item_mood">How often have you felt low or down? Please answer this question.</a>'
        in html
    )
    assert 'id="item_mood-error"' in html
    assert re.search(r'checked[^>]*id="item_worry-2"|id="item_worry-2"[^>]*checked', html)
    assert re.search(r'checked[^>]*id="item_contact-1"|id="item_contact-1"[^>]*checked', html)
    assert "Tired &amp; sad</textarea>" in html


def test_the_same_form_sent_twice_is_stored_once(carer: FlaskClient, db: Session):
    page = carer.get("/checkins/weekly").get_data(as_text=True)
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page)
    assert key is not None

    first = send(carer, "weekly", CALM, submission_key=key.group(1))
    second = send(carer, "weekly", CALM, submission_key=key.group(1))

    assert len(stored(db)) == 1
    assert first.location == second.location


def test_a_self_harm_answer_shows_the_safety_screen(
    carer: FlaskClient, db: Session, home: Home, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(carer_views, "utcnow", lambda: FRIDAY_EVENING)
    monkeypatch.setattr(checkin_services, "utcnow", lambda: FRIDAY_EVENING)

    response = send(carer, "weekly", {**CALM, "self_harm": "1"})
    html = carer.get(response.location).get_data(as_text=True)

    db.expire_all()
    flag = db.exec(select(Flag)).one()
    assert flag.severity == "urgent" and flag.category == "self_harm"
    assert flag.rule_id == SELF_HARM_ANY.id
    assert flag.checkin_id == stored(db)[0].id
    assert "Thank you for telling us" in html
    assert 'href="tel:999"' in html
    # The team's own contacts, in their order, as links a phone can call or text.
    first = html.index("Riverside crisis line")
    assert first < html.index("Textline")
    assert 'href="tel:08001234567"' in html and "Call 0800 123 4567" in html
    assert 'href="sms:85258"' in html
    assert "Any time, day or night" in html
    assert "Nobody watches this app around the clock." in html
    # Friday evening: the flag's due-by, four working hours from Monday 09:00.
    assert re.search(
        r"A member of your team will see this by Monday November 30 at 1:00\W+PM", html
    )
    assert "Your team works Monday to Friday, 9:00" in html
    assert "call 999 or go to your nearest A&E now" in html


def test_inside_working_hours_the_safety_screen_says_the_team_is_at_work(
    carer: FlaskClient, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(carer_views, "utcnow", lambda: WEDNESDAY_MORNING)
    monkeypatch.setattr(checkin_services, "utcnow", lambda: WEDNESDAY_MORNING)

    response = send(carer, "weekly", {**CALM, "harm_to_baby": "1"})
    html = carer.get(response.location).get_data(as_text=True)

    # The committed time is said instead of "as soon as they can": four working hours on.
    assert re.search(
        r"A member of your team will see this by Wednesday November 25 at 2:00\W+PM", html
    )
    assert "not at work right now" not in html


def test_a_team_without_contacts_still_shows_999(carer: FlaskClient, db: Session, home: Home):
    for contact in db.exec(select(CrisisContact)):
        db.delete(contact)
    db.commit()

    response = send(carer, "weekly", {**CALM, "self_harm": "2"})
    html = carer.get(response.location).get_data(as_text=True)

    assert "Emergency services" in html
    assert html.count('href="tel:999"') == 2  # the big button and the list


def test_kind_confirmation_says_what_happens_next(carer: FlaskClient, db: Session):
    response = send(carer, "weekly", {**CALM, "contact": "true", "note": "Call me"})
    html = carer.get(response.location).get_data(as_text=True)

    assert "Thank you, your answers have been sent" in html
    assert "Thank you for telling us" not in html
    assert "Your clinician has been asked to get in touch with you." in html
    assert "Your clinician will read your note." not in html
    assert "Your note will be read by" in html
    assert "Someone from your team will be in touch by" in html
    assert "Your next check-in is due" in html
    assert "when the team is at work: Monday to Friday" in html
    assert stored(db)[0].contact_requested


def test_the_done_page_shows_only_the_carers_own_check_in(
    carer: FlaskClient, db: Session, home: Home, make: Factory, app: Any
):
    location = send(carer, "weekly", CALM).location
    partner = make.carer(home.family)
    add_schedule(db, carer_row(db, partner), "weekly")
    other = app.test_client()
    login(other, partner.email)

    assert other.get(location).status_code == 404
    assert carer.get(location).status_code == 200


def test_two_babies_bring_a_which_baby_question(
    carer: FlaskClient, db: Session, home: Home, make: Factory
):
    second = make.infant(home.family, name="Bo")

    html = carer.get("/checkins/weekly").get_data(as_text=True)
    refused = send(carer, "weekly", CALM)
    accepted = send(carer, "weekly", CALM, infant_id=str(second.id))

    assert "<legend>Which baby are you thinking about?</legend>" in html
    assert refused.status_code == 400
    assert "Please choose which baby you are answering about." in refused.get_data(as_text=True)
    assert accepted.status_code == 302
    assert stored(db)[0].infant_id == second.id


def test_history_draws_a_chart_and_lists_each_check_in(carer: FlaskClient, db: Session, home: Home):
    for code in ("0", "1", "3"):
        send(carer, "phq9", all_answered(PHQ9_ITEMS, code))

    html = carer.get("/checkins/history").get_data(as_text=True)

    assert '<svg class="chart-svg"' in html and 'role="img"' in html
    assert '<title id="chart-phq9-title">PHQ-9 total over time</title>' in html
    assert "Latest: 27 out of 27." in html
    assert html.count('class="chart-dot"') == 3
    table = html[html.index("Patient Health Questionnaire (PHQ-9): your check-ins") :]
    assert table.index("27 out of 27") < table.index("9 out of 27") < table.index("0 out of 27")
    # Item 9 above "not at all" on the two higher ones: no band beside them (test_urgent_bands).
    assert table.count("See the answer about your safety") == 2
    assert "None\N{EN DASH}minimal" in table and "Severe" not in table and "Mild" not in table


def test_history_is_only_the_carers_own(
    carer: FlaskClient, db: Session, home: Home, make: Factory, app: Any
):
    send(carer, "weekly", CALM)
    partner = make.carer(home.family)
    other = app.test_client()
    login(other, partner.email)

    html = other.get("/checkins/history").get_data(as_text=True)

    assert "You have not sent any check-ins yet." in html


def test_summary_covers_four_weeks_by_default(carer: FlaskClient, db: Session, home: Home):
    from parentapp.checkins.services import submit_checkin
    from tests.checkins.conftest import CALM as calm

    with carer.application.test_request_context():
        for days_ago, mood in ((40, "3"), (10, "2")):
            submit_checkin(session=db, carer=home.carer, instrument_id="weekly",
                           answers={**calm, "mood": mood, "note": f"note {days_ago}"},
                           infant_id=None, locale="en",
                           now=utcnow() - timedelta(days=days_ago))  # fmt: skip

    html = carer.get("/checkins/summary").get_data(as_text=True)
    older = carer.get(
        f"/checkins/summary?since={(utcnow() - timedelta(days=50)).date().isoformat()}"
    ).get_data(as_text=True)

    assert "note 10" in html and "note 40" not in html
    assert "1 check-in." in html
    assert "note 40" in older and "2 check-ins." in older


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("yesterday", "Please enter a date like 2026-01-31."),
        ("2026-02-30", "Please enter a date like 2026-01-31."),
        ((utcnow() + timedelta(days=3)).date().isoformat(), "That date is in the future."),
    ],
)
def test_summary_explains_a_date_it_cannot_use(carer: FlaskClient, since: str, message: str):
    response = carer.get(f"/checkins/summary?since={since}")

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "Summary for your next appointment" in html
