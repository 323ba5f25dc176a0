"""The check-in pages at phone size in English, Urdu and Arabic: right to left where the
language is, nothing wider than the screen, and each answer scale still lowest first."""

from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import Page, expect
from sqlmodel import Session

from parentapp.accounts.models import Role
from parentapp.families.roles import CarerRole
from parentapp.i18n.languages import BY_CODE
from parentapp.instruments.registry import builtin_registry
from tests import factories
from tests.browser.conftest import PHONE, NewContext
from tests.factories import Factory, add_schedule, carer_row
from tests.i18n.catalogs import TRANSLATIONS

pytestmark = pytest.mark.browser


def first_question_check(page: Page, instrument_id: str, code: str) -> None:
    """The first option of the first question is the lowest-scoring one, labelled with the
    catalog's words for it (English until the catalog has them)."""
    definition = builtin_registry().get(instrument_id)
    item = next(i for i in definition.items if definition.options(i))
    lowest = min(definition.options(item), key=lambda o: o.weight)
    group = page.locator(f"fieldset#item_{item.link_id}")
    first = group.locator("input[type=radio]").first
    assert first.get_attribute("value") == lowest.code
    expected = Translations.load(str(TRANSLATIONS), [code]).gettext(lowest.text)
    label = group.locator(f"label[for='{first.get_attribute('id')}']")
    expect(label).to_have_text(expected)
    # Read out with its question: the radio sits in a fieldset named by the question.
    assert group.locator("legend").count() == 1


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"{page.url} scrolls sideways: {widths}"


@pytest.mark.parametrize("code", ["en", "ur", "ar"])
def test_checkin_pages_in_each_direction(
    new_context: NewContext, make: Factory, db: Session, screenshots: Path, code: str
) -> None:
    team = make.team("Riverside Parent-Infant Team")
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician, label="Iqbal")
    make.infant(family, name="Zara")
    user = make.carer(family, CarerRole.FATHER, display_name="Imran", locale=code)
    for instrument_id in ("weekly", "phq9"):
        add_schedule(db, carer_row(db, user), instrument_id)

    page = new_context(PHONE).new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/home")

    for instrument_id in ("weekly", "phq9"):
        page.goto(f"/checkins/{instrument_id}")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", code)
        expect(html).to_have_attribute("dir", BY_CODE[code].direction)
        no_sideways_scroll(page)
        first_question_check(page, instrument_id, code)
        page.screenshot(path=screenshots / f"lang-{code}-{instrument_id}.png", full_page=True)
        # The first screenful too: what a carer sees on opening it, at a readable size.
        page.screenshot(path=screenshots / f"lang-{code}-{instrument_id}-top.png")
    page.locator(".site-footer").screenshot(path=screenshots / f"lang-{code}-switcher.png")
