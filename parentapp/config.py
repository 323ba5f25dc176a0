"""Typed settings, read once from the environment.

Everything an operator can change lives here so that ``create_app`` can be
called with an explicit ``Settings`` in tests and with ``Settings.from_env()``
everywhere else.
"""

import os
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-change-me"  # noqa: S105 - refused outside development

# Flask-Babel resolves relative directories against parentapp/, so this must be absolute.
TRANSLATIONS_DIR = ROOT / "translations"


class ConfigError(RuntimeError):
    """Raised when the settings would run the app unsafely."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _words(value: str | None) -> tuple[str, ...]:
    """A list setting: separated by commas or spaces."""
    return tuple(word.lower() for word in (value or "").replace(",", " ").split())


def _whole(value: str | None, default: int, name: str) -> int:
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


def _second_factor(value: str | None) -> bool:
    """STAFF_SECOND_FACTOR: "required" (the default) or "optional"."""
    choice = (value or "required").strip().lower()
    if choice not in {"required", "optional"}:
        raise ConfigError(f"STAFF_SECOND_FACTOR must be required or optional, not {value!r}")
    return choice == "required"


def _minutes(value: str | None, default: int) -> timedelta:
    return timedelta(minutes=int(value) if value else default)


@dataclass(frozen=True)
class Settings:
    """What the app needs to run; defaults suit a developer's laptop."""

    env: str = "development"  # development | testing | production
    secret_key: str = DEV_SECRET_KEY
    database_url: str = f"sqlite:///{ROOT / 'instance' / 'parentapp.db'}"
    # The worker's LISTEN connection (PostgreSQL) when DATABASE_URL goes through a pooler in
    # transaction mode, which cannot carry LISTEN; empty: DATABASE_URL.
    listen_database_url: str = ""
    # Connections each process keeps open (SQLAlchemy's pool), and how many more it may open
    # at a peak; see the README's production layout for the sum PostgreSQL must allow.
    database_pool_size: int = 5
    database_max_overflow: int = 10
    # Off behind PgBouncer in transaction mode: psycopg's prepared statements belong to one
    # server connection, which the next transaction may not get.
    database_prepared_statements: bool = True
    ratelimit_storage_uri: str = "memory://"
    ratelimit_enabled: bool = True
    csrf_enabled: bool = True
    # Clinicians work with many families' records on shared desks: NIST 800-63B AAL2 limits.
    # Staff must pass a second factor before any page with family data (ASVS 6.3.3, DTAC).
    # Only development and testing may relax it (STAFF_SECOND_FACTOR=optional).
    staff_second_factor: bool = True
    clinician_idle_timeout: timedelta = timedelta(minutes=30)
    clinician_absolute_timeout: timedelta = timedelta(hours=12)
    # Carers use their own phone; a long session keeps check-ins easy, and logout still revokes it.
    carer_idle_timeout: timedelta = timedelta(days=30)
    carer_absolute_timeout: timedelta = timedelta(days=90)
    # argon2id cost; the defaults are argon2-cffi's RFC 9106 low-memory profile.
    argon2_time_cost: int = 3
    argon2_memory_cost_kib: int = 65536
    argon2_parallelism: int = 4
    default_time_zone: str = "Europe/London"
    trusted_proxies: int = 0
    # Outgoing email; with no server outside production, emails are printed to the console.
    mail_server: str = ""
    mail_port: int = 587
    mail_use_tls: bool = True  # STARTTLS
    mail_username: str = ""
    mail_password: str = ""
    mail_from: str = "parentapp@localhost"
    # The address emails link to (no trailing slash).
    app_base_url: str = "http://127.0.0.1:5000"
    # Local hour (in each team's time zone) at which clinicians get their daily digest.
    digest_hour: int = 8
    # How long a worker owns the notifications it claimed; a dead worker's rows return after it.
    notification_lease: timedelta = timedelta(minutes=2)
    # Web Push (VAPID). Without both keys push is off and reminders go by email only.
    # The private key is a PEM or the base64url raw key; the subject a mailto: or https: URL
    # the push services may use to contact the operator.
    vapid_public_key: str = ""
    vapid_private_key: str = ""
    vapid_subject: str = ""
    # A carer who has not done a due check-in this long after the first reminder gets one more.
    reminder_follow_up: timedelta = timedelta(hours=24)
    # How long a closed account's clinical record is kept, counted from its last entry (the
    # last check-in, flag change or the closure). 20 years is the NHS Records Management Code
    # of Practice's period for mental health records; a service bound by another period (for
    # example as part of maternity or children's records) sets its own. When it has passed, a
    # lead is asked to decide: nothing is destroyed automatically.
    record_retention_years: int = 20
    # Single sign-on for staff (OpenID Connect); off while OIDC_ISSUER is empty.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    # A PEM private key file: the client then proves itself with private_key_jwt instead.
    oidc_private_key_file: str = ""
    # New staff from SSO: only when allowed, for these email domains, into this team.
    oidc_create_staff: bool = False
    oidc_staff_domains: tuple[str, ...] = ()
    oidc_new_staff_team: str = ""
    # acr values that mean the provider did a second factor (amr "mfa", "hwk", "otp" do too).
    oidc_mfa_acr: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def push_enabled(self) -> bool:
        return bool(self.vapid_public_key and self.vapid_private_key)

    @property
    def secure_cookies(self) -> bool:
        return self.env not in {"development", "testing"}

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Self:
        """Build settings from environment variables (see .env.example)."""
        env = os.environ if environ is None else environ
        mode = env.get("PARENTAPP_ENV") or env.get("FLASK_ENV") or "development"
        base = cls()
        settings = cls(
            env=mode,
            secret_key=env.get("SECRET_KEY", base.secret_key),
            database_url=env.get("DATABASE_URL") or base.database_url,
            listen_database_url=env.get("LISTEN_DATABASE_URL", base.listen_database_url),
            database_pool_size=_whole(
                env.get("DATABASE_POOL_SIZE"), base.database_pool_size, "DATABASE_POOL_SIZE"
            ),
            database_max_overflow=_whole(
                env.get("DATABASE_MAX_OVERFLOW"),
                base.database_max_overflow,
                "DATABASE_MAX_OVERFLOW",
            ),
            database_prepared_statements=_bool(env.get("DATABASE_PREPARED_STATEMENTS"), True),
            ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI", base.ratelimit_storage_uri),
            ratelimit_enabled=_bool(env.get("RATELIMIT_ENABLED"), True),
            staff_second_factor=_second_factor(env.get("STAFF_SECOND_FACTOR")),
            clinician_idle_timeout=_minutes(env.get("CLINICIAN_IDLE_MINUTES"), 30),
            clinician_absolute_timeout=_minutes(env.get("CLINICIAN_ABSOLUTE_MINUTES"), 12 * 60),
            default_time_zone=env.get("DEFAULT_TIME_ZONE", base.default_time_zone),
            trusted_proxies=int(env.get("TRUSTED_PROXIES", "0")),
            mail_server=env.get("MAIL_SERVER", base.mail_server),
            mail_port=int(env.get("MAIL_PORT") or base.mail_port),
            mail_use_tls=_bool(env.get("MAIL_USE_TLS"), base.mail_use_tls),
            mail_username=env.get("MAIL_USERNAME", base.mail_username),
            mail_password=env.get("MAIL_PASSWORD", base.mail_password),
            mail_from=env.get("MAIL_FROM", base.mail_from),
            app_base_url=env.get("APP_BASE_URL", base.app_base_url).rstrip("/"),
            digest_hour=int(env.get("DIGEST_HOUR") or base.digest_hour),
            notification_lease=timedelta(
                seconds=float(env.get("NOTIFICATION_LEASE_SECONDS") or 120)
            ),
            vapid_public_key=env.get("VAPID_PUBLIC_KEY", "").strip(),
            # A PEM pasted into one line of an env file keeps its line breaks as "\n".
            vapid_private_key=env.get("VAPID_PRIVATE_KEY", "").strip().replace("\\n", "\n"),
            vapid_subject=env.get("VAPID_SUBJECT", "").strip(),
            reminder_follow_up=timedelta(hours=float(env.get("REMINDER_FOLLOW_UP_HOURS") or 24)),
            oidc_issuer=env.get("OIDC_ISSUER", "").strip().rstrip("/"),
            oidc_client_id=env.get("OIDC_CLIENT_ID", "").strip(),
            oidc_client_secret=env.get("OIDC_CLIENT_SECRET", ""),
            oidc_private_key_file=env.get("OIDC_PRIVATE_KEY_FILE", "").strip(),
            oidc_create_staff=_bool(env.get("OIDC_CREATE_STAFF"), False),
            oidc_staff_domains=_words(env.get("OIDC_STAFF_DOMAINS")),
            oidc_new_staff_team=env.get("OIDC_NEW_STAFF_TEAM", "").strip(),
            oidc_mfa_acr=_words(env.get("OIDC_MFA_ACR")),
            record_retention_years=_whole(
                env.get("RECORD_RETENTION_YEARS"),
                base.record_retention_years,
                "RECORD_RETENTION_YEARS",
            ),
        )
        settings.check()
        return settings

    def with_(self, **changes: Any) -> "Settings":
        """A copy with some values changed (used by tests and the CLI)."""
        return replace(self, **changes)

    def check(self) -> None:
        """Refuse settings that would be unsafe in production.

        :raises ConfigError: an unknown env; in production the development or a short secret,
            or in-memory rate limits.
        """
        if self.env not in {"development", "testing", "production"}:
            raise ConfigError(f"Unknown PARENTAPP_ENV {self.env!r}")
        if not 0 <= self.digest_hour <= 23:
            raise ConfigError("DIGEST_HOUR must be an hour of the day, 0 to 23")
        if bool(self.vapid_public_key) != bool(self.vapid_private_key):
            raise ConfigError("VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together")
        if self.push_enabled and not self.vapid_subject.startswith(("mailto:", "https://")):
            raise ConfigError("VAPID_SUBJECT must be a mailto: or https:// URL when push is on")
        if self.listen_database_url and not (
            self.database_url.startswith("postgresql")
            and self.listen_database_url.startswith("postgresql")
        ):
            raise ConfigError(
                "LISTEN_DATABASE_URL is for PostgreSQL, beside a PostgreSQL DATABASE_URL"
            )
        if self.database_pool_size < 1 or self.database_max_overflow < 0:
            raise ConfigError(
                "DATABASE_POOL_SIZE must be 1 or more, DATABASE_MAX_OVERFLOW 0 or more"
            )
        if self.record_retention_years < 1:
            raise ConfigError("RECORD_RETENTION_YEARS must be 1 or more")
        if self.reminder_follow_up <= timedelta(0):
            raise ConfigError("REMINDER_FOLLOW_UP_HOURS must be more than 0")
        if self.oidc_issuer and not self.oidc_client_id:
            raise ConfigError("OIDC_CLIENT_ID must be set with OIDC_ISSUER")
        if self.oidc_create_staff and not (self.oidc_staff_domains and self.oidc_new_staff_team):
            raise ConfigError("OIDC_CREATE_STAFF needs OIDC_STAFF_DOMAINS and OIDC_NEW_STAFF_TEAM")
        if self.is_production and not self.staff_second_factor:
            raise ConfigError("STAFF_SECOND_FACTOR=optional is for development only")
        if not self.is_production:
            return
        if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        if self.ratelimit_storage_uri.startswith("memory"):
            # In-memory limits count per process, so gunicorn's workers would multiply them.
            raise ConfigError("RATELIMIT_STORAGE_URI must point at Redis in production")

    def flask_config(self) -> dict[str, Any]:
        """The Flask and extension configuration derived from these settings."""
        secure = self.secure_cookies
        return {
            "SECRET_KEY": self.secret_key,
            "TESTING": self.env == "testing",
            "DATABASE_URL": self.database_url,
            "SESSION_COOKIE_NAME": "__Host-parentapp" if secure else "parentapp",
            "SESSION_COOKIE_SECURE": secure,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "PERMANENT_SESSION_LIFETIME": self.carer_absolute_timeout,
            # We never issue remember-me cookies; sessions are revocable rows instead.
            "REMEMBER_COOKIE_SECURE": True,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "WTF_CSRF_ENABLED": self.csrf_enabled,
            "WTF_CSRF_TIME_LIMIT": None,  # the token is bound to the session, which expires itself
            "RATELIMIT_ENABLED": self.ratelimit_enabled,
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_uri,
            # Off: a refused request still gets Retry-After (extensions.add_retry_after).
            "RATELIMIT_HEADERS_ENABLED": False,
            "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS_DIR),
            "BABEL_DEFAULT_LOCALE": "en",
            "BABEL_DEFAULT_TIMEZONE": self.default_time_zone,
            "PARENTAPP_SETTINGS": self,
            **self.extra,
        }
