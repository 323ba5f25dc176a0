"""Sharing in a real browser: a carer on a phone shares a summary; the professional, on a
desktop, opens the link from the email (read from a real SMTP server) with the code the carer
gave them; the carer sees the opening, stops the share, and the link no longer opens."""

import re
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlmodel import Session

from parentapp.accounts.models import Role
from parentapp.config import Settings
from parentapp.db import utcnow
from parentapp.families.roles import CarerRole
from parentapp.notifications.delivery import deliver_all_due
from tests.browser.conftest import DESKTOP, PHONE, NewContext, logged_in_page
from tests.browser.test_accessibility import assert_accessible
from tests.factories import Factory, add_schedule, carer_row
from tests.notifications.conftest import SmtpServer, mail_to, smtp  # noqa: F401 - the fixture
from tests.sharing.conftest import NOTE, share_for, submit, token_of


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:  # noqa: F811 - the fixture
    # The emailed link must open the live server the test runs, so its address stays.
    return mail_to(settings, smtp.port, app_base_url=settings.app_base_url)


def test_a_share_is_opened_by_its_recipient_then_stopped(
    app: Flask,
    make: Factory,
    db: Session,
    smtp: SmtpServer,  # noqa: F811 - the fixture
    new_context: NewContext,
    live_server: str,
):
    team = make.team("Riverside Perinatal Team")
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    user = make.carer(family, CarerRole.FATHER, display_name="Sam Okafor")
    carer = carer_row(db, user)
    add_schedule(db, carer, "weekly")
    submit(app, db, carer, now=utcnow() - timedelta(days=8))
    submit(app, db, carer, note=NOTE, now=utcnow() - timedelta(days=1))

    phone = logged_in_page(new_context(PHONE), user.email)
    phone.goto("/home")
    phone.get_by_role("link", name="Share a summary with a health visitor, GP or midwife").click()
    phone.get_by_label("Their name").fill("Hana Visitor")
    phone.get_by_label("Their email address").fill("hana@clinic.example")
    phone.get_by_label("Health visitor").check()
    phone.locator("input[name=instruments][value=weekly]").check()
    phone.locator("input[name=note_ids]").first.check()
    phone.get_by_role("button", name="Share and send the link").click()
    code = phone.locator("#share-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code), code

    deliver_all_due(app)
    mail = next(m for m in smtp.handler.messages if m["To"] == "hana@clinic.example")
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    found = re.search(r"(/shared/\S+)", body)
    assert found, body
    link = live_server + found.group(1)

    desk = new_context(DESKTOP).new_page()
    desk.goto(link)
    desk.get_by_label("Code").fill(code)
    desk.get_by_role("button", name="Open the summary").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Summary shared by Sam Okafor")
    expect(desk.get_by_text(NOTE)).to_be_visible()
    expect(desk.locator("nav")).to_have_count(0)

    phone.goto("/shares")
    expect(phone.get_by_text("Opened by the person you shared with on")).to_be_visible()
    phone.get_by_role("button", name="Stop this share").click()
    expect(phone.get_by_text("The share is stopped. The link no longer opens.")).to_be_visible()

    closed = desk.goto(link)
    assert closed is not None and closed.status == 410
    expect(desk.get_by_role("heading", level=1)).to_have_text("This link cannot be used")


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_sharing_pages_pass_axe(
    app: Flask, make: Factory, db: Session, new_context: NewContext, locale: str
):
    """The carer's and the clinician's sharing pages, the code page and the summary: WCAG 2.2
    AA in a left-to-right and a right-to-left language."""
    team = make.team("Riverside Perinatal Team")
    clinician = make.user(Role.CLINICIAN, team, locale=locale)
    family = make.family(team, clinician)
    user = make.carer(family, CarerRole.MOTHER, display_name="Maya Jones", locale=locale)
    carer = carer_row(db, user)
    add_schedule(db, carer, "weekly")
    submit(app, db, carer, note=NOTE, now=utcnow() - timedelta(days=1))
    created = share_for(app, db, user, carer, locale=locale)
    path = "/shared/" + token_of(app, db, created.share)

    phone = logged_in_page(new_context(PHONE, locale=locale), user.email)
    phone.goto("/shares")
    assert_accessible(phone)
    desk = logged_in_page(new_context(DESKTOP, locale=locale), clinician.email)
    desk.goto(f"/families/{family.id}/shares")
    assert_accessible(desk)
    outside = new_context(DESKTOP).new_page()
    outside.goto(path)
    expect(outside.locator("html")).to_have_attribute("lang", locale)
    assert_accessible(outside)
    outside.get_by_role("textbox").fill(created.code)
    outside.locator("main form [type=submit]").click()
    expect(outside.locator("h1")).to_contain_text("Maya Jones")
    assert_accessible(outside)
