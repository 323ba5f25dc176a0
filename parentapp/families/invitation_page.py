"""The page that shows a new invitation's code, link and QR code, once: drawn wherever an
invitation is made (a family's page, an accepted referral)."""

import segno
from flask import render_template, url_for
from markupsafe import Markup

from parentapp.families.models import Family, Invitation


def invitation_page(family: Family, invitation: Invitation, code: str, **extra: object) -> str:
    """The invitation page for ``code`` (never stored: this is its only showing); ``extra``
    for the template (a co-parent request's phone number to pass the code on to)."""
    link = url_for("families.join_link", code=code, _external=True)
    qr = segno.make(link, error="m").svg_inline(scale=5, border=2, omitsize=True, svgclass="qr")
    return render_template(
        "clinician/invitation.html",
        family=family,
        invitation=invitation,
        code=code,
        link=link,
        qr=Markup(qr),  # noqa: S704 - segno's own SVG markup of our URL, no user input
        **extra,
    )
