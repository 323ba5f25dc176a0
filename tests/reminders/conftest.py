"""A carer with one weekly check-in falling due at a fixed moment, a fake push service on
localhost, VAPID keys made for the test, and the real SMTP server of tests/notifications."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import Schedule
from parentapp.config import Settings
from parentapp.families.models import Carer
from parentapp.families.roles import CarerRole
from parentapp.reminders.cli import new_vapid_keys
from parentapp.reminders.models import PushSubscription
from parentapp.teams.models import Team
from tests.factories import Factory, add_schedule, carer_row
from tests.notifications.conftest import smtp, smtp_port  # noqa: F401 - the SMTP server fixtures
from tests.reminders.subscriptions import Browser

# A Monday noon in winter, when London is on UTC: local and UTC times read the same.
DUE = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Keys:
    public: str
    private: str


@pytest.fixture
def vapid() -> Keys:
    public, private = new_vapid_keys()
    return Keys(public, private)


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Mail to the test's SMTP server (running only if the test asks for ``smtp``); push on
    when the test asks for ``vapid``."""
    port = (
        request.getfixturevalue("smtp").port
        if "smtp" in request.fixturenames
        else request.getfixturevalue("smtp_port")
    )
    changes: dict[str, Any] = {
        "mail_server": "127.0.0.1",
        "mail_port": port,
        "mail_use_tls": False,
        "mail_from": "team@parentapp.test",
        "app_base_url": "https://parentapp.test",
    }
    if "vapid" in request.fixturenames:
        keys: Keys = request.getfixturevalue("vapid")
        changes |= {
            "vapid_public_key": keys.public,
            "vapid_private_key": keys.private,
            "vapid_subject": "mailto:ops@parentapp.test",
        }
    return settings.with_(**changes)


@dataclass(frozen=True)
class Reminded:
    team: Team
    clinician: User
    user: User
    carer: Carer
    schedule: Schedule


@pytest.fixture
def reminded(make: Factory, db: Session) -> Reminded:
    team = make.team("Riverside Team", time_zone="Europe/London")
    clinician = make.user(Role.CLINICIAN, team, display_name="Sam Patel")
    family = make.family(team, clinician)
    user = make.carer(family, CarerRole.MOTHER, display_name="Aisha")
    carer = carer_row(db, user)
    schedule = add_schedule(db, carer, "weekly", starts_at=DUE, interval_days=7)
    return Reminded(team, clinician, user, carer, schedule)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    """A stand-in for a browser vendor's push service: records each POST, answers ``status``."""

    status: int = 201
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def url(self, path: str = "/push/phone-1") -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def start(self) -> None:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                service.received.append(Received(self.path, dict(self.headers.items()), body))
                self.send_response(service.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"status": service.status}).encode())

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep the test output quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    service.start()
    yield service
    service.stop()


@pytest.fixture
def browser() -> Browser:
    return Browser.new()


def subscribe(db: Session, user: User, browser: Browser, endpoint: str) -> PushSubscription:
    """Store a subscription as the API would (the fake service is plain http on localhost,
    which the API itself refuses: real push services are always https)."""
    keys = browser.subscription(endpoint)["keys"]
    row = PushSubscription(
        user_id=user.id or 0, endpoint=endpoint, p256dh=keys["p256dh"], auth=keys["auth"]
    )
    db.add(row)
    db.commit()
    db.refresh(row)
    return row
