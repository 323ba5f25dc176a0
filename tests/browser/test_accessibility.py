"""axe-core in Chromium on every carer and clinician page, in English and in Arabic (right to
left): no violation of WCAG 2.2 AA. Each page is its own test, named after who sees it, where
and in which language. axe-core comes bundled with axe-playwright-python: nothing is fetched."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import CheckIn
from parentapp.families.roles import CarerRole
from parentapp.replies.services import note_read, send_reply
from parentapp.teams.contacts import add_default_contacts
from tests.browser.conftest import DESKTOP, PHONE, NewContext, log_in
from tests.factories import Factory, add_schedule
from tests.triage.flagged import Flagged, build, send

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ["en", "ar"]
INSTRUMENTS = ["weekly", "phq9", "gad7", "phq2", "gad2"]
_axe = Axe()


def violations(page: Page) -> list[dict[str, Any]]:
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_22_AA},
            "resultTypes": ["violations"],
        },
    )
    found: list[dict[str, Any]] = results.response["violations"]
    return found


def describe(found: list[dict[str, Any]]) -> str:
    """One line per rule and one per element it failed on: enough to find and fix it."""
    lines = []
    for rule in found:
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']}")
        for node in rule["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target} -- {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    # Let deferred scripts finish enhancing the page: axe judges what a person meets.
    page.wait_for_load_state("load")
    found = violations(page)
    assert not found, f"axe found WCAG 2.2 AA violations on {page.url}:\n{describe(found)}"


@dataclass
class World:
    app: Flask
    db: Session
    make: Factory
    flagged: Flagged
    admin: User
    calm_checkin_id: int
    urgent_checkin_id: int
    flag_id: int


def build_world(app: Flask, make: Factory, db: Session, locale: str) -> World:
    """A team with its crisis contacts, a clinician, a lead and an admin, a carer with every
    instrument due, one calm and one urgent check-in (so a flag): everyone in ``locale``."""
    flagged = build(make, db)
    add_default_contacts(db, flagged.team)
    admin = make.user(Role.ADMIN, None, display_name="Ada Admin")
    for user in (flagged.clinician, flagged.lead, flagged.carer_user, admin):
        user.locale = locale
        db.add(user)
    db.commit()
    for instrument_id in INSTRUMENTS[1:]:
        add_schedule(db, flagged.carer, instrument_id)
    send(app, db, flagged.carer, note="A calm week.")
    flag, _note_flag = send(app, db, flagged.carer, self_harm="1", note="Hard week.")
    checkins = db.exec(
        select(CheckIn).where(CheckIn.carer_id == flagged.carer.id).order_by(col(CheckIn.id))
    ).all()
    # Read and replied to: the history, home and messages pages show it.
    note_read(session=db, reader=flagged.clinician, checkins=[checkins[0]])
    send_reply(
        session=db,
        actor=flagged.clinician,
        checkin_id=checkins[0].id or 0,
        template_id=None,
        text="Thank you for telling us.",
    )
    return World(
        app, db, make, flagged, admin, checkins[0].id or 0, checkins[-1].id or 0, flag.id or 0
    )


# Pages seen without logging in (or while joining): each opens itself, given the world.
Opener = Callable[[Page, World, str], None]


def open_join_about(page: Page, world: World, locale: str) -> None:
    _invitation, code = world.make.invitation(world.flagged.family, world.flagged.clinician)
    page.goto(f"/join/{code}")
    page.wait_for_url("**/join/about")


def open_join_about_errors(page: Page, world: World, locale: str) -> None:
    open_join_about(page, world, locale)
    page.locator("main form [type=submit]").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()


def open_join_errors(page: Page, world: World, locale: str) -> None:
    page.goto("/join")
    page.locator("input[name=code]").fill("ABCD")
    page.locator("main form [type=submit]").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()


def open_consent(page: Page, world: World, locale: str) -> None:
    user = world.make.carer(
        world.flagged.family, CarerRole.GRANDPARENT, consented=False, locale=locale
    )
    log_in(page, user.email)
    page.wait_for_url("**/consent")


def opens(address: str) -> Opener:
    def _open(page: Page, world: World, locale: str) -> None:
        page.goto(address)

    return _open


ANONYMOUS: dict[str, Opener] = {
    "login": opens("/login"),
    "join": opens("/join"),
    "join-error": open_join_errors,
    "join-link": open_join_about,
    "join-about-errors": open_join_about_errors,
    "consent": open_consent,
}


def carer_pages(world: World) -> dict[str, str]:
    return {
        "home": "/home",
        **{f"checkin-{i}": f"/checkins/{i}" for i in INSTRUMENTS},
        "safety-screen": f"/checkins/{world.urgent_checkin_id}/done",
        "done": f"/checkins/{world.calm_checkin_id}/done",
        "history": "/checkins/history",
        "summary": "/checkins/summary",
        "account": "/account",
        "reminders": "/reminders",
        "messages": "/messages",
        "offline": "/offline",
    }


CARER_PAGES = [
    "home",
    *(f"checkin-{i}" for i in INSTRUMENTS),
    "safety-screen",
    "done",
    "history",
    "summary",
    "account",
    "reminders",
    "messages",
    "offline",
]


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize("name", list(ANONYMOUS))
def test_joining_pages_on_a_phone(
    app: Flask, make: Factory, db: Session, new_context: NewContext, name: str, locale: str
) -> None:
    world = build_world(app, make, db, locale)
    page = new_context(PHONE, locale=locale).new_page()
    ANONYMOUS[name](page, world, locale)
    expect(page.locator("html")).to_have_attribute("lang", locale)
    assert_accessible(page)


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize("name", CARER_PAGES)
def test_carer_pages_on_a_phone(
    app: Flask,
    make: Factory,
    db: Session,
    new_context: NewContext,
    screenshots: Path,
    name: str,
    locale: str,
) -> None:
    world = build_world(app, make, db, locale)
    page = new_context(PHONE, locale=locale).new_page()
    log_in(page, world.flagged.carer_user.email)
    response = page.goto(carer_pages(world)[name])
    assert response is not None and response.status == 200, name
    if name == "safety-screen":  # the urgent answer's screen, not the calm one
        expect(page.locator("main a[href='tel:999']").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", locale)
    assert_accessible(page)
    # For review: every carer page at phone size, in both directions.
    page.screenshot(path=screenshots / f"phone-{name}-{locale}.png", full_page=True)


def staff_pages(world: World) -> dict[str, tuple[str, str]]:
    """Name -> (who, address)."""
    family = world.flagged.family.id
    return {
        "clinic": ("clinician", "/clinic"),
        "family": ("clinician", f"/families/{family}"),
        "family-new": ("clinician", "/families/new"),
        "family-new-errors": ("clinician", "/families/new"),
        "invitation": ("clinician", f"/families/{family}"),
        "family-summary": ("clinician", f"/families/{family}/summary"),
        "flags": ("clinician", "/flags"),
        "flag": ("clinician", f"/flags/{world.flag_id}"),
        "checkin": ("clinician", f"/checkins/{world.calm_checkin_id}"),
        "notifications": ("clinician", "/notifications"),
        "leave": ("clinician", "/leave"),
        "account": ("clinician", "/account"),
        "lead-flags": ("lead", "/flags"),
        "lead-flag": ("lead", f"/flags/{world.flag_id}"),
        "lead-team-settings": ("lead", "/team/settings"),
        "lead-reply-templates": ("lead", "/team/settings/replies"),
        "lead-clinic": ("lead", "/clinic"),
        "admin": ("admin", "/admin"),
        "admin-audit": ("admin", "/admin/audit"),
        "admin-account": ("admin", "/account"),
    }


STAFF_DESKTOP = [
    "clinic",
    "family",
    "family-new",
    "family-new-errors",
    "invitation",
    "family-summary",
    "flags",
    "flag",
    "checkin",
    "notifications",
    "leave",
    "account",
    "lead-flags",
    "lead-flag",
    "lead-team-settings",
    "lead-reply-templates",
    "lead-clinic",
    "admin",
    "admin-audit",
    "admin-account",
]
# On a phone too: the dashboard and the flag page, which a clinician on a home visit opens.
STAFF_PHONE = ["clinic", "flags", "flag", "lead-flags", "lead-flag", "admin"]


def submit_empty(page: Page) -> None:
    page.locator("main form:has(input[name=label]) [type=submit]").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()


def create_invitation(page: Page) -> None:
    page.locator("main form[action$='/invitations'] [type=submit]").click()
    expect(page.locator("#invite-code")).to_be_visible()


# Pages reached by sending a form from the page at the address.
STAFF_ACTIONS: dict[str, Callable[[Page], None]] = {
    "family-new-errors": submit_empty,
    "invitation": create_invitation,
}


def staff_email(world: World, who: str) -> str:
    return {
        "clinician": world.flagged.clinician.email,
        "lead": world.flagged.lead.email,
        "admin": world.admin.email,
    }[who]


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize(
    ("name", "device"),
    [(n, "desktop") for n in STAFF_DESKTOP] + [(n, "phone") for n in STAFF_PHONE],
)
def test_staff_pages(
    app: Flask,
    make: Factory,
    db: Session,
    new_context: NewContext,
    name: str,
    device: str,
    locale: str,
) -> None:
    world = build_world(app, make, db, locale)
    page = new_context(DESKTOP if device == "desktop" else PHONE, locale=locale).new_page()
    who, address = staff_pages(world)[name]
    log_in(page, staff_email(world, who))
    response = page.goto(address)
    assert response is not None and response.status == 200, name
    if name in STAFF_ACTIONS:
        STAFF_ACTIONS[name](page)
    expect(page.locator("html")).to_have_attribute("lang", locale)
    assert_accessible(page)
