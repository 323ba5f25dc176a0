"""Operator commands for reminders: make the VAPID key pair push needs."""

import click
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from py_vapid.utils import b64urlencode


def new_vapid_keys() -> tuple[str, str]:
    """A new (public, private) pair, both base64url: the public key as the uncompressed point
    browsers take as ``applicationServerKey``, the private key as its raw 32 bytes."""
    vapid = Vapid()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64urlencode(public), b64urlencode(private)


@click.group("reminders")
def reminders_group() -> None:
    """Reminders by web push and email."""


@reminders_group.command("vapid-keys")
def vapid_keys_command() -> None:
    """Print a new VAPID key pair for the environment (keep the private key secret)."""
    public, private = new_vapid_keys()
    click.echo(f"VAPID_PUBLIC_KEY={public}")
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo("VAPID_SUBJECT=mailto:you@example.org")
