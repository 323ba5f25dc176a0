"""Delivering the outbox: claim due rows under a lease, send, mark; retry with backoff.

Delivery is at least once. A claim is committed before anything is sent, and each row is
marked delivered in its own commit right after it is sent. A worker killed between the two
leaves the row leased; when the lease expires another worker (or the restarted one) sends
it again. So a row can be sent twice, but never lost.

On PostgreSQL, rows are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED``, so any number of
workers share the outbox without sending a row twice. SQLite has no row locks: run a single
worker there (the lease still protects against a restarted worker).
"""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.audit.services import record
from parentapp.config import Settings
from parentapp.db import session_scope, utcnow
from parentapp.notifications.email import Send, compose, mailer
from parentapp.notifications.models import Channel, Notification
from parentapp.notifications.services import backoff

log = logging.getLogger(__name__)
# Stop sending a batch this long before its lease ends, so no other worker can take it over.
LEASE_MARGIN_SECONDS = 1.0
STAND_INS = "parentapp.notification_stand_ins"


@dataclass(frozen=True)
class StandIns:
    """Who is told instead of a recipient no longer active, for a notice about one object."""

    ids: list[int]
    target_type: str
    target_id: int
    # Where nobody was left, for the log: "team 3".
    among: str


# Given a notice whose recipient is no longer active, its stand-ins; None when the notice is
# not about what the finder knows. The domain a notice is about registers its finder (flags:
# ``triage.notices``), so the outbox itself knows no flags.
StandInFinder = Callable[[Session, Notification, datetime], StandIns | None]


def add_stand_in_finder(app: Flask, finder: StandInFinder) -> None:
    app.extensions.setdefault(STAND_INS, []).append(finder)


def _claim(session: Session, *, batch: int, now: datetime, settings: Settings) -> list[int]:
    """Lease up to ``batch`` due rows to this worker and commit the lease; their ids."""
    due = (
        select(col(Notification.id))
        .where(
            col(Notification.delivered_at).is_(None),
            col(Notification.deliver_after) <= now,
            sa.or_(col(Notification.locked_until).is_(None), col(Notification.locked_until) <= now),
        )
        .order_by(col(Notification.deliver_after), col(Notification.id))
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = [i for i in session.exec(due).all() if i is not None]
    if ids:
        session.execute(
            sa.update(Notification)
            .where(col(Notification.id).in_(ids))
            .values(locked_until=now + settings.notification_lease)
        )
    session.commit()
    return ids


def _short_error(error: BaseException) -> str:
    # The exception's class and SMTP code or first words: never the message we tried to send.
    code = getattr(error, "smtp_code", None)
    text = f"{type(error).__name__}" + (f" {code}" if code else f": {error}")
    return text[:200]


def _finish(
    session: Session, row: Notification, *, now: datetime, error: BaseException | None
) -> None:
    if error is None:
        row.delivered_at = now
        row.last_error = None
        if "sealed" in row.payload:
            row.payload = {}  # a reset link's token: sent, so no longer kept anywhere
    else:
        row.attempts += 1
        row.last_error = _short_error(error)
        row.deliver_after = now + backoff(row.attempts)
    row.locked_until = None
    session.add(row)
    session.commit()


def _send_one(
    session: Session,
    row: Notification,
    send: Send | None,
    settings: Settings,
    error: Exception | None,
) -> Exception | None:
    if row.channel == Channel.IN_APP.value:
        return None  # shown by the in-app list as soon as it exists: nothing to transmit
    if send is None:
        return error or RuntimeError("no mail connection")
    recipient = session.get(User, row.recipient_id)
    if recipient is None or not recipient.active:
        return None  # a carer's reminder to a closed account: nobody to tell, no retries
    try:
        send(compose(notification=row, recipient=recipient, settings=settings))
    except Exception as failure:
        return failure
    return None


def _reroute(
    session: Session, row: Notification, now: datetime, finders: Sequence[StandInFinder]
) -> bool:
    """A notice to an account no longer active goes to whoever a finder names instead (for a
    flag: duty clinician, then leads, then every clinician): never marked delivered and
    dropped. True when ``row`` was handled here (re-routed, or nobody left, logged at ERROR)."""
    if not finders:
        return False
    recipient = session.get(User, row.recipient_id)
    if recipient is not None and recipient.active:
        return False
    found = next((f for f in (find(session, row, now) for find in finders) if f is not None), None)
    if found is None:
        return False
    ids = found.ids
    session.add_all(
        Notification(
            recipient_id=recipient_id,
            channel=row.channel,
            kind=row.kind,
            flag_id=row.flag_id,
            payload=row.payload,
            deliver_after=now,
        )
        for recipient_id in ids
    )
    if ids:
        row.last_error = f"recipient inactive: re-routed to user(s) {', '.join(map(str, ids))}"
    else:
        row.last_error = "recipient inactive: nobody active in the team"
        log.error(
            "%s %s: nobody active in %s to tell (notice %s)",
            found.target_type, found.target_id, found.among, row.id,
        )  # fmt: skip
    record(
        session=session,
        action="notification.rerouted",
        target_type=found.target_type,
        target_id=found.target_id,
        detail=row.last_error,
    )
    row.delivered_at = now
    row.locked_until = None
    session.add(row)
    session.commit()
    return True


def deliver_due(app: Flask, *, batch: int = 50, now: datetime | None = None) -> int:
    """Claim and deliver one batch of due notifications; how many were delivered."""
    return _deliver_batch(app, batch=batch, now=now)[0]


def _deliver_batch(app: Flask, *, batch: int, now: datetime | None) -> tuple[int, int]:
    """One claimed batch: (delivered, re-routed to the team)."""
    settings: Settings = app.config["PARENTAPP_SETTINGS"]
    with app.app_context(), session_scope(app) as session:
        claimed_at = now or utcnow()
        ids = _claim(session, batch=batch, now=claimed_at, settings=settings)
        if not ids:
            return 0, 0
        rows = session.exec(
            select(Notification).where(col(Notification.id).in_(ids)).order_by(col(Notification.id))
        ).all()
        finders: list[StandInFinder] = app.extensions.get(STAND_INS, [])
        stop_at = time.monotonic() + settings.notification_lease.total_seconds()
        stop_at -= LEASE_MARGIN_SECONDS
        delivered = rerouted = 0
        needs_mail = any(r.channel == Channel.EMAIL.value for r in rows)
        with _maybe_mailer(settings, needs_mail) as (send, connect_error):
            for row in rows:
                if time.monotonic() >= stop_at:
                    break  # the lease is nearly over: leave the rest for the next claim
                if _reroute(session, row, now if now is not None else utcnow(), finders):
                    rerouted += 1
                    continue
                error = _send_one(session, row, send, settings, connect_error)
                _finish(session, row, now=now if now is not None else utcnow(), error=error)
                delivered += error is None
                if error is not None:
                    log.warning("notification %s not delivered: %s", row.id, row.last_error)
        return delivered, rerouted


class _maybe_mailer:
    """An SMTP connection when the batch has emails; a failure to connect is returned, so
    each email row records it and backs off rather than the whole job failing."""

    def __init__(self, settings: Settings, needed: bool) -> None:
        self._settings = settings
        self._needed = needed
        self._context = mailer(settings) if needed else None

    def __enter__(self) -> tuple[Send | None, Exception | None]:
        if self._context is None:
            return None, None
        try:
            return self._context.__enter__(), None
        except Exception as error:
            self._context = None
            return None, error

    def __exit__(self, *exc: object) -> None:
        if self._context is not None:
            try:
                self._context.__exit__(None, None, None)
            except Exception:
                log.debug("closing the SMTP connection failed", exc_info=True)


def deliver_all_due(
    app: Flask, *, batch: int = 50, max_batches: int = 20, now: datetime | None = None
) -> int:
    """Drain the outbox a batch at a time (bounded, so other jobs still get their turn)."""
    total = 0
    for _ in range(max_batches):
        delivered, rerouted = _deliver_batch(app, batch=batch, now=now)
        total += delivered
        # Re-routed notices are new rows due now: send them in this run, not the next.
        if delivered < batch and not rerouted:
            break
    return total
