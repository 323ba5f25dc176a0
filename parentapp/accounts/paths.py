"""Where to send someone back to after a form: only a path on this site."""

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None) -> str:
    """A path on this site to go back to; anything else (another host, a scheme, ``//host``,
    a backslash some browsers read as a slash) goes to the home page instead."""
    fallback = url_for("accounts.index")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return fallback
    return target
