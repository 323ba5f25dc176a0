"""VAPID settings from the environment, and the command that makes a key pair."""

from datetime import timedelta

import pytest
from flask import Flask

from parentapp.config import ConfigError, Settings
from parentapp.reminders.cli import new_vapid_keys
from parentapp.reminders.push import load_vapid


def test_push_is_off_without_keys() -> None:
    settings = Settings.from_env({})
    assert not settings.push_enabled
    assert settings.reminder_follow_up == timedelta(hours=24)


def test_settings_from_the_environment() -> None:
    public, private = new_vapid_keys()
    settings = Settings.from_env(
        {
            "VAPID_PUBLIC_KEY": public,
            "VAPID_PRIVATE_KEY": private,
            "VAPID_SUBJECT": "mailto:ops@example.org",
            "REMINDER_FOLLOW_UP_HOURS": "12",
        }
    )
    assert settings.push_enabled
    assert settings.reminder_follow_up == timedelta(hours=12)


def test_a_pem_key_on_one_line_is_read() -> None:
    from py_vapid import Vapid

    vapid = Vapid()
    vapid.generate_keys()
    pem = vapid.private_pem().decode()
    settings = Settings.from_env(
        {
            "VAPID_PUBLIC_KEY": "x",
            "VAPID_PRIVATE_KEY": pem.strip().replace("\n", "\\n"),
            "VAPID_SUBJECT": "https://example.org/contact",
        }
    )
    assert load_vapid(settings.vapid_private_key).public_key.public_numbers() == (
        vapid.public_key.public_numbers()
    )


@pytest.mark.parametrize(
    "env",
    [
        {"VAPID_PUBLIC_KEY": "abc"},
        {"VAPID_PRIVATE_KEY": "abc"},
        {"VAPID_PUBLIC_KEY": "abc", "VAPID_PRIVATE_KEY": "abc"},  # no subject
        {"VAPID_PUBLIC_KEY": "a", "VAPID_PRIVATE_KEY": "b", "VAPID_SUBJECT": "ops@example.org"},
        {"REMINDER_FOLLOW_UP_HOURS": "0"},
    ],
)
def test_unsafe_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        Settings.from_env(env)


def test_an_unreadable_key_is_reported() -> None:
    with pytest.raises(ValueError, match="VAPID_PRIVATE_KEY"):
        load_vapid("not a key")


def test_the_command_prints_a_working_pair(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["reminders", "vapid-keys"])

    assert result.exit_code == 0, result.output
    lines = dict(line.split("=", 1) for line in result.output.splitlines())
    vapid = load_vapid(lines["VAPID_PRIVATE_KEY"])
    from cryptography.hazmat.primitives import serialization

    from tests.reminders.subscriptions import b64

    point = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert lines["VAPID_PUBLIC_KEY"] == b64(point)
    assert lines["VAPID_SUBJECT"].startswith("mailto:")
