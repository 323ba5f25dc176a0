"""Second factors required as in production, a real SMTP server for reset emails, and helpers
to enrol a factor and read the current code."""

from datetime import UTC, datetime

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.accounts.models import LoginSession, User
from parentapp.config import Settings
from parentapp.signin.models import TotpFactor
from tests.notifications.conftest import SmtpServer, mail_to, smtp  # noqa: F401 - the fixture

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def as_in_production(settings: Settings, smtp_port: int) -> Settings:
    """Second factors required, and email to the test's SMTP server."""
    return mail_to(settings, smtp_port, staff_second_factor=True)


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:  # noqa: F811 - the fixture
    return as_in_production(settings, smtp.port)


def code_now(secret: str = SECRET, offset: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(datetime.now(UTC), counter_offset=offset)


def enrol(db: Session, user: User, secret: str = SECRET) -> TotpFactor:
    """An authenticator enrolled straight in the database (its last step long ago)."""
    factor = TotpFactor(user_id=user.id or 0, secret=secret)
    db.add(factor)
    db.commit()
    return factor


def sessions_of(db: Session, user: User) -> list[LoginSession]:
    db.expire_all()
    return list(db.exec(select(LoginSession).where(LoginSession.user_id == user.id)).all())


def password_step(client: FlaskClient, user: User, password: str) -> str:
    """Log in with the password only; where the app sends them next."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    follow = client.get(response.location)
    return follow.location or response.location
