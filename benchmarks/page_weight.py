"""Page weight and Largest Contentful Paint of every carer page, in Debian's Chromium.

Usage: .venv/bin/python benchmarks/page_weight.py

Serves the app on a free local port (a real HTTP server, a throw-away SQLite database with the
demo data), logs in as the demo carer at phone size and, for each carer page, measures:

- cold KB: what the network carried to open the page in a new browser (empty cache, no
  service worker yet): every response's status line, headers and (compressed) body, counted
  by the server as it sends them. The service worker's own install (its script and the shell
  it stores for offline use, fetched once per release in the background) is shown apart.
- warm KB: the same for a second visit in the same browser, the service worker in charge.
- LCP ms: Largest Contentful Paint of the cold load, with the network throttled to 150 ms RTT,
  1.6 Mbps down and 750 kbps up and the CPU slowed four times, as on a cheap phone.

Budgets (issue 6) apply to the check-in pages: cold at most 60 KB, warm at most 10 KB, LCP
under 1500 ms. It reports and always exits 0: it is a measurement, not a test.
"""

import logging
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlmodel import col, select
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the browser flags live with the browser tests

from parentapp import create_app  # noqa: E402
from parentapp.accounts.models import User  # noqa: E402
from parentapp.checkins.models import CheckIn  # noqa: E402
from parentapp.cli import alembic_config  # noqa: E402
from parentapp.config import Settings  # noqa: E402
from parentapp.db import session_scope  # noqa: E402
from parentapp.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from parentapp.families.models import Carer  # noqa: E402
from parentapp.triage.models import Flag  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402

CARER = "aisha@example.org"
BUDGET_COLD_KB = 60
BUDGET_WARM_KB = 10
BUDGET_LCP_MS = 1500
# Chrome DevTools Protocol wants bytes per second.
SLOW_NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1_000_000 / 8,
    "uploadThroughput": 750 * 1_000 / 8,
}
CPU_SLOWDOWN = 4
LCP = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    resolve(entries[entries.length - 1].startTime);
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  setTimeout(() => resolve(null), 5000);
})"""
SW_READY = """() => 'serviceWorker' in navigator
  ? Promise.race([navigator.serviceWorker.ready.then(() => true),
                  new Promise((resolve) => setTimeout(() => resolve(false), 5000))])
  : false"""


@dataclass
class Sent:
    path: str
    dest: str  # the browser's Sec-Fetch-Dest: document, style, script, serviceworker, empty...
    status: str = ""
    size: int = 0


@dataclass
class Meter:
    """WSGI middleware counting what the server puts on the wire for each request."""

    app: Callable[..., Iterable[bytes]]
    sent: list[Sent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        query = environ.get("QUERY_STRING", "")
        path = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        record = Sent(path, environ.get("HTTP_SEC_FETCH_DEST", ""))

        def counting_start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            record.status = status
            # Status line, each header line and the blank line, as HTTP/1.1 sends them.
            record.size += len(f"HTTP/1.1 {status}\r\n") + 2
            record.size += sum(len(k) + len(v) + 4 for k, v in headers)
            return start_response(status, headers, *exc)

        body = self.app(environ, counting_start)
        with self.lock:
            self.sent.append(record)
        return self._count(body, record)

    @staticmethod
    def _count(body: Iterable[bytes], record: Sent) -> Iterator[bytes]:
        try:
            for chunk in body:
                record.size += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    def take(self) -> list[Sent]:
        with self.lock:
            taken, self.sent = self.sent, []
        return taken


def installing(record: Sent) -> bool:
    """The service worker's script, and the shell it fetches for itself when it installs."""
    return record.dest == "serviceworker" or (
        record.dest == "empty" and (record.path.startswith("/static/") or record.path == "/offline")
    )


def kb(records: list[Sent]) -> float:
    return sum(r.size for r in records) / 1024


def start_app() -> tuple[str, Meter, Callable[[], None], dict[str, str]]:
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'page-weight.db'}"
    command.upgrade(alembic_config(url), "head")
    # Shipped settings but plain HTTP on localhost (no Secure cookies) and no rate limits.
    settings = Settings(env="testing", database_url=url, ratelimit_enabled=False)
    app = create_app(settings)
    with app.app_context(), session_scope(app) as session:
        load_demo(session)
        carer = session.exec(
            select(Carer).join(User, col(User.id) == Carer.user_id).where(User.email == CARER)
        ).one()
        urgent = select(Flag.checkin_id).where(Flag.severity == "urgent")
        calm = session.exec(
            select(CheckIn.id)
            .where(CheckIn.carer_id == carer.id, col(CheckIn.id).not_in(urgent))
            .order_by(col(CheckIn.submitted_at).desc())
        ).first()
    meter = Meter(app.wsgi_app)
    app.wsgi_app = meter  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    pages = {
        "login": "/login",
        "join": "/join",
        "home": "/home",
        "check-in (weekly)": "/checkins/weekly",
        "check-in (PHQ-9)": "/checkins/phq9",
        "done": f"/checkins/{calm}/done",
        "history": "/checkins/history",
        "summary": "/checkins/summary",
        "account": "/account",
        "reminders": "/reminders",
        "offline": "/offline",
    }
    return f"http://127.0.0.1:{server.server_port}", meter, stop, pages


def phone(browser: Browser, base: str, state: Any = None) -> BrowserContext:
    """A new browser profile at phone size: its own cookies, cache and service workers."""
    return browser.new_context(base_url=base, storage_state=state, **PHONE)


def logged_in_state(browser: Browser, base: str) -> Any:
    context = phone(browser, base)
    page = context.new_page()
    page.goto("/login")
    page.locator("input[name=email]").fill(CARER)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url("**/home")
    state = context.storage_state()
    context.close()
    return state


def throttle(context: BrowserContext, page: Page) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


@dataclass
class Figures:
    cold_kb: float
    install_kb: float
    warm_kb: float
    lcp_ms: float | None
    warm_lcp_ms: float | None


def measure(browser: Browser, base: str, meter: Meter, path: str, state: Any) -> Figures:
    context = phone(browser, base, state)
    try:
        page = context.new_page()
        throttle(context, page)
        meter.take()
        page.goto(path, wait_until="load")
        lcp = page.evaluate(LCP)
        page.evaluate(SW_READY)
        page.wait_for_load_state("networkidle")
        cold = meter.take()
        # Away and back, as a person returns to the app: going to the same address again
        # would be a reload, which revalidates what the browser keeps.
        page.goto("about:blank")
        page.goto(path, wait_until="load")
        warm_lcp = page.evaluate(LCP)
        page.wait_for_load_state("networkidle")
        warm = meter.take()
        return Figures(
            cold_kb=kb([r for r in cold if not installing(r)]),
            install_kb=kb([r for r in cold if installing(r)]),
            warm_kb=kb(warm),
            lcp_ms=lcp,
            warm_lcp_ms=warm_lcp,
        )
    finally:
        context.close()


def verdict(name: str, figures: Figures) -> str:
    if not name.startswith("check-in"):
        return ""
    ok = (
        figures.cold_kb <= BUDGET_COLD_KB
        and figures.warm_kb <= BUDGET_WARM_KB
        and figures.lcp_ms is not None
        and figures.lcp_ms < BUDGET_LCP_MS
    )
    return "within budget" if ok else "OVER BUDGET"


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def main() -> int:
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is not installed (apt-get install -y chromium); nothing measured.")
        return 0
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    base, meter, stop, pages = start_app()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            carer = logged_in_state(browser, base)
            anonymous: dict[str, list[Any]] = {"cookies": [], "origins": []}
            print(
                f"Budgets for the check-in pages: cold <= {BUDGET_COLD_KB} KB, warm <= "
                f"{BUDGET_WARM_KB} KB, LCP < {BUDGET_LCP_MS} ms (150 ms RTT, 1.6 Mbps down, "
                f"750 kbps up, CPU x{CPU_SLOWDOWN}). KB = 1024 bytes on the wire."
            )
            header = (
                f"{'page':<20} {'cold KB':>8} {'warm KB':>8} {'LCP ms':>7} "
                f"{'warm LCP':>9} {'SW install KB':>14}  budget"
            )
            print(header)
            print("-" * len(header))
            for name, path in pages.items():
                state = anonymous if name in {"login", "join"} else carer
                f = measure(browser, base, meter, path, state)
                print(
                    f"{name:<20} {f.cold_kb:8.1f} {f.warm_kb:8.1f} {ms(f.lcp_ms):>7} "
                    f"{ms(f.warm_lcp_ms):>9} {f.install_kb:14.1f}  {verdict(name, f)}"
                )
            browser.close()
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
