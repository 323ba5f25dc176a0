"""Fixtures for driving the real app in Chromium: a live server with CSRF on, and a browser.

The live server serves the same ``app`` the rest of the suite builds (so it uses the same,
freshly wiped test database), only with CSRF protection enabled as in production.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from parentapp.config import Settings
from tests.conftest import IN_CI
from tests.factories import PASSWORD
from tests.live import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's test settings, but with CSRF checked as it is in production."""
    return settings.with_(csrf_enabled=True)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free local port in a background thread; yields the base URL."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright; skipped without it, except in CI where it fails."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(f"browser tests must run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def new_context(browser: Browser, live_server: str) -> Iterator[NewContext]:
    """Open isolated browser contexts (like separate devices) against the live server."""
    opened: list[BrowserContext] = []

    def _open(device: dict[str, Any], **kw: Any) -> BrowserContext:
        context = browser.new_context(**{"base_url": live_server, **device, **kw})
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield _open
    for context in opened:
        context.close()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form; by names, not labels, so it works in every language."""
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def logged_in_page(context: BrowserContext, email: str) -> Page:
    """A new page in ``context`` (one device), logged in as ``email``."""
    page = context.new_page()
    log_in(page, email)
    return page
