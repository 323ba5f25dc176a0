"""Offline check-ins in a real browser at phone size: answers given without a signal wait on the
phone, survive a reload, and are sent exactly once when the signal returns; a stale CSRF token,
a refused submission and logging out are handled as the carer needs."""

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.families.models import Carer
from parentapp.families.roles import CarerRole
from parentapp.teams.contacts import add_default_contacts
from tests import factories
from tests.browser.conftest import PHONE, NewContext
from tests.browser.test_checkins import answer
from tests.factories import Factory

pytestmark = pytest.mark.browser

PENDING = "Saved on this phone, waiting to send"
CALM = {"mood": 1, "worry": 1, "sleep": 1, "coping": 1, "support": 2, "closeness": 3,
        "self_harm": 0, "harm_to_baby": 0}  # fmt: skip
# Every item of the outbox, read straight from IndexedDB (works on a page without outbox.js).
READ_OUTBOX = """() => new Promise((resolve, reject) => {
  const request = indexedDB.open('parentapp-outbox');
  request.onupgradeneeded = () => request.result.createObjectStore('checkins', {keyPath: 'key'});
  request.onerror = () => reject(request.error);
  request.onsuccess = () => {
    const db = request.result;
    const read = db.transaction('checkins').objectStore('checkins').getAll();
    read.onsuccess = () => { db.close(); resolve(read.result); };
  };
})"""


@pytest.fixture
def email(make: Factory, db: Session) -> str:
    team = make.team("Riverside Parent-Infant Team")
    add_default_contacts(db, team)
    db.commit()
    clinician = make.user(Role.CLINICIAN, team, display_name="Sam Patel")
    family = make.family(team, clinician, label="Nowak")
    make.infant(family, name="Zofia")
    user = make.carer(family, CarerRole.FATHER, display_name="Piotr")
    carer = db.exec(select(Carer).where(Carer.user_id == user.id)).one()
    db.add(Schedule(carer_id=carer.id or 0, instrument_id="weekly"))
    db.commit()
    return user.email


def stored(db: Session) -> list[CheckIn]:
    db.expire_all()
    return list(db.exec(select(CheckIn)).all())


def outbox(page: Page) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = page.evaluate(READ_OUTBOX)
    return items


def open_checkin(context: BrowserContext, email: str) -> Page:
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/checkins/weekly")
    expect(page.get_by_role("heading", level=1, name="Weekly check-in")).to_be_visible()
    return page


def answer_offline(context: BrowserContext, page: Page, choices: dict[str, int]) -> None:
    context.set_offline(True)
    answer(page, "weekly", choices)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text(PENDING)


def test_a_check_in_answered_offline_is_sent_once_when_the_signal_returns(
    new_context: NewContext, email: str, db: Session, screenshots: Path
) -> None:
    context = new_context(PHONE)
    page = open_checkin(context, email)
    # The service worker must hold the offline page before the signal goes.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    crisis = page.get_by_role("region", name="If you or your baby are in danger now")

    context.set_offline(True)
    expect(crisis).to_be_hidden()
    # A worrying answer given offline: the numbers at once, as no flag can be raised yet.
    answer(page, "weekly", {**CALM, "self_harm": 1})
    expect(crisis).to_be_visible()
    expect(crisis.get_by_role("link", name="Call 999", exact=True)).to_have_attribute(
        "href", "tel:999"
    )
    expect(crisis).to_contain_text("NHS 111")
    expect(crisis.get_by_role("link", name="Call 116 123 (Samaritans)")).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text(PENDING)
    page.screenshot(path=screenshots / "offline-waiting.png", full_page=True)
    [item] = outbox(page)
    assert item["answers"]["self_harm"] == "1" and stored(db) == []
    # Only what sending needs is kept, with the version shown and whose answers they are.
    assert set(item) == {"key", "instrument_id", "instrument_version", "user_id", "answers",
                         "infant_id", "locale", "created_at", "status", "errors"}  # fmt: skip
    assert item["instrument_version"] == "1.0"
    assert item["user_id"] == db.exec(select(User.id).where(User.email == email)).one()

    # A reload without a signal: the service worker's offline page says the answers still wait.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This phone is not connected to the internet"
    )
    expect(page.locator("#outbox-waiting")).to_contain_text(PENDING)
    page.screenshot(path=screenshots / "offline-page-waiting.png", full_page=True)
    assert stored(db) == []

    # The signal returns: the online event sends them, and the page says so.
    context.set_offline(False)
    sent = page.locator("#outbox-sent")
    expect(sent).to_contain_text("Sent. Your answers have reached your team.")
    page.screenshot(path=screenshots / "offline-sent.png", full_page=True)
    # The notice can show a moment before the local copy is deleted: give it a little time.
    for _ in range(50):
        if outbox(page) == []:
            break
        page.wait_for_timeout(100)
    assert outbox(page) == []
    [checkin] = stored(db)
    assert checkin.idempotency_key == item["key"] and checkin.answers["self_harm"] == "1"
    # Urgent: the link leads to the safety screen.
    sent.get_by_role("link", name="Please open this page now: it says where to get help").click()
    expect(page.get_by_role("heading", level=1, name="Thank you for telling us")).to_be_visible()
    # Another trigger (the online event, a visit) sends nothing twice.
    page.goto("/checkins/weekly")
    page.evaluate("window.parentappOutbox.flush()")
    assert len(stored(db)) == 1


def test_a_stale_csrf_token_does_not_stop_the_sending(
    new_context: NewContext, email: str, db: Session, app: Flask
) -> None:
    context = new_context(PHONE)
    page = open_checkin(context, email)
    old_token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    answer_offline(context, page, CALM)

    # The session's token is gone (as after it expired), the page still holds the old one.
    name = app.config["SESSION_COOKIE_NAME"]
    [cookie] = [c for c in context.cookies() if c["name"] == name]
    interface = app.session_interface  # Flask's own signed-cookie sessions
    assert isinstance(interface, SecureCookieSessionInterface)
    serializer = interface.get_signing_serializer(app)
    assert serializer is not None  # None only without a secret key
    data = serializer.loads(cookie["value"])
    assert data.pop("csrf_token")
    context.add_cookies(
        [
            {
                "name": name,
                "value": serializer.dumps(data),
                "domain": cookie["domain"],
                "path": cookie["path"],
                "httpOnly": cookie["httpOnly"],
                "sameSite": cookie["sameSite"],
            }
        ]
    )
    refused = context.request.post(
        "/api/v1/checkins",
        data={"instrument_id": "weekly", "answers": {}},
        headers={"X-CSRFToken": old_token or "", "Idempotency-Key": "stale"},
    )
    assert refused.status == 400 and refused.json()["error"] == "csrf_failed"

    context.set_offline(False)  # the online event sends, with a fresh token
    expect(page.get_by_role("status")).to_contain_text("Sent.")
    assert len(stored(db)) == 1 and outbox(page) == []


def test_a_refused_submission_is_shown_to_fix_not_dropped(
    new_context: NewContext, email: str, db: Session
) -> None:
    context = new_context(PHONE)
    page = open_checkin(context, email)
    answer_offline(context, page, CALM)
    # Spoil the waiting answers (as an old page or a changed questionnaire might).
    page.evaluate("""async () => {
      const [item] = await window.parentappOutbox.list();
      item.answers.mood = null;
      await window.parentappOutbox.put(item);
    }""")

    context.set_offline(False)
    status = page.get_by_role("status")
    expect(status).to_contain_text("Your saved answers could not be sent.")
    expect(status).to_contain_text(
        "How often have you felt low or down? Please answer this question."
    )
    [item] = outbox(page)
    assert item["status"] == "rejected" and "mood" in item["errors"] and stored(db) == []
    # The answers are back in the form; the carer fixes the one missing and sends again.
    worry = page.get_by_role("group", name="How often have you felt worried or anxious?")
    expect(worry.get_by_role("radio", name="On some days", exact=True)).to_be_checked()
    answer(page, "weekly", {"mood": 1})
    page.get_by_role("button", name="Send my answers").click()

    expect(
        page.get_by_role("heading", name="Thank you, your answers have been sent")
    ).to_be_visible()
    [checkin] = stored(db)
    assert checkin.idempotency_key != item["key"] and outbox(page) == []


def test_logout_empties_the_outbox(new_context: NewContext, email: str, db: Session) -> None:
    context = new_context(PHONE)
    page = open_checkin(context, email)
    answer_offline(context, page, CALM)
    assert len(outbox(page)) == 1
    page.evaluate("""async () => {
      const [item] = await window.parentappOutbox.list();
      await window.parentappOutbox.put({...item, status: 'rejected'});
    }""")  # kept through going online, so it is there at logout
    context.set_offline(False)

    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    assert outbox(page) == []
    assert stored(db) == []


def test_answers_are_kept_when_the_signal_drops_during_sending(
    new_context: NewContext, email: str, db: Session
) -> None:
    """The phone thinks it is online, but the form's POST never arrives."""
    context = new_context(PHONE, service_workers="block")
    page = open_checkin(context, email)
    page.route("**/checkins/weekly", lambda route: route.abort("internetdisconnected"))
    # The outbox tries again at once (the phone believes it is online): that fails too.
    page.route("**/api/v1/**", lambda route: route.abort("internetdisconnected"))
    answer(page, "weekly", CALM)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text(PENDING)
    assert len(outbox(page)) == 1 and stored(db) == []

    page.unroute("**/checkins/weekly")
    page.unroute("**/api/v1/**")
    page.evaluate("window.dispatchEvent(new Event('online'))")

    expect(page.get_by_role("status")).to_contain_text("Sent.")
    expect(page.get_by_role("link", name="See what happens next")).to_be_visible()
    assert len(stored(db)) == 1 and outbox(page) == []


def test_waiting_answers_are_sent_from_any_carer_page(
    new_context: NewContext, email: str, db: Session
) -> None:
    context = new_context(PHONE, service_workers="block")
    page = open_checkin(context, email)
    answer_offline(context, page, CALM)
    page.route("**/api/v1/**", lambda route: route.abort())  # nothing sent from this page
    context.set_offline(False)
    expect(page.get_by_role("status")).to_contain_text(PENDING)
    assert stored(db) == []
    other = context.new_page()

    other.goto("/home")

    for _ in range(50):
        if stored(db):
            break
        other.wait_for_timeout(200)
    assert len(stored(db)) == 1 and outbox(other) == []
