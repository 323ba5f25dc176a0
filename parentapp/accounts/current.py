"""The person signed in, as the User row: what views pass to services."""

from flask_login import current_user

from parentapp.accounts.models import User


def signed_in() -> User:
    """The signed-in user (a view behind a role check or ``login_required`` only)."""
    user: User = current_user._get_current_object()
    return user
