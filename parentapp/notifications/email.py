"""The email channel: plain-text messages with no clinical details, sent over SMTP.

Outside production with no ``MAIL_SERVER``, messages are printed to the console instead, so
a developer sees what would have been sent.
"""

import json
import logging
import smtplib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import make_msgid

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from parentapp.accounts.models import User
from parentapp.config import Settings
from parentapp.notifications.models import Notification
from parentapp.sealing import unseal

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 15

# Subjects say only that there is something to look at, never what or about whom.
SUBJECTS = {
    "flag_opened": _l("New urgent flag to review"),
    "flag_urgent": _l("A flag is now urgent"),
    "flag_repeat": _l("A new urgent answer to review"),
    "flag_escalated": _l("An urgent flag needs you"),
    "flag_reassigned": _l("A family's flags are now yours"),
    "digest": _l("Your open flags today"),
    "reminder": _l("Your check-in is ready"),
    "team_message": _l("You have a message from your team"),
    "factor_reset": _l("Your second factor was reset"),
    "password_reset": _l("Reset your password"),
    "referral_step": _l("An update on your referral"),
    "referral_received": _l("A new referral to read"),
    "referral_overdue": _l("A referral is overdue"),
    "share_link": _l("A summary has been shared with you"),
    "coparent_requested": _l("A family asked your team to invite someone"),
    "invitation": _l("You are invited to join a baby's care app"),
}
# Where each kind of email links to (flag pages are behind login; the link carries no id).
LINKS = {
    "digest": "/clinic",
    "reminder": "/home",
    "factor_reset": "/login",
    "referral_step": "/referrals",
    "referral_received": "/team/referrals",
    "referral_overdue": "/team/referrals",
    "coparent_requested": "/flags",
    "team_message": "/messages",
}
# The path a password-reset link opens, followed by its token (sealed in the payload).
RESET_PATH = "/password/reset/"
# The path a share's link opens, followed by its token (sealed in the payload, as is the
# address of the professional it goes to, who has no account).
SHARE_PATH = "/shared/"
# The path an invitation link opens, followed by its code (sealed in the payload).
JOIN_PATH = "/join/"

Send = Callable[[EmailMessage], object]


class MailNotConfigured(RuntimeError):
    """Production without a mail server: the rows wait and are retried until one is set."""


def compose(*, notification: Notification, recipient: User, settings: Settings) -> EmailMessage:
    """The email for ``notification``, in the recipient's language."""
    kind = notification.kind if notification.kind in SUBJECTS else "flag_opened"
    link = settings.app_base_url + LINKS.get(kind, "/flags")
    if kind == "password_reset":
        token = unseal(settings.secret_key, str(notification.payload.get("sealed", "")))
        if token is None:
            raise MailNotConfigured("a reset link sealed with another SECRET_KEY")
        link = settings.app_base_url + RESET_PATH + token
    to, locale, sealed = recipient.email, recipient.locale or "en", {}
    if kind == "share_link":
        token = unseal(settings.secret_key, str(notification.payload.get("sealed", "")))
        to = unseal(settings.secret_key, str(notification.payload.get("to", ""))) or ""
        if token is None or not to:
            raise MailNotConfigured("a share's link sealed with another SECRET_KEY")
        link = settings.app_base_url + SHARE_PATH + token
        locale = str(notification.payload.get("locale") or "en")
    elif kind == "invitation":
        # To someone who has no account yet: who, and the code, wait sealed in the payload.
        sealed = _unsealed_json(settings, notification)
        to, locale = str(sealed["to"]), str(notification.payload.get("locale") or "en")
        link = settings.app_base_url + JOIN_PATH + str(sealed["code"])
    with force_locale(locale):
        subject = str(SUBJECTS[kind])
        body = render_template(
            f"notifications/email/{kind}.txt",
            recipient=recipient,
            payload=notification.payload,
            sealed=sealed,
            link=link,
        )
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.mail_from
    message["To"] = to
    domain = settings.mail_from.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(idstring=f"notification-{notification.id}", domain=domain)
    # Lets a receiving system (and the tests) tell a resend of one row from a new message.
    message["X-Parentapp-Notification"] = str(notification.id)
    message.set_content(body)
    # After set_content, which replaces every Content-* header.
    message["Content-Language"] = locale.replace("_", "-")
    return message


def _unsealed_json(settings: Settings, notification: Notification) -> dict[str, object]:
    """:raises MailNotConfigured: sealed with another SECRET_KEY (the row waits and retries)."""
    opened = unseal(settings.secret_key, str(notification.payload.get("sealed", "")))
    value = json.loads(opened) if opened is not None else None
    if not isinstance(value, dict):
        raise MailNotConfigured("an invitation sealed with another SECRET_KEY")
    return value


@contextmanager
def mailer(settings: Settings) -> Iterator[Send]:
    """A function that sends one message, over one SMTP connection kept for the batch.

    :raises MailNotConfigured: in production with no MAIL_SERVER.
    :raises OSError, smtplib.SMTPException: the server cannot be reached or refuses us.
    """
    if not settings.mail_server:
        if settings.is_production:
            raise MailNotConfigured("MAIL_SERVER is not set")
        yield _print_message
        return
    with smtplib.SMTP(
        settings.mail_server, settings.mail_port, timeout=SMTP_TIMEOUT_SECONDS
    ) as smtp:
        if settings.mail_use_tls:
            smtp.starttls()
        if settings.mail_username:
            smtp.login(settings.mail_username, settings.mail_password)
        yield smtp.send_message


def _print_message(message: EmailMessage) -> None:
    """The headers and the decoded text, so that a link in it can be copied as it is (the
    wire form wraps long lines in quoted-printable)."""
    headers = "".join(f"{name}: {value}\n" for name, value in message.items())
    text = message.get_content()
    sys.stdout.write(f"--- email (MAIL_SERVER not set) ---\n{headers}\n{text}\n---\n")
    sys.stdout.flush()
