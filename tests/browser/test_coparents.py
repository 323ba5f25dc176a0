"""Co-parents in Chromium: a carer on her phone asks the team to invite her partner; the
clinician at a desk approves; the partner's invitation email arrives at a real SMTP server
(aiosmtpd) and he joins with its code on his own phone; the first carer sees "invited", then
"joined", and neither sees the other's answers."""

import re

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlmodel import Session

from parentapp.accounts.models import Role
from parentapp.config import Settings
from parentapp.families.roles import CarerRole
from parentapp.notifications.delivery import deliver_all_due
from tests.browser.conftest import DESKTOP, PHONE, NewContext, log_in
from tests.browser.test_journeys import assert_no_horizontal_scroll
from tests.factories import Factory, add_schedule, carer_row
from tests.notifications.conftest import SmtpServer, mail_to, smtp  # noqa: F401 - the fixture


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:  # noqa: F811 - the fixture
    return mail_to(settings, smtp.port)


def test_a_carer_asks_the_clinician_approves_and_the_partner_joins_by_email(
    new_context: NewContext,
    app: Flask,
    smtp: SmtpServer,  # noqa: F811 - the fixture
    make: Factory,
    db: Session,
) -> None:
    team = make.team("Riverside Team")
    clinician = make.user(Role.CLINICIAN, team, display_name="Sam Patel")
    family = make.family(team, clinician, label="Khan")
    make.infant(family, name="Ada")
    aisha = make.carer(family, CarerRole.MOTHER, display_name="Aisha")
    add_schedule(db, carer_row(db, aisha), "weekly")

    # The first carer, on her phone.
    phone = new_context(PHONE).new_page()
    log_in(phone, aisha.email)
    phone.goto("/home")
    phone.get_by_role("link", name="Ask your team to invite another carer of your baby").click()
    expect(
        phone.get_by_role("heading", name="Ask your team to invite another carer")
    ).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.get_by_label("Their name").fill("Omar")
    phone.get_by_role("radio", name="Father").check()
    phone.get_by_label("Their email address").fill("not an address")
    phone.get_by_role("button", name="Send the request").click()
    expect(phone.get_by_text("Enter an email address like name@example.com.").first).to_be_visible()
    phone.get_by_label("Their email address").fill("omar@example.org")
    phone.get_by_label("The language they would like").select_option("pl")
    phone.get_by_role("button", name="Send the request").click()
    expect(phone.get_by_text("Your request is sent.")).to_be_visible()
    expect(phone.get_by_text("Omar: waiting for your team")).to_be_visible()
    assert_no_horizontal_scroll(phone)

    # The clinician, at a desk: told, then deciding on the family's page.
    desk = new_context(DESKTOP).new_page()
    log_in(desk, clinician.email)
    desk.goto("/flags")
    expect(desk.get_by_text("1 request to invite another carer is waiting for you")).to_be_visible()
    desk.goto(f"/families/{family.id}")
    section = desk.locator("#coparents")
    expect(section).to_contain_text("Omar")
    expect(section).to_contain_text("Asked by Aisha")
    expect(section).to_contain_text("omar@example.org")
    section.get_by_role("button", name="Approve and invite").click()
    expect(desk.get_by_text("The invitation is on its way to Omar by email.")).to_be_visible()
    expect(desk.locator("#coparents")).to_contain_text("Approved by Sam Patel")

    # The worker sends the email; it arrives at the SMTP server, in Polish.
    deliver_all_due(app)
    mail = next(m for m in smtp.handler.messages if m["To"] == "omar@example.org")
    assert mail["Content-Language"] == "pl"
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"https://parentapp\.test(/join/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", body)
    assert link, body
    assert "Riverside" not in body and "Aisha" not in body

    phone.reload()
    expect(phone.get_by_text(re.compile(r"Omar: invited on"))).to_be_visible()

    # The partner, on his own phone, with nothing but the email.
    partner = new_context(PHONE).new_page()
    partner.goto(link.group(1))
    expect(partner.get_by_role("heading", name="About you")).to_be_visible()
    partner.get_by_label("Your name", exact=True).fill("Omar")
    partner.get_by_role("radio", name="Father").check()
    partner.get_by_label("Email address").fill("omar@example.org")
    partner.get_by_label("Choose a password").fill("a long pass phrase")
    partner.get_by_label("Type the password again").fill("a long pass phrase")
    partner.get_by_role("button", name="Create my account").click()
    partner.get_by_label("I have read this and I agree").check()
    partner.get_by_role("button", name="Continue").click()
    expect(partner.get_by_role("heading", name="Hello, Omar")).to_be_visible()
    expect(partner.get_by_text("Aisha")).to_have_count(0)
    assert_no_horizontal_scroll(partner)

    phone.reload()
    expect(phone.get_by_text("Omar: joined.")).to_be_visible()
    # The code has been used: the same link no longer works for anyone else.
    stranger = new_context(PHONE).new_page()
    stranger.goto(link.group(1))
    expect(stranger.get_by_text("This invitation has already been used.").first).to_be_visible()
