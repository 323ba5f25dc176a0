"""A carer's reminder settings, and the push subscriptions of their browsers."""

import base64
import binascii
from datetime import time
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from flask_babel import gettext as _
from sqlmodel import Session, select

from parentapp.accounts.models import User
from parentapp.db import utcnow
from parentapp.errors import DomainError
from parentapp.families.models import Carer
from parentapp.reminders.models import PushSubscription

MAX_ENDPOINT_LENGTH = 2048
# An uncompressed P-256 point and a 16-byte secret (RFC 8291); anything else is not a browser's.
P256DH_BYTES = 65
AUTH_BYTES = 16


class SubscriptionError(DomainError):
    """The browser sent something that is not a push subscription."""


def save_settings(
    *,
    session: Session,
    carer: Carer,
    enabled: bool,
    quiet_start: time | None,
    quiet_end: time | None,
) -> Carer:
    """Turn reminders on or off and set the quiet hours (both, or neither for none); commits.

    :raises DomainError: only one of the two times, or the same time twice.
    """
    if (quiet_start is None) != (quiet_end is None):
        raise DomainError(_("Choose both a start and an end for quiet hours."), "quiet_end")
    if quiet_start is not None and quiet_start == quiet_end:
        raise DomainError(
            _("Quiet hours must end at a different time from when they start."), "quiet_end"
        )
    carer.reminders_enabled = enabled
    carer.quiet_start = quiet_start
    carer.quiet_end = quiet_end
    session.add(carer)
    session.commit()
    return carer


def _key(value: Any, length: int) -> bytes:
    if not isinstance(value, str) or not value or len(value) > 255:
        raise SubscriptionError(_("This phone's notification details could not be read."))
    text = value.rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise SubscriptionError(
            _("This phone's notification details could not be read.")
        ) from error
    # urlsafe_b64decode quietly drops characters outside the alphabet: check there were none.
    if len(raw) != length or base64.urlsafe_b64encode(raw).decode().rstrip("=") != text:
        raise SubscriptionError(_("This phone's notification details could not be read."))
    return raw


def _endpoint(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_ENDPOINT_LENGTH:
        raise SubscriptionError(_("This phone's notification address could not be read."))
    parts = urlsplit(value)
    # Push services are only ever reached over TLS; a plain or odd URL is not a subscription.
    if parts.scheme != "https" or not parts.hostname or any(ord(c) < 33 for c in value):
        raise SubscriptionError(_("This phone's notification address could not be read."))
    return value


def parse_subscription(data: Any) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from a browser's ``PushSubscription.toJSON()``.

    :raises SubscriptionError: anything else.
    """
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise SubscriptionError(_("This phone's notification details could not be read."))
    keys = data["keys"]
    endpoint = _endpoint(data.get("endpoint"))
    p256dh = _key(keys.get("p256dh"), P256DH_BYTES)
    auth = _key(keys.get("auth"), AUTH_BYTES)
    try:
        # Messages are encrypted to this key: one that is not a P-256 point could never be used.
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError as error:
        raise SubscriptionError(
            _("This phone's notification details could not be read.")
        ) from error
    return endpoint, _b64(p256dh), _b64(auth)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def subscribe(*, session: Session, user: User, data: Any) -> PushSubscription:
    """Store (or refresh) this browser's subscription for ``user``; commits.

    The endpoint identifies the browser: if another account used it before on the same phone,
    it now belongs to whoever turned notifications on last, so reminders never reach the
    previous account's owner through someone else's login.

    :raises SubscriptionError: ``data`` is not a valid subscription (nothing is stored).
    """
    endpoint, p256dh, auth = parse_subscription(data)
    for _attempt in range(2):
        row = session.exec(
            select(PushSubscription).where(PushSubscription.endpoint == endpoint)
        ).first()
        if row is None:
            row = PushSubscription(
                user_id=user.id or 0, endpoint=endpoint, p256dh=p256dh, auth=auth
            )
        else:
            row.user_id = user.id or 0
            row.p256dh = p256dh
            row.auth = auth
            row.created_at = utcnow()
        session.add(row)
        try:
            session.commit()
        except sa.exc.IntegrityError:
            # The same browser subscribed twice at once: the other request's row now exists.
            session.rollback()
            continue
        return row
    raise SubscriptionError(_("Please try again."))


def unsubscribe(*, session: Session, user: User, data: Any) -> bool:
    """Forget this browser's subscription if it is the user's; whether one was removed."""
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise SubscriptionError(_("This phone's notification address could not be read."))
    row = session.exec(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    ).first()
    if row is None:
        return False
    session.delete(row)
    session.commit()
    return True


def subscription_count(session: Session, user: User) -> int:
    return len(
        session.exec(select(PushSubscription.id).where(PushSubscription.user_id == user.id)).all()
    )
