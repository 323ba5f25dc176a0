"""Notifications delivered per second by one worker's ``deliver_due`` loop over real SMTP.

Usage: .venv/bin/python benchmarks/notifications.py [--rows 2000] [--batch 50]
                                                      [--database-url postgresql+psycopg://...]

Without --database-url a throw-away SQLite file is used. The PostgreSQL database given is
wiped (its public schema is dropped) and migrated. Emails go to a local aiosmtpd server that
accepts and discards them, so the figure is the app's own cost per row: claim, compose,
SMTP round trip on one kept-open connection, and a commit per row.
"""

import argparse
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from alembic import command
from sqlmodel import Session

from parentapp import create_app
from parentapp.accounts.models import Role, User
from parentapp.cli import alembic_config
from parentapp.config import Settings
from parentapp.db import make_engine
from parentapp.notifications.delivery import deliver_due
from parentapp.notifications.models import Notification


class Discard:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, _server: Any, _session: Any, _envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare(url: str, rows: int) -> None:
    if url.startswith("postgresql"):
        with make_engine(url).begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    command.upgrade(alembic_config(url), "head")
    with Session(make_engine(url)) as session:
        users = [
            User(email=f"clinician{n}@example.org", display_name=f"Clinician {n}",
                 password_hash="x", role=Role.CLINICIAN.value)  # noqa: S106 - not a real hash
            for n in range(10)
        ]  # fmt: skip
        session.add_all(users)
        session.flush()
        session.add_all(
            Notification(recipient_id=users[n % 10].id or 0, channel="email",
                         kind="flag_opened", payload={"severity": "urgent"})
            for n in range(rows)
        )  # fmt: skip
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    prepare(url, args.rows)
    handler = Discard()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings = Settings(env="testing", database_url=url, mail_server="127.0.0.1",
                        mail_port=port, mail_use_tls=False)  # fmt: skip
    app = create_app(settings)
    try:
        start = time.perf_counter()
        delivered = 0
        while delivered < args.rows:
            sent = deliver_due(app, batch=args.batch)
            if sent == 0:
                break
            delivered += sent
        elapsed = time.perf_counter() - start
    finally:
        controller.stop()
    backend = url.split(":", 1)[0]
    print(f"{backend}: {delivered} notifications in {elapsed:.2f} s = "
          f"{delivered / elapsed:.0f}/s (batch {args.batch}; SMTP received {handler.count})")  # fmt: skip


if __name__ == "__main__":
    main()
