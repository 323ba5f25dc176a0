"""Journey 10 in the browser: a carer downloads their data and asks for their account to be
closed; the clinician confirms; the carer can no longer sign in; a lead still opens the
restricted record with a reason, and the audit log shows it."""

import zipfile
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.audit.models import AuditEvent
from parentapp.teams.models import Team
from tests.browser.conftest import DESKTOP, PHONE, NewContext, log_in, logged_in_page
from tests.exports.conftest import Two, two
from tests.factories import PASSWORD, Factory

__all__ = ["two"]  # the fixture, used by name


def test_download_close_confirm_and_the_restricted_record(
    new_context: NewContext, db: Session, make: Factory, two: Two, tmp_path: Path
) -> None:
    lead = make.user(Role.LEAD, db.get_one(Team, two.family.team_id), display_name="Lee Lead")
    email = two.mother.email

    phone = logged_in_page(new_context(PHONE, accept_downloads=True), email)
    phone.goto("/account")
    phone.get_by_role("link", name="See and download everything this app holds about you").click()
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Download my data").click()
    saved = tmp_path / "my-data.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert "my-data.json" in archive.namelist()

    phone.goto("/account")
    phone.get_by_role("link", name="Ask for your account to be closed").click()
    expect(phone.get_by_text("only the team's leads can open them")).to_be_visible()
    phone.locator("input[name=understood]").check()
    phone.locator("form[action='/account/close'] [type=submit]").click()
    expect(phone.get_by_role("button", name="Keep my account")).to_be_visible()

    desk = logged_in_page(new_context(DESKTOP), two.clinician.email)
    desk.goto("/flags")
    desk.get_by_role("link", name="asked to close their account").first.click()
    expect(desk.get_by_role("heading", name="Open flags")).to_be_visible()
    desk.locator("input[name=flags_reviewed]").check()
    desk.get_by_role("button", name="Close the account").click()
    expect(desk.get_by_text("Account closed. Its record is kept")).to_be_visible()

    phone.goto("/home")
    expect(phone.locator("input[name=password]")).to_be_visible()
    phone.locator("input[name=email]").fill(email)
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form:has(input[name=password]) [type=submit]").click()
    expect(phone.get_by_text("The email address or password is not right")).to_be_visible()

    office = new_context(DESKTOP).new_page()
    log_in(office, lead.email)
    office.goto("/records/restricted")
    office.get_by_role("link", name="Aisha").click()
    office.locator("textarea[name=reason]").fill("Safeguarding review requested by the court")
    office.get_by_role("button", name="Open the record").click()
    expect(office.get_by_text("Mother's own words")).to_be_visible()

    db.expire_all()
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "record.restricted_viewed")).one()
    assert event.actor_id == lead.id
    assert event.detail == "Safeguarding review requested by the court"
