"""Development without MAIL_SERVER: emails are printed, with their text decoded so that a
long link (a password reset's) can be copied whole."""

from email.message import EmailMessage

import pytest

from parentapp.config import Settings
from parentapp.notifications.email import mailer


def test_a_printed_email_keeps_a_long_link_on_one_line(capsys: pytest.CaptureFixture[str]):
    link = "https://parentapp.test/password/reset/" + "x" * 90
    message = EmailMessage()
    message["Subject"] = "Reset your password"
    message["To"] = "someone@example.org"
    message.set_content(f"Open this link:\n\n{link}\n")

    with mailer(Settings(env="development", mail_server="")) as send:
        send(message)

    printed = capsys.readouterr().out
    assert "Subject: Reset your password" in printed
    assert link in printed.splitlines()
