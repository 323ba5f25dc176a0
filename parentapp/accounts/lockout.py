"""The per-account limit on failed logins, kept so that a guesser spreading attempts over many
addresses is still slowed, without letting anyone lock a colleague out.

Over the limit, a wrong password is refused as before; the right one is let through only to
the second-factor step, for an account that has a second factor (every staff account must),
since that step is a gate a guesser cannot pass (ASVS 6.3.1 allows either this or
progressive delays). An account with no second factor stays locked until the window ends or
its password is reset by email.
"""

import time
from collections.abc import Callable

from flask import Flask, current_app
from limits import parse

from parentapp.accounts.models import User
from parentapp.extensions import limiter

ACCOUNT_LIMIT = parse("5 per 15 minutes")
_NAMESPACE = "login-account"
UserCheck = Callable[[User], bool]


def _key(email: str) -> str:
    return email.strip().lower()


def _on() -> bool:
    return bool(limiter.enabled)


def locked(email: str) -> bool:
    """Whether ``email`` has used up its failed logins for now."""
    return _on() and not limiter.limiter.test(ACCOUNT_LIMIT, _NAMESPACE, _key(email))


def count_failure(email: str) -> None:
    if _on():
        limiter.limiter.hit(ACCOUNT_LIMIT, _NAMESPACE, _key(email))


def forget(email: str) -> None:
    """A password reset ends the lock: the person proved they hold the address."""
    if _on():
        limiter.limiter.clear(ACCOUNT_LIMIT, _NAMESPACE, _key(email))


def seconds_left(email: str) -> int:
    if not _on():
        return 0
    reset_at, _remaining = limiter.limiter.get_window_stats(ACCOUNT_LIMIT, _NAMESPACE, _key(email))
    return max(1, int(reset_at - time.time()))


def add_second_factor_checks(app: Flask, *, has: UserCheck, needs_step: UserCheck) -> None:
    """The sign-in domain's answers: whether an account has a second factor, and whether a
    new session of it must pass one (staff must, where it is required)."""
    app.extensions["parentapp.second_factor"] = (has, needs_step)


def _checks() -> tuple[UserCheck, UserCheck] | None:
    found: tuple[UserCheck, UserCheck] | None = current_app.extensions.get(
        "parentapp.second_factor"
    )
    return found


def has_second_factor(user: User) -> bool:
    checks = _checks()
    return checks is not None and checks[0](user)


def needs_second_factor_step(user: User) -> bool:
    checks = _checks()
    return checks is not None and checks[1](user)
