"""A real SMTP server (aiosmtpd) on a free localhost port, settings pointing at it, and the
check-in fixtures of tests/checkins."""

import asyncio
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from parentapp.config import Settings
from tests.checkins.conftest import ctx, home  # noqa: F401 - fixtures shared with these tests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Collector:
    """An aiosmtpd handler that keeps every message it accepts (optionally slowly)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.delay = 0.0
        self._lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def ids(self) -> list[int]:
        with self._lock:
            return [int(m["X-Parentapp-Notification"]) for m in self.messages]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = Collector()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_port() -> int:
    """A port for tests that start (and stop) the server themselves."""
    return free_port()


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    port = (
        request.getfixturevalue("smtp").port
        if "smtp" in request.fixturenames
        else request.getfixturevalue("smtp_port")
    )
    return mail_to(settings, port)


def mail_to(settings: Settings, port: int, **more: Any) -> Settings:
    """``settings`` sending email to the test's SMTP server on ``port`` (links to a made-up
    site unless ``more`` says otherwise: a browser test that follows a link wants its own)."""
    return settings.with_(
        **{
            "mail_server": "127.0.0.1",
            "mail_port": port,
            "mail_use_tls": False,
            "mail_from": "team@parentapp.test",
            "app_base_url": "https://parentapp.test",
            **more,
        }
    )
