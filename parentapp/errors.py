"""Domain errors raised by services, and how a form shows one. The HTTP error pages that answer
them are in ``error_pages``."""

from typing import Any


class DomainError(Exception):
    """A rule was broken; ``message`` is already translated, ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundError(DomainError):
    """The object does not exist, or exists outside what the user may see (never say which)."""


class PermissionDeniedError(DomainError):
    """The user may not do this to an object they can otherwise see."""


def apply_to_form(form: Any, error: DomainError) -> None:
    """Show a service's error beside the field it concerns (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
