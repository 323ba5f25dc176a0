"""A shared phone: answers saved offline belong to the account that gave them. Another carer
logged in on the same phone (without the first logging out, so the outbox is not wiped) never
sends them, nor sees them; they go, once, when their owner logs in again."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.families.models import Carer
from parentapp.families.roles import CarerRole
from parentapp.teams.contacts import add_default_contacts
from tests.browser.conftest import PHONE, NewContext
from tests.browser.test_checkins import answer
from tests.browser.test_offline import CALM, answer_offline, open_checkin, outbox, stored
from tests.factories import Factory

pytestmark = pytest.mark.browser


class Couple:
    """Two carers of one family, both asked the weekly check-in (the worst case: the
    other's session would accept the answers as its own)."""

    def __init__(self, make: Factory, db: Session) -> None:
        team = make.team("Riverside Parent-Infant Team")
        add_default_contacts(db, team)
        db.commit()
        clinician = make.user(Role.CLINICIAN, team, display_name="Sam Patel")
        family = make.family(team, clinician, label="Nowak")
        make.infant(family, name="Zofia")
        self.a = make.carer(family, CarerRole.MOTHER, display_name="Anna")
        self.b = make.carer(family, CarerRole.FATHER, display_name="Piotr")
        for user in (self.a, self.b):
            carer = self.carer(db, user)
            db.add(Schedule(carer_id=carer.id or 0, instrument_id="weekly"))
        db.commit()

    @staticmethod
    def carer(db: Session, user: User) -> Carer:
        return db.exec(select(Carer).where(Carer.user_id == user.id)).one()


@pytest.fixture
def couple(make: Factory, db: Session) -> Iterator[Couple]:
    yield Couple(make, db)


def of(db: Session, carer: Carer) -> list[CheckIn]:
    return [c for c in stored(db) if c.carer_id == carer.id]


def flush(page: Page) -> str:
    result: str = page.evaluate("window.parentappOutbox.flush()")
    return result


def switch_user(context: BrowserContext, email: str) -> Page:
    """Another person logs in on this phone without the last one logging out: the old
    session cookie is simply replaced, so nothing on the phone is wiped."""
    context.clear_cookies()
    return open_checkin(context, email)


def test_answers_wait_for_their_owner_on_a_shared_phone(
    new_context: NewContext, couple: Couple, db: Session
) -> None:
    context = new_context(PHONE)
    a_page = open_checkin(context, couple.a.email)
    answer_offline(context, a_page, {**CALM, "self_harm": 1})
    [item] = outbox(a_page)
    assert item["user_id"] == couple.a.id
    a_page.close()
    # A's cookie goes before the signal returns, so no background sync can send as A now.
    context.clear_cookies()
    context.set_offline(False)
    b_page = switch_user(context, couple.b.email)

    # B's pages send nothing of A's, and show nothing of A's answers.
    assert flush(b_page) == "done"
    expect(b_page.locator("#outbox-status")).to_be_hidden()
    assert b_page.locator('input[name="item_self_harm"]:checked').count() == 0
    b_page.goto("/home")
    flush(b_page)
    assert stored(db) == []
    assert [i["key"] for i in outbox(b_page)] == [item["key"]]

    # B's own answers, sent while A's wait, are B's alone.
    b_page.goto("/checkins/weekly")
    answer(b_page, "weekly", CALM)
    b_page.get_by_role("button", name="Send my answers").click()
    expect(
        b_page.get_by_role("heading", name="Thank you, your answers have been sent")
    ).to_be_visible()
    b_carer, a_carer = couple.carer(db, couple.b), couple.carer(db, couple.a)
    assert len(of(db, b_carer)) == 1 and of(db, a_carer) == []
    assert [i["key"] for i in outbox(b_page)] == [item["key"]]
    b_page.close()

    # A logs in again: the answers go, for A, exactly once.
    a_page = switch_user(context, couple.a.email)
    for _ in range(50):
        if of(db, a_carer):
            break
        a_page.wait_for_timeout(100)
    flush(a_page)
    flush(a_page)
    [checkin] = of(db, a_carer)
    assert checkin.idempotency_key == item["key"] and checkin.answers["self_harm"] == "1"
    assert len(of(db, b_carer)) == 1
    for _ in range(50):
        if outbox(a_page) == []:
            break
        a_page.wait_for_timeout(100)
    assert outbox(a_page) == []


def test_another_accounts_refused_answers_are_not_shown(
    new_context: NewContext, couple: Couple, db: Session
) -> None:
    """A's answers the server refused wait to be fixed by A; B's form never fills with them."""
    context = new_context(PHONE, service_workers="block")
    a_page = open_checkin(context, couple.a.email)
    answer_offline(context, a_page, {**CALM, "self_harm": 2})
    a_page.evaluate("""async () => {
      const [item] = await window.parentappOutbox.list();
      await window.parentappOutbox.put({...item, status: 'rejected',
        errors: {mood: 'Please answer this question.'}});
    }""")
    a_page.close()
    context.clear_cookies()
    context.set_offline(False)

    b_page = switch_user(context, couple.b.email)

    b_page.wait_for_load_state("load")
    flush(b_page)
    expect(b_page.locator("#outbox-status")).to_be_hidden()
    assert b_page.locator('input[name="item_self_harm"]:checked').count() == 0
    assert len(outbox(b_page)) == 1 and stored(db) == []
