"""Access to carer pages, shared by every domain's carer views."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g, redirect, url_for
from flask_login import current_user

from parentapp.db import get_session
from parentapp.families import queries
from parentapp.security import role_required

F = TypeVar("F", bound=Callable[..., Any])


def carer_page(*, need_consent: bool = True) -> Callable[[F], F]:
    """Carer-only pages; until the carer has agreed to the consent screen they are sent there."""

    def decorator(view: F) -> F:
        @wraps(view)
        @role_required("carer")
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            membership = queries.membership_of(get_session(), current_user)
            if membership is None:
                abort(403)
            if need_consent and membership.carer.consented_at is None:
                return redirect(url_for("families.consent"))
            g.carer, g.membership = membership.carer, membership
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator
