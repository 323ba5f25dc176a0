"""A referral in Chromium, from the referrer's desk to the family's phone: the referrer sends
it; the duty clinician acknowledges it, accepts it (which makes the family and its invitation)
and offers a first appointment; the carer joins with the code on their phone and sees the
steps on their home page; the referrer's emails arrive on a real SMTP server at each step and
their status page shows the same steps."""

import re
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlmodel import Session

from parentapp.accounts.models import Role
from parentapp.config import Settings
from parentapp.db import utcnow
from parentapp.notifications.delivery import deliver_all_due
from parentapp.referrals.models import ReferrerProfile
from tests.browser.conftest import DESKTOP, PHONE, NewContext, logged_in_page
from tests.browser.test_journeys import assert_no_horizontal_scroll, path_of
from tests.factories import Factory
from tests.notifications.conftest import SmtpServer, mail_to, smtp  # noqa: F401 - the fixture
from tests.notifications.mail import body_of


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:  # noqa: F811 - the fixture
    return mail_to(settings, smtp.port)


def emails_to(app: Flask, smtp: SmtpServer, address: str) -> list[str]:  # noqa: F811
    deliver_all_due(app)
    return [body_of(m) for m in smtp.handler.messages if m["To"] == address]


def test_a_referral_goes_from_the_referrer_to_the_joined_carer(
    app: Flask,
    db: Session,
    make: Factory,
    new_context: NewContext,
    smtp: SmtpServer,  # noqa: F811
) -> None:
    team = make.team("Riverside Team")
    duty = make.user(Role.CLINICIAN, team, display_name="Dee Duty", on_duty=True)
    make.user(Role.CLINICIAN, team, display_name="Cam Clinician")
    referrer = make.user(Role.REFERRER, team, display_name="Hana Visitor")
    db.add(ReferrerProfile(user_id=referrer.id or 0, profession="health_visitor"))
    db.commit()

    # The referrer, at their desk.
    desk = logged_in_page(new_context(DESKTOP), referrer.email)
    expect(desk).to_have_url(re.compile(r"/referrals$"))
    desk.get_by_role("link", name="Refer a family").first.click()
    desk.get_by_label("The parent's or carer's name").fill("Amira Khan")
    desk.get_by_label("Their email address").fill("amira@example.org")
    desk.get_by_label("The language they prefer").select_option("ar")
    desk.get_by_label("Baby's name (or 'baby' if not born yet)").fill("Noor")
    desk.get_by_label("Date of birth", exact=True).fill(
        (utcnow().date() - timedelta(days=40)).isoformat()
    )
    desk.get_by_label("Low mood or depression").check()
    desk.get_by_label("In your own words").fill("Low since the birth.")
    desk.get_by_role("button", name="Send the referral").click()
    # Without the family's agreement nothing is sent.
    expect(desk.get_by_text("Tick to confirm the family agreed").first).to_be_visible()
    desk.get_by_label("The family agreed to be referred to this team").check()
    desk.get_by_role("button", name="Send the referral").click()
    expect(desk.get_by_text("Referral sent.")).to_be_visible()
    row = desk.get_by_role("row").filter(has_text="Amira Khan")
    expect(row).to_contain_text("Received")
    number = re.search(r"R-\d{5}", row.inner_text())
    assert number is not None
    (received,) = emails_to(app, smtp, referrer.email)
    assert f"Your referral {number.group(0)} has been received by the team." in received

    # The duty clinician, at the team's desk.
    team_desk = logged_in_page(new_context(DESKTOP), duty.email)
    team_desk.get_by_role("link", name="Referrals").first.click()
    team_desk.get_by_role("link", name=number.group(0)).click()
    expect(team_desk.get_by_text("Low since the birth.")).to_be_visible()
    team_desk.get_by_role("button", name="Acknowledge: we have read it").click()
    expect(team_desk.locator("#referral-state")).to_have_text("Acknowledged")
    team_desk.get_by_label("Assigned clinician").select_option(label="Cam Clinician")
    team_desk.get_by_role("button", name="Accept the referral").click()
    code = team_desk.locator("#invite-code").inner_text()
    team_desk.go_back()
    team_desk.reload()
    expect(team_desk.locator("#referral-state")).to_have_text("Accepted")
    team_desk.get_by_label("Date of the first appointment").fill(
        (utcnow().date() + timedelta(days=7)).isoformat()
    )
    team_desk.get_by_label("Time").fill("10:30")
    team_desk.get_by_role("button", name="Record the appointment offered").click()
    expect(team_desk.locator("#referral-state")).to_have_text("First appointment offered")

    mail = emails_to(app, smtp, referrer.email)
    n = number.group(0)
    expected = [
        f"Your referral {n} has been received by the team.",
        f"Your referral {n} has been read by the team.",
        f"Your referral {n} has been accepted.",
        f"The family referred in {n} has been offered a first appointment.",
    ]
    assert len(mail) == len(expected)
    for body, sentence in zip(mail, expected, strict=True):
        assert sentence in body
    assert all("Amira" not in m and "Low since" not in m for m in mail)

    # The carer, on their phone, with the code they were given.
    phone = new_context(PHONE).new_page()
    phone.goto("/join")
    phone.locator("input[name=code]").fill(code)
    phone.locator("form:has(input[name=code]) [type=submit]").click()
    expect(phone.get_by_role("heading", name="About you")).to_be_visible()
    phone.get_by_label("Your name", exact=True).fill("Amira")
    phone.get_by_role("radio", name="Mother").check()
    phone.get_by_label("Email address").fill("amira@example.org")
    phone.get_by_label("Choose a password").fill("a long pass phrase")
    phone.get_by_label("Type the password again").fill("a long pass phrase")
    phone.get_by_role("button", name="Create my account").click()
    phone.get_by_label("I have read this and I agree").check()
    phone.get_by_role("button", name="Continue").click()
    assert path_of(phone) == "/home"
    referral = phone.locator("section", has=phone.get_by_role("heading", name="Your referral"))
    expect(referral).to_contain_text("Received on")
    expect(referral).to_contain_text("Accepted on")
    expect(referral).to_contain_text("First appointment offered on")
    expect(referral).to_contain_text("10:30")
    expect(phone.get_by_role("listitem").filter(has_text="Noor")).to_be_visible()
    assert_no_horizontal_scroll(phone)

    # The referrer sees the same steps, and nothing clinical.
    desk.goto("/referrals")
    desk.get_by_role("link", name=number.group(0)).click()
    steps = desk.locator("ol.referral-steps li")
    expect(steps).to_have_count(4)
    expect(desk.get_by_text("Low since the birth.")).to_have_count(0)
