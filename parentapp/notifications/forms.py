"""The one form of the notification list."""

from flask_wtf import FlaskForm


class MarkAllReadForm(FlaskForm):
    """No fields: the button and its CSRF token."""
