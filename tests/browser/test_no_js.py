"""With JavaScript turned off, the ordinary forms do everything: a carer joins with an
invitation code, agrees, completes a check-in, meets the safety screen, reads their history and
logs out; exactly one check-in is stored."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.checkins.models import CheckIn
from parentapp.instruments.registry import builtin_registry
from parentapp.teams.contacts import add_default_contacts
from parentapp.triage.models import Flag
from tests.browser.conftest import PHONE, NewContext
from tests.factories import Factory

pytestmark = pytest.mark.browser

WEEKLY = {"mood": 2, "worry": 2, "sleep": 1, "coping": 1, "support": 1, "closeness": 2,
          "self_harm": 1, "harm_to_baby": 0, "contact": 0}  # fmt: skip


def path_of(page: Page) -> str:
    return urlparse(page.url).path


def answer(page: Page, choices: dict[str, int]) -> None:
    definition = builtin_registry().get("weekly")
    for link_id, index in choices.items():
        item = definition.item(link_id)
        options = [o.text for o in definition.options(item)] or ["No", "Yes"]
        group = page.get_by_role("group", name=item.text, exact=True)
        group.get_by_role("radio", name=options[index], exact=True).check()


def test_the_carer_journey_works_without_javascript(
    new_context: NewContext, make: Factory, db: Session, screenshots: Path
) -> None:
    team = make.team("Riverside Team")
    add_default_contacts(db, team)
    db.commit()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician, label="Okoro")
    make.infant(family, name="Ada")
    _invitation, code = make.invitation(family, clinician)

    context = new_context(PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/join")
    page.get_by_label("Invitation code").fill(code)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    page.get_by_label("Your name", exact=True).fill("Tunde")
    page.get_by_role("radio", name="Father").check()
    page.get_by_label("Email address").fill("tunde@example.org")
    page.get_by_label("Choose a password").fill("a long pass phrase")
    page.get_by_label("Type the password again").fill("a long pass phrase")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    page.get_by_label("I have read this and I agree").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Hello, Tunde")).to_be_visible()
    page.screenshot(path=screenshots / "nojs-home.png", full_page=True)
    page.get_by_role("link", name="Start Weekly check-in").click()
    expect(page.get_by_role("heading", level=1, name="Weekly check-in")).to_be_visible()
    answer(page, WEEKLY)
    page.screenshot(path=screenshots / "nojs-checkin.png", full_page=True)
    page.get_by_role("button", name="Send my answers").click()

    # A self-harm answer: the safety screen, straight from the server.
    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    assert path_of(page).endswith("/done")
    expect(page.get_by_role("link", name="Call 999", exact=True)).to_have_attribute(
        "href", "tel:999"
    )
    page.screenshot(path=screenshots / "nojs-safety.png", full_page=True)

    page.goto("/checkins/history")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path=screenshots / "nojs-history.png", full_page=True)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    assert path_of(page) == "/login"
    page.goto("/home")
    assert path_of(page) == "/login"

    checkins = db.exec(select(CheckIn)).all()
    assert len(checkins) == 1
    assert checkins[0].answers["self_harm"] == "1"
    urgent = db.exec(select(Flag).where(Flag.severity == "urgent")).all()
    assert [f.category for f in urgent] == ["self_harm"]
