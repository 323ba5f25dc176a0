"""Compressed responses and cacheable static files: what keeps pages within their weight budget.

Every text response is compressed (Brotli, else gzip). Static files are addressed by a hash of
their contents (``static_url``), so a phone may keep them for a year and a release still
reaches it at once: the new release's pages ask for new addresses. Pages stay ``no-store``
(security.py); only files under /static, the same for everyone, are ever kept.
"""

import hashlib
from importlib.util import find_spec
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_compress import Compress

compress = Compress()

# Text only: images other than SVG are compressed already.
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
]
ONE_YEAR = 365 * 24 * 60 * 60
VERSION_ARG = "v"  # the query argument static_url adds
_DIGESTS: dict[tuple[str, int], str] = {}


def algorithms() -> list[str]:
    """Brotli when the package is there (smaller), gzip for everything else."""
    return ["br", "gzip"] if find_spec("brotli") or find_spec("brotlicffi") else ["gzip"]


def file_digest(path: Path) -> str:
    """A short hash of one file's contents, remembered until the file changes."""
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _DIGESTS[key]


def static_url(filename: str) -> str:
    """The address of a static file with its content hash, for links kept by the browser."""
    assert current_app.static_folder is not None
    path = Path(current_app.static_folder) / filename
    if not path.is_file():
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=file_digest(path))


def static_cache_headers(response: Response) -> Response:
    """A versioned static file never changes: keep it a year. Any other static request is
    revalidated (ETag, so usually a 304) so that an unversioned address is never stale."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    if response.status_code == 200 and response.mimetype in COMPRESSED_TYPES:
        # Read the (small) file now and compress it whole: compressing the file stream chunk by
        # chunk would leave the file open, and a whole body keeps its length and ETag.
        response.direct_passthrough = False
        response.make_sequence()
    version = request.args.get(VERSION_ARG)
    filename = (request.view_args or {}).get("filename", "")
    assert current_app.static_folder is not None
    path = Path(current_app.static_folder) / str(filename)
    current = version is not None and path.is_file() and version == file_digest(path)
    response.cache_control.public = True
    if current:
        response.cache_control.no_cache = None
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = None
        response.cache_control.no_cache = True
    return response


class SessionInterface(SecureCookieSessionInterface):
    """The usual signed-cookie session, except that a static file never sends the cookie or
    ``Vary: Cookie``: the file is the same for everyone, the cookie is re-signed on every
    response (so ``Vary: Cookie`` would make the browser ask for every file again), and a file
    answered late would put back a cookie from before a login or logout."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    chosen = algorithms()
    for key, value in {
        "COMPRESS_MIMETYPES": COMPRESSED_TYPES,
        "COMPRESS_ALGORITHM": chosen,
        # A streamed response goes out as it is made, untouched: compressing it would hold it back.
        "COMPRESS_STREAMS": False,
        "COMPRESS_BR_LEVEL": 5,
    }.items():
        app.config.setdefault(key, value)
    compress.init_app(app)
    app.session_interface = SessionInterface()
    app.after_request(static_cache_headers)
    app.add_template_global(static_url)
