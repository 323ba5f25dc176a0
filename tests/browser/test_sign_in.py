"""Signing in, in Chromium: a new clinician cannot open /flags until they have set up an
authenticator app, then signs in with a code from it; another enrols a passkey with Chromium's
virtual authenticator and signs in with it alone; a carer and a clinician each reset a
forgotten password from the link in a real email, after which a copied session cookie no
longer works."""

import re
import time

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from parentapp.accounts.models import Role
from parentapp.config import Settings
from parentapp.notifications.delivery import deliver_all_due
from tests.browser.conftest import DESKTOP, PHONE, NewContext, log_in
from tests.factories import Factory
from tests.notifications.conftest import SmtpServer, smtp  # noqa: F401 - the fixture
from tests.signin.conftest import as_in_production, code_now, enrol

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:  # noqa: F811 - the fixture
    return as_in_production(settings, smtp.port)


def test_a_new_clinician_enrols_an_authenticator_and_signs_in_with_it(
    new_context: NewContext, make: Factory
) -> None:
    clinician = make.user(Role.CLINICIAN, make.team(), display_name="Nia New")
    page = new_context(DESKTOP).new_page()
    log_in(page, clinician.email)
    expect(page).to_have_url(re.compile(r"/account/second-factor/setup$"))
    page.goto("/flags")
    expect(page).to_have_url(re.compile(r"/account/second-factor/setup$"))
    expect(page.locator(".qr-code svg")).to_be_visible()

    secret = page.locator("code.secret-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.locator("input[name=code]").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes code")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    page.goto("/flags")
    expect(page).to_have_url(re.compile(r"/flags$"))

    page.locator("form[action='/logout'] [type=submit]").first.click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    log_in(page, clinician.email)
    expect(page).to_have_url(re.compile(r"/login/second-factor$"))
    page.locator("input[name=code]").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not right").first).to_be_visible()
    # The code used to enrol is spent; the next step's code (a step ahead is allowed).
    page.locator("input[name=code]").fill(_next_code(totp))
    page.get_by_role("button", name="Continue").click()
    page.goto("/flags")
    expect(page).to_have_url(re.compile(r"/flags$"))


def _next_code(totp: pyotp.TOTP) -> str:
    return totp.at(time.time() + totp.interval)


@pytest.mark.parametrize("who", ["carer", "clinician"])
def test_a_forgotten_password_is_reset_by_email_and_an_old_cookie_stops_working(
    new_context: NewContext,
    app: Flask,
    smtp: SmtpServer,  # noqa: F811 - the fixture
    make: Factory,
    db: Session,
    who: str,
) -> None:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    person = clinician if who == "clinician" else make.carer(make.family(team, clinician))
    # A clinician's own page, behind the second factor they have already set up.
    home = "/flags" if who == "clinician" else "/home"
    if who == "clinician":
        enrol(db, clinician)
    phone = new_context(PHONE).new_page()
    log_in(phone, person.email)
    if who == "clinician":
        phone.locator("input[name=code]").fill(code_now())
        phone.get_by_role("button", name="Continue").click()
    phone.goto(home)
    expect(phone).to_have_url(re.compile(f"{home}$"))
    thief = new_context(PHONE)
    thief.add_cookies(phone.context.cookies())  # type: ignore[arg-type]
    stolen = thief.new_page()
    stolen.goto(home)
    expect(stolen).to_have_url(re.compile(f"{home}$"))

    other = new_context(PHONE).new_page()
    other.goto("/login")
    other.get_by_role("link", name="Forgot your password?").click()
    other.locator("input[name=email]").fill(person.email)
    other.get_by_role("button", name="Email me a link").click()
    expect(other.get_by_role("heading", name="Check your email")).to_be_visible()

    deliver_all_due(app)
    mail = next(m for m in smtp.handler.messages if m["To"] == person.email)
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"(/password/reset/\S+)", body)
    assert link, body
    other.goto(link.group(1))
    other.locator("input[name=password]").fill(NEW_PASSWORD)
    other.locator("input[name=confirm]").fill(NEW_PASSWORD)
    other.get_by_role("button", name="Change my password").click()
    expect(other.get_by_text("Your password is changed")).to_be_visible()

    stolen.goto(home)
    expect(stolen).to_have_url(re.compile(r"/login"))
    log_in(other, person.email, NEW_PASSWORD)
    if who == "clinician":
        # A new password does not skip the second factor.
        expect(other).to_have_url(re.compile(r"/login/second-factor$"))
    else:
        expect(other).to_have_url(re.compile(r"/home$"))


def _virtual_authenticator(context: BrowserContext, page: Page) -> None:
    """Chromium's virtual authenticator (DevTools WebAuthn domain): a platform passkey store
    that verifies its user, with presence simulated."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_clinician_enrols_a_passkey_then_signs_in_with_it_alone(
    new_context: NewContext, live_server: str, make: Factory
) -> None:
    clinician = make.user(Role.CLINICIAN, make.team(), display_name="Pat Passkey")
    # WebAuthn needs a domain, not an IP address: the same server, by the name localhost.
    context = new_context(DESKTOP, base_url=live_server.replace("127.0.0.1", "localhost"))
    page = context.new_page()
    _virtual_authenticator(context, page)
    log_in(page, clinician.email)
    expect(page).to_have_url(re.compile(r"/account/second-factor/setup$"))

    page.get_by_role("button", name="Set up a passkey").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    page.get_by_role("link", name="I have kept them: continue").click()
    page.goto("/flags")
    expect(page).to_have_url(re.compile(r"/flags$"))

    page.locator("form[action='/logout'] [type=submit]").first.click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    page.goto("/login?next=/flags")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).to_have_url(re.compile(r"/flags$"))
    expect(page.locator("form[action='/logout']")).to_have_count(1)
