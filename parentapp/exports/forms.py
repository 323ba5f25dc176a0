"""Forms of the exports pages."""

from parentapp.forms import Form


class DownloadForm(Form):
    """Only the CSRF token: a download is asked for by a button, never by a link another site
    could make a browser follow."""
