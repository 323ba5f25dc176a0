"""parentapp: wellbeing and bonding check-ins for families, with a closed loop to their team."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from parentapp.config import Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app; nothing here touches the database or the network."""
    settings = settings or Settings.from_env()
    settings.check()
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.flask_config())
    if settings.trusted_proxies:
        # Behind a load balancer the real client address is needed for rate limits and audit.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )

    from parentapp import assets, cli, db, error_pages, i18n, security
    from parentapp.extensions import add_retry_after, babel, csrf, limiter

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    app.after_request(add_retry_after)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    _init_login(app)
    security.init_app(app)
    assets.init_app(app)
    error_pages.init_app(app)
    i18n.init_app(app)
    _register_blueprints(app)
    _init_outbox(app)
    _init_joining(app)
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


def _register_blueprints(app: Flask) -> None:
    from parentapp import ops
    from parentapp.accounts import preferences_views  # noqa: F401 - attach routes to the blueprint
    from parentapp.accounts.views import bp as accounts_bp
    from parentapp.admin.audit_views import bp as audit_bp
    from parentapp.admin.views import bp as admin_bp
    from parentapp.api import views as api_views  # noqa: F401 - attach routes to the blueprint
    from parentapp.api.blueprint import bp as api_bp
    from parentapp.checkins import carer_views as checkin_views  # noqa: F401 - attach routes
    from parentapp.checkins import history_views, home_views  # noqa: F401 - attach routes
    from parentapp.checkins.blueprint import bp as checkins_bp
    from parentapp.clinician import (  # noqa: F401 - attach routes
        family_views,
        flag_views,
        schedule_views,
        summary_views,
    )
    from parentapp.clinician.blueprint import bp as clinician_bp
    from parentapp.families import carer_views  # noqa: F401 - attach routes
    from parentapp.families.blueprint import bp as families_bp
    from parentapp.leave.views import bp as leave_bp
    from parentapp.notifications.views import bp as notifications_bp
    from parentapp.pwa import shell as pwa_shell
    from parentapp.pwa.views import bp as pwa_bp
    from parentapp.reminders.views import bp as reminders_bp
    from parentapp.reminders.views import subscriptions_bp as reminder_subscriptions_bp
    from parentapp.teams import settings_views  # noqa: F401 - attach routes to the blueprint
    from parentapp.teams.blueprint import bp as teams_bp
    from parentapp.triage.views import bp as triage_bp

    for blueprint in (
        ops.bp,
        accounts_bp,
        families_bp,
        teams_bp,
        admin_bp,
        api_bp,
        checkins_bp,
        triage_bp,
        clinician_bp,
        audit_bp,
        leave_bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(reminder_subscriptions_bp)
    app.register_blueprint(pwa_bp)
    pwa_shell.init_app(app)
