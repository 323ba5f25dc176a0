"""The invitation journey in a real browser: a clinician on a desktop invites a carer, who
joins on a phone; plus the friendly error for a mistyped code and logout revoking the cookie."""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.audit.models import AuditEvent
from parentapp.db import utcnow
from tests.browser.conftest import DESKTOP, PHONE, NewContext, log_in
from tests.factories import Factory

pytestmark = pytest.mark.browser


def path_of(page: Page) -> str:
    return urlparse(page.url).path


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"{page.url} scrolls sideways: {widths}"


def test_clinician_invites_and_carer_joins_on_a_phone(
    new_context: NewContext, make: Factory, screenshots: Path
) -> None:
    team = make.team("Riverside Team")
    clinician = make.user(Role.CLINICIAN, team, display_name="Sam Patel")

    # Context 1: the clinician at a desk.
    desk = new_context(DESKTOP).new_page()
    log_in(desk, clinician.email)
    assert path_of(desk) == "/clinic"
    desk.get_by_role("link", name="Add a family").click()
    expect(desk.get_by_role("heading", name="Add a family")).to_be_visible()
    desk.get_by_label("Family name or reference").fill("Okoro")
    expect(desk.get_by_label("Assigned clinician")).to_have_value(str(clinician.id))
    desk.get_by_label("Baby's name or nickname").fill("Ada")
    born = (utcnow().date() - timedelta(days=30)).isoformat()
    desk.get_by_label("Date of birth").fill(born)
    desk.get_by_role("button", name="Create family").click()

    expect(desk.get_by_role("heading", name="Okoro family")).to_be_visible()
    expect(desk.get_by_text("Family created. You can now invite a carer.")).to_be_visible()
    expect(desk.get_by_role("listitem").filter(has_text="Ada")).to_be_visible()
    family_url = desk.url
    assert re.fullmatch(r"/families/\d+", path_of(desk))

    desk.get_by_label("Who is this invitation for? (optional)").fill("Dad")
    desk.get_by_role("button", name="Create invitation").click()
    expect(desk.get_by_role("heading", name="Invitation for the Okoro family")).to_be_visible()
    code = desk.locator("#invite-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    link = desk.locator("#invite-link").get_attribute("href") or ""
    assert link.endswith(f"/join/{code}")
    assert desk.locator("#invite-link").inner_text().strip() == link
    expect(desk.locator("svg.qr")).to_be_visible()
    qr = desk.locator("svg.qr").bounding_box()
    assert qr is not None and qr["width"] >= 150 and qr["height"] >= 150
    desk.screenshot(path=screenshots / "clinician-invitation.png", full_page=True)

    # Context 2: the carer on their own phone, knowing nothing but the link.
    phone = new_context(PHONE).new_page()
    phone.goto("/login")
    assert_no_horizontal_scroll(phone)
    phone.screenshot(path=screenshots / "carer-login.png", full_page=True)
    phone.goto("/join")
    assert_no_horizontal_scroll(phone)

    phone.goto(link)
    expect(phone.get_by_role("heading", name="About you")).to_be_visible()
    assert path_of(phone) == "/join/about"  # the code does not stay in the address bar
    assert_no_horizontal_scroll(phone)
    phone.get_by_label("Your name", exact=True).fill("Tunde")
    phone.get_by_role("radio", name="Father").check()
    phone.get_by_label("Email address").fill("tunde@example.org")
    phone.get_by_label("Choose a password").fill("a long pass phrase")
    phone.get_by_label("Type the password again").fill("a long pass phrase")
    phone.screenshot(path=screenshots / "carer-about.png", full_page=True)
    phone.get_by_role("button", name="Create my account").click()

    expect(phone.get_by_role("heading", name="Before you start")).to_be_visible()
    assert path_of(phone) == "/consent"
    expect(
        phone.get_by_text("Your clinician at Riverside Team reads your check-ins.")
    ).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.screenshot(path=screenshots / "carer-consent.png", full_page=True)
    phone.get_by_role("button", name="Continue").click()
    expect(
        phone.get_by_text("Tick the box to say you have read this and agree.").first
    ).to_be_visible()
    phone.get_by_label("I have read this and I agree").check()
    phone.get_by_role("button", name="Continue").click()

    expect(phone.get_by_role("heading", name="Hello, Tunde")).to_be_visible()
    assert path_of(phone) == "/home"
    expect(phone.get_by_text("Thank you. You are all set.")).to_be_visible()
    expect(phone.get_by_text("You are here as: Father")).to_be_visible()
    expect(phone.get_by_role("listitem").filter(has_text="Ada")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.screenshot(path=screenshots / "carer-home.png", full_page=True)

    # Back at the desk, the family's record shows the new carer.
    desk.goto(family_url)
    carers = desk.locator("section", has=desk.get_by_role("heading", name="Carers"))
    row = carers.get_by_role("row").filter(has_text="Tunde")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").first).to_have_text("Father")
    expect(row).to_contain_text("Yes")  # agreed to the consent screen
    invitations = desk.get_by_role("table").filter(has_text="Invitations")
    expect(invitations.get_by_role("row").filter(has_text="Dad")).to_contain_text("Used")
    desk.screenshot(path=screenshots / "clinician-family.png", full_page=True)


def test_mistyped_code_shows_a_friendly_error(new_context: NewContext, screenshots: Path) -> None:
    phone = new_context(PHONE).new_page()
    phone.goto("/join")
    phone.get_by_label("Invitation code").fill("ABCD-EFGH-JKM")  # one character short
    phone.get_by_role("button", name="Continue").click()

    message = "That code is not quite right. It has 12 letters and numbers, like ABCD-EFGH-JKMN."
    summary = phone.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text(message)
    expect(phone.locator("#code-error")).to_contain_text(message)
    expect(phone.get_by_label("Invitation code")).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_label("Invitation code")).to_have_value("ABCD-EFGH-JKM")
    assert path_of(phone) == "/join"
    assert_no_horizontal_scroll(phone)
    phone.screenshot(path=screenshots / "carer-join-error.png", full_page=True)

    # A well-formed code that was never issued gets its own plain answer.
    phone.get_by_label("Invitation code").fill("abcd efgh jkmn")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator("#code-error")).to_contain_text("We could not find that code.")


def test_logout_revokes_the_session_cookie(
    new_context: NewContext, make: Factory, db: Session
) -> None:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    desk_context = new_context(DESKTOP)
    desk = desk_context.new_page()
    log_in(desk, clinician.email)
    stolen = desk_context.cookies()
    assert any(cookie["name"] == "parentapp" for cookie in stolen)

    # While the session is live, the copied cookie alone is enough to get in...
    copy = new_context(DESKTOP)
    copy.add_cookies(stolen)  # type: ignore[arg-type]
    before = copy.new_page()
    before.goto("/clinic")
    assert path_of(before) == "/clinic"
    expect(before.get_by_role("heading", name="Families")).to_be_visible()

    desk.get_by_role("button", name="Log out").click()
    expect(desk.get_by_text("You have logged out.")).to_be_visible()
    assert path_of(desk) == "/login"
    logouts = db.exec(select(AuditEvent).where(AuditEvent.action == "logout")).all()
    assert [event.actor_id for event in logouts] == [clinician.id]

    # ...and after logout the same cookie, replayed anywhere, is refused.
    replay = new_context(DESKTOP)
    replay.add_cookies(stolen)  # type: ignore[arg-type]
    after = replay.new_page()
    after.goto("/clinic")
    assert path_of(after) == "/login"
    expect(after.get_by_role("heading", name="Log in")).to_be_visible()
    after.goto("/families/new")
    assert path_of(after) == "/login"
