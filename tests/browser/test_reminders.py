"""The reminders page in a real browser at phone size: without JavaScript the settings save;
with it, the notifications panel appears and fails gracefully (Chromium's real push service is
out of reach here; push delivery itself is tested against a fake service in tests/reminders)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.config import Settings
from parentapp.families.models import Carer
from parentapp.reminders.cli import new_vapid_keys
from tests.browser.conftest import PHONE, NewContext, logged_in_page
from tests.factories import Factory

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(settings: Settings) -> Settings:
    public, private = new_vapid_keys()
    return settings.with_(
        vapid_public_key=public, vapid_private_key=private, vapid_subject="mailto:ops@example.org"
    )


@pytest.fixture
def carer_email(make: Factory) -> str:
    team = make.team("Riverside")
    clinician = make.user(Role.CLINICIAN, team)
    return make.carer(make.family(team, clinician), display_name="Amira").email


def test_settings_save_without_javascript(
    new_context: NewContext, carer_email: str, db: Session, screenshots: Path
) -> None:
    page = logged_in_page(new_context(PHONE, java_script_enabled=False), carer_email)
    page.get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminders")
    # Without JavaScript there is no notifications button: reminders come by email.
    expect(page.get_by_role("button", name="Turn on notifications on this phone")).to_be_hidden()
    page.screenshot(path=str(screenshots / "reminders-no-js.png"), full_page=True)

    page.get_by_label("Quiet from").fill("21:00")
    page.get_by_label("Quiet until").fill("07:30")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").first).to_contain_text("Your reminder settings are saved.")
    db.expire_all()
    carer = db.exec(select(Carer)).one()
    assert (str(carer.quiet_start), str(carer.quiet_end)) == ("21:00:00", "07:30:00")


def test_notifications_panel_with_javascript(
    new_context: NewContext, carer_email: str, screenshots: Path
) -> None:
    context = new_context(PHONE, permissions=["notifications"])
    page = logged_in_page(context, carer_email)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/reminders")

    on = page.get_by_role("button", name="Turn on notifications on this phone")
    expect(on).to_be_visible()
    page.screenshot(path=str(screenshots / "reminders.png"), full_page=True)
    on.click()

    # The push service cannot be reached from the test machine: the page says so, in words.
    expect(page.locator("#push-status")).to_have_text(
        "That did not work. Please check your connection and try again.", timeout=20_000
    )
    assert errors == []
