"""The app shell the service worker keeps on the phone, and the version that names its cache.

Only static files and the offline page are ever cached on the phone: never an authenticated
page, an API response or an answer.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

# What the service worker stores when it installs, if the file exists (parts of the app may
# ship without some of them; a missing file would make the whole install fail).
SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "js/outbox.js",
    "js/checkin.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/discreet.svg",
    "icons/discreet-192.png",
)
OFFLINE_URL = "/offline"
SW_SOURCE = "js/sw.js"
EXTENSION_KEY = "parentapp.pwa"


@dataclass(frozen=True)
class Shell:
    version: str
    precache: tuple[str, ...]
    script: str


def static_version(static_dir: Path) -> str:
    """A short hash of every static file's name and contents: a new release gets a new cache."""
    digest = hashlib.sha256()
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(static_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def precache_urls(static_dir: Path, static_url: str) -> tuple[str, ...]:
    present = [name for name in SHELL_FILES if (static_dir / name).is_file()]
    return (*(f"{static_url}/{name}" for name in present), OFFLINE_URL)


def render_script(source: str, version: str, precache: tuple[str, ...]) -> str:
    """Fill the cache version and the precache list into the service worker's source."""
    urls = ", ".join(json.dumps(url) for url in precache)
    return source.replace("__SHELL_VERSION__", version).replace("/* __PRECACHE__ */", urls)


def build(static_dir: Path, static_url: str) -> Shell:
    version = static_version(static_dir)
    precache = precache_urls(static_dir, static_url)
    source = (static_dir / SW_SOURCE).read_text(encoding="utf-8")
    return Shell(
        version=version, precache=precache, script=render_script(source, version, precache)
    )


def init_app(app: Flask) -> None:
    # Computed once at start-up: the files do not change while a release is running.
    assert app.static_folder is not None
    app.extensions[EXTENSION_KEY] = build(Path(app.static_folder), app.static_url_path or "")


def current_shell() -> Shell:
    shell: Shell = current_app.extensions[EXTENSION_KEY]
    return shell
