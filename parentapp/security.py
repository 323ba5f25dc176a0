"""HTTP security headers and role checks shared by every blueprint."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, abort, current_app, request
from flask_login import current_user

from parentapp.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

# No inline script or style anywhere: every script and stylesheet is a file under /static.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response: Response) -> Response:
    """Headers for every response; authenticated pages are never cached anywhere."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    # Same-origin, not no-referrer: over HTTPS Flask-WTF refuses a POST without a Referer from
    # this host, so "no-referrer" would break every form in production. A page with no form
    # may ask for less (a shared summary, whose address holds its link's token).
    headers.setdefault("Referrer-Policy", "same-origin")
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint == "pwa.service_worker":
        # The same script for everyone, holding no data: revalidated on every use so that a
        # release reaches phones at once.
        headers["Cache-Control"] = "no-cache"
    elif request.endpoint != "static" and (
        current_user.is_authenticated or request.endpoint != "ops.healthz"
    ):
        # Static files are the same for everyone and hold no personal data, so they may be kept
        # (assets.py sets how long) even for a logged-in person; everything else may not.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
        headers.add("Vary", "Cookie")
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)


def role_required(*roles: str) -> Callable[[F], F]:
    """Allow a view only to logged-in users holding one of ``roles``; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                from parentapp.audit.services import record_denied

                record_denied(reason="role")
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


# The clinical staff: everyone who may see families' records.
clinical = role_required("clinician", "lead")
