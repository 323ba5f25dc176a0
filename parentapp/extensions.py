"""Extension objects, created unbound and attached to the app in ``create_app``."""

import time

from flask import Response
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def failed_form(response: Response) -> bool:
    """Flask-Limiter's deduct_when for a form: only an answer that is not a redirect counts
    (a success redirects; a refusal shows the form again)."""
    return response.status_code != 302


def user_key() -> str:
    """Rate-limit key: the user, so carers behind one address (a clinic's wifi) count apart."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def add_retry_after(response: Response) -> Response:
    """Tell a refused client when to try again (``Retry-After``, in seconds).

    Only a refused request reads the limit's window back from the store: Flask-Limiter's own
    headers would cost every allowed request a second round trip to Redis.
    """
    if response.status_code == 429 and "Retry-After" not in response.headers:
        current = limiter.current_limit
        if current is not None:
            response.headers["Retry-After"] = str(max(1, int(current.reset_at - time.time())))
    return response
