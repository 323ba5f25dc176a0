"""Journey 6 in a real browser: a clinician sees an urgent flag on the dashboard, opens the
flagged summary, acknowledges it and closes it with an outcome."""

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlmodel import Session

from parentapp.db import utcnow
from parentapp.triage.models import Flag
from tests import factories
from tests.browser.conftest import DESKTOP, NewContext, logged_in_page
from tests.factories import Factory
from tests.triage.flagged import build, send

pytestmark = pytest.mark.browser


def test_clinician_acknowledges_and_closes_an_urgent_flag(
    app: Flask, make: Factory, db: Session, new_context: NewContext, screenshots: Path
) -> None:
    world = build(make, db)
    flag, _note_flag = send(app, db, world.carer, self_harm="1", note="Hard week.")
    assert flag.severity == "urgent"

    page = new_context(DESKTOP).new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill(world.clinician.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/flags")
    row = page.get_by_role("row").filter(has_text="Aisha").filter(has_text="Thoughts")
    expect(row).to_contain_text("Urgent")
    # A due-by is shown (the team's urgent response time), not a dash.
    expect(row.get_by_role("cell").nth(5)).not_to_have_text("—")
    page.screenshot(path=screenshots / "clinician-dashboard.png", full_page=True)
    row.get_by_role("link", name="Aisha").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Aisha")
    expect(page.get_by_text("Hard week.")).to_be_visible()
    page.screenshot(path=screenshots / "clinician-flag.png", full_page=True)

    page.get_by_role("button", name="Acknowledge this flag").click()
    expect(page.get_by_role("button", name="Acknowledge this flag")).to_have_count(0)

    # Closing needs an outcome: without one the page says so and the flag stays open.
    page.get_by_role("button", name="Close this flag").click()
    expect(page.get_by_text("Please choose what was done.").first).to_be_visible()
    page.get_by_role("group", name="What was done").get_by_label("Contacted the carer").check()
    page.get_by_role("button", name="Close this flag").click()
    expect(page.get_by_role("button", name="Close this flag")).to_have_count(0)
    page.screenshot(path=screenshots / "clinician-flag-closed.png", full_page=True)

    db.expire_all()
    closed = db.get(Flag, flag.id)
    assert closed is not None
    assert (closed.state, closed.outcome) == ("closed", "contacted")
    assert closed.acknowledged_by_id == world.clinician.id == closed.closed_by_id


def test_clinician_sets_leave_and_the_cover_sees_the_families(
    app: Flask, make: Factory, db: Session, new_context: NewContext, screenshots: Path
) -> None:
    world = build(make, db)
    send(app, db, world.carer, self_harm="1")

    page = logged_in_page(new_context(DESKTOP), world.clinician.email)
    page.get_by_role("link", name="Leave").click()
    today = utcnow().date()
    page.get_by_label("First day of leave").fill(today.isoformat())
    page.get_by_label("Last day of leave").fill((today + timedelta(days=3)).isoformat())
    page.get_by_label("Covered by").select_option(label="Jo Okafor")
    page.get_by_role("button", name="Save leave").click()
    expect(page.get_by_text("Leave saved.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Sam Patel")).to_contain_text("Jo Okafor")
    page.screenshot(path=screenshots / "clinician-leave.png", full_page=True)

    cover = logged_in_page(new_context(DESKTOP), world.colleague.email)
    cover.goto("/flags")
    expect(cover.get_by_text("You are covering for Sam Patel")).to_be_visible()
    expect(cover.get_by_role("row").filter(has_text="Aisha")).to_contain_text("Covering")
