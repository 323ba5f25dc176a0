"""Check-ins in a real browser at phone size: a carer completes the weekly check-in, the GAD-7
and the PHQ-9; a self-harm answer brings the safety screen; history draws its chart."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import Schedule
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_registry
from parentapp.teams.contacts import add_default_contacts
from parentapp.teams.models import Team
from parentapp.triage.models import Flag
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, NewContext
from tests.factories import Factory

pytestmark = pytest.mark.browser


@pytest.fixture
def piotr(make: Factory, db: Session) -> str:
    """A demo-like father with every shipped instrument due."""
    team = make.team("Riverside Parent-Infant Team")
    add_default_contacts(db, team)
    db.commit()
    clinician = make.user(Role.CLINICIAN, team, display_name="Sam Patel")
    family = make.family(team, clinician, label="Nowak")
    make.infant(family, name="Zofia")
    user = make.carer(family, CarerRole.FATHER, display_name="Piotr")
    carer = db.exec(select(Carer).where(Carer.user_id == user.id)).one()
    db.add_all(
        Schedule(carer_id=carer.id or 0, instrument_id=i)
        for i in ("weekly", "gad7", "phq9", "phq2", "gad2")
    )
    db.commit()
    return user.email


def path_of(page: Page) -> str:
    return urlparse(page.url).path


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"{page.url} scrolls sideways: {widths}"


def answer(page: Page, instrument_id: str, choices: dict[str, int]) -> None:
    """Tick, for each question, the option at this index (0 = lowest), found as a screen
    reader finds it: the radio named by its label inside the group named by its question."""
    definition = builtin_registry().get(instrument_id)
    for link_id, index in choices.items():
        item = definition.item(link_id)
        options = [o.text for o in definition.options(item)] or ["No", "Yes"]  # yes/no items
        group = page.get_by_role("group", name=item.text, exact=True)
        group.get_by_role("radio", name=options[index], exact=True).check()


def start(page: Page, title: str) -> None:
    page.goto("/home")
    page.get_by_role("link", name=f"Start {title}").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    assert_no_horizontal_scroll(page)


def test_a_carer_completes_every_shipped_instrument_on_a_phone(
    new_context: NewContext, piotr: str, db: Session, screenshots: Path
):
    phone = new_context(PHONE).new_page()
    phone.goto("/login")
    phone.get_by_label("Email address").fill(piotr)
    phone.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("link", name="Start Weekly check-in")).to_be_visible()
    expect(
        phone.get_by_role("link", name="Start Patient Health Questionnaire (PHQ-9)")
    ).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.screenshot(path=screenshots / "checkin-home.png", full_page=True)

    # The weekly check-in, first sent with a question missed.
    start(phone, "Weekly check-in")
    expect(phone.get_by_role("heading", name="Thinking about the past week:")).to_be_visible()
    weekly = {"mood": 1, "worry": 2, "sleep": 2, "coping": 1, "support": 2, "closeness": 3,
              "self_harm": 0}  # fmt: skip
    answer(phone, "weekly", weekly)
    phone.get_by_label("Is there anything you would like your clinician to know?").fill(
        "Tired, but we are managing."
    )
    phone.get_by_role("button", name="Send my answers").click()
    summary = phone.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Please answer this question.")
    # Everything given is still there; only the missed question is marked.
    expect(
        phone.get_by_role("group", name="How often have you felt low or down?").get_by_role(
            "radio", name="On some days", exact=True
        )
    ).to_be_checked()
    expect(
        phone.get_by_label("Is there anything you would like your clinician to know?")
    ).to_have_value("Tired, but we are managing.")
    phone.screenshot(path=screenshots / "checkin-weekly-error.png", full_page=True)
    answer(phone, "weekly", {"harm_to_baby": 0, "contact": 1})
    phone.screenshot(path=screenshots / "checkin-weekly.png", full_page=True)
    phone.get_by_role("button", name="Send my answers").click()

    expect(
        phone.get_by_role("heading", name="Thank you, your answers have been sent")
    ).to_be_visible()
    expect(
        phone.get_by_text("Your clinician has been asked to get in touch with you.")
    ).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.screenshot(path=screenshots / "checkin-done.png", full_page=True)

    # The GAD-7, nothing worrying.
    start(phone, "Generalized Anxiety Disorder Assessment (GAD-7)")
    answer(phone, "gad7", {f"q{n}": 1 for n in range(1, 8)})
    expect(phone.locator(".attribution")).to_contain_text("Spitzer")
    phone.screenshot(path=screenshots / "checkin-gad7.png", full_page=True)
    phone.get_by_role("button", name="Send my answers").click()
    expect(
        phone.get_by_role("heading", name="Thank you, your answers have been sent")
    ).to_be_visible()

    # The two-question screens, one of them at its cut-off (a concern, not urgent).
    for instrument_id, title, choice in (
        ("phq2", "Patient Health Questionnaire (PHQ-2)", 0),
        ("gad2", "Generalized Anxiety Disorder Assessment (GAD-2)", 2),
    ):
        start(phone, title)
        answer(phone, instrument_id, {"q1": choice, "q2": choice})
        phone.screenshot(path=screenshots / f"checkin-{instrument_id}.png", full_page=True)
        phone.get_by_role("button", name="Send my answers").click()
        expect(
            phone.get_by_role("heading", name="Thank you, your answers have been sent")
        ).to_be_visible()
    db.expire_all()
    # The note written on the way is a flag of its own: every note is read by a person.
    assert sorted(f.category for f in db.exec(select(Flag)).all()) == [
        "anxiety",
        "contact_request",
        "note",
    ]

    # The PHQ-9 with "several days" on item 9: the safety screen, at once.
    start(phone, "Patient Health Questionnaire (PHQ-9)")
    answer(phone, "phq9", {**{f"q{n}": 1 for n in range(1, 9)}, "q9": 1, "difficulty": 1})
    phone.get_by_role("button", name="Send my answers").click()

    expect(phone.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    assert path_of(phone).endswith("/done")
    call_999 = phone.get_by_role("link", name="Call 999", exact=True)
    expect(call_999).to_have_attribute("href", "tel:999")
    expect(phone.get_by_role("link", name="Call 116 123 (Samaritans)")).to_have_attribute(
        "href", "tel:116123"
    )
    expect(phone.get_by_role("link", name="Text 85258 (Shout)")).to_have_attribute(
        "href", "sms:85258"
    )
    expect(phone.get_by_text("Nobody watches this app around the clock.")).to_be_visible()
    box = call_999.bounding_box()
    assert box is not None and box["height"] >= 48 and box["y"] < 844  # on the first screen
    assert_no_horizontal_scroll(phone)
    phone.screenshot(path=screenshots / "checkin-safety.png", full_page=True)
    db.expire_all()
    urgent = db.exec(select(Flag).where(Flag.severity == "urgent")).all()
    assert [f.category for f in urgent] == ["self_harm"]

    # Their own answers over time.
    phone.goto("/checkins/history")
    expect(phone.get_by_role("img", name="PHQ-9 total over time")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.screenshot(path=screenshots / "checkin-history.png", full_page=True)


def test_clinician_sets_up_check_ins_and_lead_sets_contacts(
    new_context: NewContext, piotr: str, make: Factory, db: Session, screenshots: Path
):
    carer = db.exec(
        select(Carer).join(User, col(User.id) == Carer.user_id).where(User.email == piotr)
    ).one()
    team_id = db.exec(select(Family.team_id).where(Family.id == carer.family_id)).one()
    lead = make.user(Role.LEAD, db.get(Team, team_id), display_name="Dr Amara Okafor")
    desk = new_context(DESKTOP).new_page()
    desk.goto("/login")
    desk.get_by_label("Email address").fill(lead.email)
    desk.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    desk.get_by_role("button", name="Log in").click()

    desk.goto(f"/families/{carer.family_id}")
    section = desk.locator(f"#carer-{carer.id}")
    expect(section.get_by_role("heading", name="Check-ins: Piotr")).to_be_visible()
    section.get_by_text("Ask for a check-in").click()
    section.get_by_label("Questionnaire").select_option("gad2")
    section.get_by_label("Every how many days").fill("14")
    section.get_by_role("button", name="Save check-in").click()
    expect(desk.get_by_text("Check-in schedule saved.")).to_be_visible()
    row = desk.locator(f"#carer-{carer.id}").get_by_role("row").filter(has_text="GAD-2")
    expect(row).to_contain_text("Every 14 days")
    desk.screenshot(path=screenshots / "clinician-family-checkins.png", full_page=True)

    desk.goto("/team/settings")
    expect(desk.get_by_role("heading", name="Crisis contacts")).to_be_visible()
    adding = desk.locator("details").filter(has_text="Add a crisis contact")
    adding.get_by_text("Add a crisis contact").click()
    adding.get_by_label("Name of the service").fill("Riverside crisis team")
    adding.get_by_label("Phone number (optional)").fill("0300 123 4567")
    adding.get_by_role("button", name="Add contact").click()
    expect(desk.get_by_text("Crisis contact added.")).to_be_visible()
    desk.get_by_role("button", name="Move up Riverside crisis team").click()
    items = desk.locator(".contact-list > li strong")
    expect(items.nth(3)).to_have_text("Riverside crisis team")
    desk.screenshot(path=screenshots / "lead-team-settings.png", full_page=True)
