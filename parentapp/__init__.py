"""parentapp: wellbeing and bonding check-ins for families, with a closed loop to their team."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from parentapp.config import Settings
from parentapp.ids import RowIdConverter


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app; nothing here touches the database or the network."""
    settings = settings or Settings.from_env()
    settings.check()
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.flask_config())
    # Before any route is added: each <int:...> in a route is a row id (parentapp/ids.py).
    app.url_map.converters["int"] = RowIdConverter
    if settings.trusted_proxies:
        # Behind a load balancer the real client address is needed for rate limits and audit.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )

    from parentapp import assets, cli, db, error_pages, i18n, security
    from parentapp.extensions import add_retry_after, babel, csrf, limiter
    from parentapp.signin import guard

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    app.after_request(add_retry_after)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    _init_login(app)
    security.init_app(app)
    guard.init_app(app)
    assets.init_app(app)
    error_pages.init_app(app)
    i18n.init_app(app)
    _register_blueprints(app)
    _init_outbox(app)
    _init_joining(app)
    _init_home(app)
    cli.init_app(app)
    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from parentapp.accounts import sessions  # noqa: F401 - registers the user loader
    from parentapp.extensions import login_manager

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


def _init_outbox(app: Flask) -> None:
    from parentapp.notifications.delivery import add_stand_in_finder
    from parentapp.triage.notices import flag_stand_ins

    # A flag's notice to someone who has left goes to their team instead.
    add_stand_in_finder(app, flag_stand_ins)


def _init_joining(app: Flask) -> None:
    from parentapp.checkins.schedules import start_first_checkin
    from parentapp.families.services import add_join_step

    add_join_step(app, start_first_checkin)


def _init_home(app: Flask) -> None:
    # The carer's home page shows what higher domains add, in this order: a message from the
    # team first; the history shows read receipts and replies beside each check-in.
    from parentapp.checkins.history_notes import add_history_notes
    from parentapp.coparents.home import coparent_section
    from parentapp.families.home import add_home_section
    from parentapp.referrals import home as referrals_home
    from parentapp.replies.carer import history_notes, message_section
    from parentapp.sharing.home import sharing_section

    add_home_section(app, message_section)
    add_history_notes(app, history_notes)
    referrals_home.init_app(app)
    add_home_section(app, coparent_section)
    add_home_section(app, sharing_section)


def _register_blueprints(app: Flask) -> None:
    # One line per domain: a domain whose routes span several view modules attaches them in
    # its blueprint's with_views(); a one-module domain's views module is its blueprint.
    from parentapp import ops
    from parentapp.accounts import blueprint as accounts
    from parentapp.admin import audit_views
    from parentapp.admin import views as admin_views
    from parentapp.api import blueprint as api
    from parentapp.checkins import blueprint as checkins
    from parentapp.clinician import blueprint as clinician
    from parentapp.closure import blueprint as closure
    from parentapp.coparents import views as coparent_views
    from parentapp.exports import blueprint as exports
    from parentapp.families import blueprint as families
    from parentapp.leave import views as leave_views
    from parentapp.notifications import views as notification_views
    from parentapp.outcomes import blueprint as outcomes
    from parentapp.pwa import shell as pwa_shell
    from parentapp.pwa import views as pwa_views
    from parentapp.referrals import blueprint as referrals
    from parentapp.reminders import views as reminder_views
    from parentapp.replies import views as reply_views
    from parentapp.sharing import blueprint as sharing
    from parentapp.signin import blueprint as signin
    from parentapp.teams import blueprint as teams
    from parentapp.triage import views as triage_views

    for blueprint in (
        ops.bp,
        accounts.with_views(),
        *signin.with_views(),
        families.with_views(),
        teams.with_views(),
        admin_views.bp,
        api.with_views(),
        checkins.with_views(),
        triage_views.bp,
        clinician.with_views(),
        closure.with_views(),
        exports.with_views(),
        outcomes.with_views(),
        referrals.with_views(),
        sharing.with_views(),
        audit_views.bp,
        leave_views.bp,
        coparent_views.bp,
        notification_views.bp,
        reminder_views.bp,
        reminder_views.subscriptions_bp,
        reply_views.bp,
        pwa_views.bp,
    ):
        app.register_blueprint(blueprint)
    pwa_shell.init_app(app)
