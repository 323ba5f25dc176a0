"""Sending one Web Push message to each of a user's browsers (VAPID, RFC 8291 encryption).

Only a title, a short neutral sentence and a link to the carer's home ever go in a message:
it may appear on a locked phone that someone else picks up.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlmodel import Session, col, select

from parentapp.config import Settings
from parentapp.notifications.models import Channel
from parentapp.notifications.services import Kind, enqueue
from parentapp.reminders.models import PushSubscription

log = logging.getLogger(__name__)
PUSH_TIMEOUT_SECONDS = 10
# The push service answers these when the browser's subscription no longer exists.
GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str

    def as_json(self) -> str:
        return json.dumps({"title": self.title, "body": self.body, "url": self.url})


@dataclass(frozen=True)
class PushResult:
    delivered: int
    failed: int
    removed: int


def load_vapid(private_key: str) -> Vapid:
    """The signing key from the setting: a PEM, or the base64url raw (or DER) key.

    :raises ValueError: the key cannot be read.
    """
    try:
        if "-----BEGIN" in private_key:
            return Vapid.from_pem(private_key.strip().encode())
        return Vapid.from_string(private_key.strip())
    except Exception as error:
        raise ValueError("VAPID_PRIVATE_KEY is not a readable EC private key") from error


def _status(error: WebPushException) -> int | None:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def push_to_user(
    *, session: Session, settings: Settings, user_id: int, message: Message, now: datetime
) -> PushResult:
    """Send ``message`` to every subscription of the user; commits the changes it makes.

    A subscription the push service reports as gone (404/410) is deleted; any other failure
    (the service down, a timeout) leaves it for next time. Never raises for a send failure.
    """
    if not settings.push_enabled:
        return PushResult(0, 0, 0)
    subscriptions = session.exec(
        select(PushSubscription)
        .where(PushSubscription.user_id == user_id)
        .order_by(col(PushSubscription.id))
    ).all()
    if not subscriptions:
        return PushResult(0, 0, 0)
    try:
        vapid = load_vapid(settings.vapid_private_key)
    except ValueError:
        # A broken key must not cost the carer the reminder: the caller falls back to email.
        log.exception("push is configured with an unreadable VAPID_PRIVATE_KEY")
        return PushResult(0, len(subscriptions), 0)
    ttl = int(settings.reminder_follow_up.total_seconds())
    delivered = failed = removed = 0
    for subscription in subscriptions:
        info = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        try:
            webpush(
                info,
                data=message.as_json(),
                vapid_private_key=vapid,
                # A fresh dict each time: webpush writes "aud" and "exp" into it.
                vapid_claims={"sub": settings.vapid_subject},
                ttl=ttl,
                timeout=PUSH_TIMEOUT_SECONDS,
            )
        except WebPushException as error:
            status = _status(error)
            if status in GONE_STATUSES:
                session.delete(subscription)
                removed += 1
            else:
                failed += 1
            log.warning("push to subscription %s failed: status %s", subscription.id, status)
        except Exception as error:
            # Network errors from requests, a malformed stored key: this device failed only.
            failed += 1
            log.warning("push to subscription %s failed: %s", subscription.id, type(error).__name__)
        else:
            subscription.last_success_at = now
            session.add(subscription)
            delivered += 1
    session.commit()
    return PushResult(delivered, failed, removed)


def push_else_email(
    *,
    session: Session,
    settings: Settings,
    user_id: int,
    message: Message,
    kind: Kind,
    payload: dict[str, object],
    now: datetime,
) -> str:
    """Push ``message`` to the person's browsers; when none takes it (none subscribed, all
    failed, or push is off), the outbox sends an email of ``kind`` instead and retries it like
    any other. Flushes; the channel used, "push" or "email"."""
    result = push_to_user(
        session=session, settings=settings, user_id=user_id, message=message, now=now
    )
    if result.delivered:
        return "push"
    enqueue(
        session=session,
        recipient_id=user_id,
        kind=kind,
        channels=[Channel.EMAIL],
        payload=payload,
        now=now,
    )
    return Channel.EMAIL.value
