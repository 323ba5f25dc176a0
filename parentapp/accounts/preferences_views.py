"""Choosing a language (anyone, from the switcher on every page) and the account page."""

import flask_babel
from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from parentapp.accounts import preferences
from parentapp.accounts.blueprint import bp
from parentapp.accounts.forms import AccountForm, LanguageForm
from parentapp.accounts.paths import safe_next
from parentapp.db import get_session
from parentapp.errors import DomainError, apply_to_form

LOCALE_KEY = "locale"  # read by parentapp.i18n.select_locale


@bp.route("/language", methods=["POST"])
def choose_language() -> Response:
    """Read the app in another language: kept on the account when logged in, else this visit."""
    form = LanguageForm()
    back = safe_next(form.next.data)
    if not form.validate_on_submit():
        flash(_("That language is not available."), "error")
        return redirect(back)
    try:
        code = preferences.check_language(form.language.data or "")
        if current_user.is_authenticated:
            preferences.set_language(session=get_session(), user=current_user, code=code)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    session[LOCALE_KEY] = code
    return redirect(back)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Response | str:
    """Your own settings: language, and for staff the time zone times are shown in."""
    form = AccountForm(language=current_user.locale, time_zone=current_user.time_zone or "")
    if current_user.is_carer:
        del form.time_zone  # a carer's times follow their team
    if form.validate_on_submit():
        try:
            preferences.set_preferences(
                session=get_session(),
                user=current_user,
                language=form.language.data or "",
                time_zone="" if current_user.is_carer else (form.time_zone.data or ""),
            )
        except DomainError as error:
            apply_to_form(form, error)
        else:
            session[LOCALE_KEY] = current_user.locale
            # Forget this request's language, so the confirmation is in the one just chosen.
            flask_babel.refresh()
            flash(_("Your settings are saved."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form)
