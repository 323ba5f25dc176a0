"""A person's own second factor: enrolling an authenticator app, passing the step after the
password, recovery codes, and (for a carer) turning it off."""

import segno
from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.accounts.models import LoginSession
from parentapp.accounts.paths import safe_next
from parentapp.accounts.sessions import current_login_session
from parentapp.db import get_session, utcnow
from parentapp.errors import DomainError, apply_to_form
from parentapp.extensions import failed_form, limiter, user_key
from parentapp.signin import codes, factors, passkeys
from parentapp.signin.blueprint import bp
from parentapp.signin.forms import CodeForm, SetupForm
from parentapp.signin.guard import AFTER_KEY

ISSUER = "Parent check-in"
PENDING_SECRET = "pending_totp_secret"  # noqa: S105 - a session key
SHOW_CODES = "recovery_codes_to_show"


def _row() -> LoginSession:
    row = current_login_session()
    if row is None:
        abort(401)
    return row


def _onward() -> Response:
    return redirect(safe_next(session.pop(AFTER_KEY, None)))


@bp.route("/login/second-factor", methods=["GET", "POST"])
@login_required
@limiter.limit("5 per 5 minutes", methods=["POST"], key_func=user_key, deduct_when=failed_form)
def verify() -> Response | str | tuple[str, int]:
    """The step after the password: a code from the app, or a recovery code."""
    user, row = signed_in(), _row()
    if row.cleared_at is not None:
        return _onward()
    db = get_session()
    if not factors.has_factor(db, user.id or 0):
        return redirect(url_for("signin.setup"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            used_recovery = factors.pass_step(
                db, user=user, code=form.code.data or "", row=row, now=utcnow()
            )
        except DomainError as error:
            apply_to_form(form, error)
        else:
            if used_recovery:
                left = factors.unused_recovery_codes(db, user.id or 0)
                flash(
                    _(
                        "You used a recovery code; %(count)d are left. Make new ones on "
                        "your account page if you are running out.",
                        count=left,
                    ),
                    "info",
                )
            return _onward()
    status = 400 if form.is_submitted() else 200
    return render_template(
        "signin/verify.html",
        form=form,
        has_app=factors.totp_of(db, user.id or 0) is not None,
        has_passkey=bool(passkeys.passkeys_of(db, user.id or 0)),
    ), status


@bp.route("/account/second-factor/setup", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 5 minutes", methods=["POST"], key_func=user_key, deduct_when=failed_form)
def setup() -> Response | str | tuple[str, int]:
    """Enrol an authenticator app: its QR code, the secret to type instead, and a code from
    the app to show that it holds the secret."""
    user, row = signed_in(), _row()
    db = get_session()
    enrolled = factors.totp_of(db, user.id or 0) is not None
    if factors.has_factor(db, user.id or 0) and row.cleared_at is None:
        return redirect(url_for("signin.verify"))  # a second app only after the first code
    secret = session.get(PENDING_SECRET) or codes.new_secret()
    session[PENDING_SECRET] = secret
    form = SetupForm()
    if form.validate_on_submit():
        try:
            shown = factors.enrol_totp(
                db, user=user, secret=secret, code=form.code.data or "", row=row, now=utcnow()
            )
        except DomainError as error:
            apply_to_form(form, error)
        else:
            session.pop(PENDING_SECRET, None)
            session[SHOW_CODES] = shown
            return redirect(url_for("signin.recovery_codes"))
    uri = codes.provisioning_uri(secret, account=user.email, issuer=ISSUER)
    # segno writes the SVG itself and escapes the title: nothing a user typed is in it.
    drawn = segno.make(uri, error="m").svg_inline(scale=5, title=_("QR code to scan"))
    qr = Markup(drawn)  # noqa: S704
    page = render_template(
        "signin/setup.html",
        form=form,
        qr=qr,
        secret=codes.grouped(secret),
        required=factors.required_for(user),
        replacing=enrolled,
    )
    return (page, 400) if form.is_submitted() else page


@bp.route("/account/second-factor/recovery-codes")
@login_required
def recovery_codes() -> Response | str:
    """The ten recovery codes, shown once, right after they were made."""
    shown = session.pop(SHOW_CODES, None)
    if not shown:
        return redirect(url_for("signin.manage"))
    return render_template("signin/recovery_codes.html", codes=shown)


@bp.route("/account/second-factor")
@login_required
def manage() -> str:
    """Your second factor: whether it is on, how many recovery codes are left."""
    user = signed_in()
    db = get_session()
    return render_template(
        "signin/manage.html",
        factor=factors.totp_of(db, user.id or 0),
        keys=passkeys.passkeys_of(db, user.id or 0),
        left=factors.unused_recovery_codes(db, user.id or 0),
        required=factors.required_for(user),
    )


@bp.route("/account/second-factor/recovery-codes/new", methods=["POST"])
@login_required
def renew_recovery_codes() -> Response:
    """Ten new recovery codes; the old ones stop working."""
    user = signed_in()
    db = get_session()
    if not factors.has_factor(db, user.id or 0):
        flash(_("Set up an authenticator app first."), "error")
        return redirect(url_for("signin.manage"))
    session[SHOW_CODES] = factors.new_recovery_codes(db, user=user, now=utcnow())
    return redirect(url_for("signin.recovery_codes"))


@bp.route("/account/second-factor/off", methods=["POST"])
@login_required
def turn_off() -> Response:
    """A carer turns their second factor off; staff cannot."""
    try:
        factors.turn_off(get_session(), user=signed_in())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Your second factor is off. Signing in needs only your password."), "success")
    return redirect(url_for("signin.manage"))
