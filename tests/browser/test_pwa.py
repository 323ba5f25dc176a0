"""The installable app in a real browser at phone size: the service worker takes control, an
unreachable page shows the offline page, nothing personal is cached, and quick exit leaves
without leaving the page in history."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Route, expect
from sqlmodel import Session

from parentapp.accounts.models import Role
from parentapp.teams.models import Team
from tests.browser.conftest import PHONE, NewContext, logged_in_page
from tests.factories import Factory

pytestmark = pytest.mark.browser

OFFLINE_HEADING = "This phone is not connected to the internet"

# Every entry in Cache Storage, with the type of what was stored.
CACHED = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      found.push([name, new URL(request.url).pathname, response.headers.get('Content-Type') || '']);
    }
  }
  return found;
}"""


@pytest.fixture
def team(make: Factory) -> Team:
    return make.team("Riverside")


@pytest.fixture
def carer_email(make: Factory, team: Team) -> str:
    clinician = make.user(Role.CLINICIAN, team)
    return make.carer(make.family(team, clinician), display_name="Amira").email


def test_the_app_works_offline_and_caches_nothing_personal(
    new_context: NewContext, carer_email: str, screenshots: Path
) -> None:
    context = new_context(PHONE, service_workers="allow")
    page = logged_in_page(context, carer_email)
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.state)") in {
        "activating",
        "activated",
    }
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.goto("/checkins/history")
    expect(page.get_by_role("heading", level=1, name=OFFLINE_HEADING)).to_be_visible()
    expect(page.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    page.screenshot(path=str(screenshots / "phone-offline.png"), full_page=True)

    cached = page.evaluate(CACHED)
    assert cached, "the shell was not cached"
    assert all(name.startswith("parentapp-shell-") for name, _path, _type in cached)
    html = [path for _name, path, kind in cached if kind.startswith("text/html")]
    assert html == ["/offline"], cached
    assert all(path == "/offline" or path.startswith("/static/") for _n, path, _t in cached)
    context.set_offline(False)


def use_local_exit(db: Session, team: Team, live_server: str) -> str:
    # The internet is out of reach: a neutral page of the live server stands in for the site.
    team.quick_exit_url = f"{live_server}/healthz"
    db.add(team)
    db.commit()
    return team.quick_exit_url


def test_quick_exit_leaves_and_replaces_the_page_in_history(
    new_context: NewContext,
    carer_email: str,
    db: Session,
    team: Team,
    live_server: str,
    screenshots: Path,
) -> None:
    exit_url = use_local_exit(db, team, live_server)
    context = new_context(PHONE, service_workers="allow")
    logged_in_page(context, carer_email).close()

    # A fresh tab, so its history holds only the blank page and the carer's home.
    page = context.new_page()
    page.goto("/home")
    control = page.get_by_role("link", name="Quick exit")
    expect(control).to_be_visible()
    page.screenshot(path=str(screenshots / "phone-quick-exit.png"), full_page=False)
    box = control.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    length = page.evaluate("history.length")

    control.click()
    page.wait_for_url(exit_url)
    assert page.evaluate("history.length") == length
    page.go_back()
    assert urlparse(page.url).path != "/home"


def test_pressing_escape_twice_leaves(
    new_context: NewContext, carer_email: str, db: Session, team: Team, live_server: str
) -> None:
    exit_url = use_local_exit(db, team, live_server)
    context = new_context(PHONE, service_workers="allow")
    page = logged_in_page(context, carer_email)
    page.goto("/home")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(exit_url)


def without_clear_site_data(route: Route) -> None:
    response = route.fetch(max_redirects=0)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "clear-site-data"}
    route.fulfill(response=response, headers=headers)


@pytest.mark.parametrize("header", [True, False], ids=["with-header", "without-header"])
def test_logout_clears_what_this_phone_kept(
    new_context: NewContext, carer_email: str, header: bool
) -> None:
    context = new_context(PHONE, service_workers="allow")
    page = logged_in_page(context, carer_email)
    if not header:
        # Not every browser honours Clear-Site-Data: app.js must clear the phone by itself.
        page.route("**/logout", without_clear_site_data)
    page.evaluate(
        """async () => {
          localStorage.setItem('left', 'behind');
          sessionStorage.setItem('left', 'behind');
          const cache = await caches.open('something-else');
          await cache.put('/left-behind', new Response('kept'));
        }"""
    )
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert "something-else" not in page.evaluate("caches.keys()")
