"""'Your clinician has read this' in a real browser: a clinician (desktop) opens a carer's
check-in from the family summary and sends one of the team's replies; the carer (phone) sees
"Read by ..." on their history, is told on their home page that there is a message, and
reads it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from parentapp.replies.models import ReplyTemplate
from tests.browser.conftest import DESKTOP, PHONE, NewContext, logged_in_page
from tests.checkins.conftest import Home, home  # noqa: F401 - the fixture
from tests.factories import Factory
from tests.replies.conftest import send

pytestmark = pytest.mark.browser
REPLY = "Thank you for telling us. Someone from the team will contact you soon."


def test_a_clinician_replies_and_the_carer_reads_it(
    make: Factory,
    db: Session,
    home: Home,  # noqa: F811 - the fixture
    new_context: NewContext,
    screenshots: Path,
) -> None:
    make._save(ReplyTemplate(team_id=home.team.id or 0, text=REPLY))
    checkin, _ = send(db, home)

    carer = logged_in_page(new_context(PHONE), home.user.email)
    carer.goto("/checkins/history")
    expect(carer.get_by_text("Read by")).to_have_count(0)

    clinician = logged_in_page(new_context(DESKTOP), home.clinician.email)
    clinician.goto(f"/families/{home.family.id}")
    clinician.get_by_role("link", name="Summary for the next session").click()
    clinician.locator(f"a[href='/checkins/{checkin.id}']").first.click()
    expect(clinician.get_by_role("heading", level=1)).to_contain_text("Aisha")
    clinician.get_by_label("Reply", exact=True).select_option(label=REPLY)
    clinician.get_by_role("button", name="Send reply").click()
    expect(clinician.get_by_text("Reply sent.")).to_be_visible()
    expect(clinician.locator("blockquote.team-reply")).to_contain_text(REPLY)
    clinician.screenshot(path=screenshots / "clinician-checkin-reply.png", full_page=True)

    carer.goto("/checkins/history")
    expect(carer.get_by_text("Read by Sam Patel (clinician) on").first).to_be_visible()
    expect(carer.get_by_text(REPLY).first).to_be_visible()
    carer.screenshot(path=screenshots / "carer-history-read.png", full_page=True)
    carer.goto("/home")
    section = carer.get_by_role("region", name="You have a message from your team")
    expect(section).to_be_visible()
    carer.screenshot(path=screenshots / "carer-home-message.png", full_page=True)
    section.get_by_role("link").click()
    expect(carer.get_by_role("heading", level=1)).to_have_text("Messages from your team")
    expect(carer.get_by_text(REPLY)).to_be_visible()
    carer.screenshot(path=screenshots / "carer-messages.png", full_page=True)
    carer.goto("/home")
    expect(carer.get_by_role("region", name="You have a message from your team")).to_have_count(0)
