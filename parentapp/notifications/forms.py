"""The one form of the notification list."""

from parentapp.forms import Form


class MarkAllReadForm(Form):
    """No fields: the button and its CSRF token."""
