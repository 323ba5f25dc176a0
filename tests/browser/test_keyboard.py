"""A carer who uses only a keyboard logs in and completes the weekly check-in: Tab and Shift+Tab
to move, arrow keys and Space to choose, Enter to follow a link or send. Wherever the focus
goes it can be seen."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.checkins.models import CheckIn
from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_registry
from tests import factories
from tests.browser.conftest import PHONE, NewContext
from tests.factories import Factory, add_schedule, carer_row

pytestmark = pytest.mark.browser

MAX_PRESSES = 200
# The weekly check-in: the option to choose for each question (0 = the first, lowest).
CHOICES = {
    "mood": 1,
    "worry": 2,
    "sleep": 1,
    "coping": 0,
    "support": 3,
    "closeness": 2,
    "self_harm": 0,
    "harm_to_baby": 0,
    "contact": 0,
}
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  // WCAG 2.4.11: the focused element is not hidden under the fixed quick-exit button.
  const exit = document.querySelector('.quick-exit');
  const a = el.getBoundingClientRect();
  const b = exit && exit !== el ? exit.getBoundingClientRect() : null;
  const covered = !!b && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return {
    tag: el.tagName.toLowerCase(), covered, type: el.getAttribute('type') || '', name: el.name || '',
    value: el.value || '', text: (el.innerText || '').trim(), href: el.getAttribute('href') || '',
    visible: outline || style.boxShadow !== 'none',
    describe: el.outerHTML.slice(0, 120),
  };
}"""


def focused(page: Page) -> dict[str, str] | None:
    found: dict[str, str] | None = page.evaluate(FOCUSED)
    if found is not None:
        assert found["visible"], f"focus is not visible on {found['describe']}"
        assert not found["covered"], f"the quick exit covers {found['describe']}"
    return found


def tab_to(page: Page, wanted: str, key: str = "Tab") -> dict[str, str]:
    """Press Tab (or Shift+Tab) until the focused element's text, name or href holds ``wanted``;
    every element passed on the way must show its focus."""
    for _ in range(MAX_PRESSES):
        page.keyboard.press(key)
        now = focused(page)
        if now and wanted in (now["text"], now["name"], now["href"]):
            return now
    raise AssertionError(f"{wanted!r} cannot be reached with {key} on {page.url}")


def test_a_carer_completes_the_weekly_check_in_with_only_a_keyboard(
    new_context: NewContext, make: Factory, db: Session, screenshots: Path
) -> None:
    team = make.team("Riverside Team")
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician, label="Khan")
    make.infant(family, name="Ada")
    user = make.carer(family, CarerRole.MOTHER, display_name="Aisha")
    add_schedule(db, carer_row(db, user), "weekly")

    page = new_context(PHONE).new_page()
    page.goto("/login")
    tab_to(page, "email")
    page.keyboard.type(user.email)
    tab_to(page, "password")
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/home")

    tab_to(page, "/checkins/weekly")
    page.keyboard.press("Enter")
    page.wait_for_url("**/checkins/weekly")

    answered: set[str] = set()
    for _ in range(MAX_PRESSES):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None:
            continue
        link_id = now["name"].removeprefix("item_")
        if now["type"] == "radio" and link_id in CHOICES and link_id not in answered:
            # Space ticks the first option; each arrow press moves to, and ticks, the next.
            page.keyboard.press("Space")
            for _step in range(CHOICES[link_id]):
                page.keyboard.press("ArrowDown")
            answered.add(link_id)
        elif link_id == "note":
            page.keyboard.type("Typed with a keyboard.")
            # Back to the last question and forward again: Shift+Tab lands on the chosen answer.
            page.keyboard.press("Shift+Tab")
            back = focused(page)
            assert back is not None and back["name"] == "item_contact"
            page.keyboard.press("Tab")
        elif now["tag"] == "button" and now["text"] == "Send my answers":
            assert answered == set(CHOICES), f"not reached by Tab: {set(CHOICES) - answered}"
            page.screenshot(path=screenshots / "keyboard-checkin.png", full_page=False)
            page.keyboard.press("Enter")
            break
    else:
        raise AssertionError("the send button cannot be reached with Tab")

    expect(
        page.get_by_role("heading", name="Thank you, your answers have been sent")
    ).to_be_visible()
    page.screenshot(path=screenshots / "keyboard-done.png", full_page=True)
    # What was stored is what the keys chose.
    (checkin,) = db.exec(select(CheckIn)).all()
    definition = builtin_registry().get("weekly")
    for link_id, index in CHOICES.items():
        codes = [o.code for o in definition.options(definition.item(link_id))] or ["false", "true"]
        assert checkin.answers[link_id] == codes[index], link_id
    assert checkin.note == "Typed with a keyboard."
