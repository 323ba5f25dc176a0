"""Passkeys (WebAuthn, with py_webauthn): registering one, and signing in with one, either as
the second factor after a password or on its own. A passkey that verified its user (a
fingerprint, face or device PIN) proves two factors at once and cannot be phished, since the
browser signs only for this site's origin."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import webauthn
from flask import current_app, request
from flask_babel import gettext as _
from sqlmodel import Session, col, select
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from parentapp.accounts.models import LoginSession, User
from parentapp.audit.services import record, record_now
from parentapp.config import Settings
from parentapp.errors import DomainError
from parentapp.signin import factors
from parentapp.signin.models import Passkey

RP_NAME = "Parent check-in"


class PasskeyRefusedError(DomainError):
    """The browser's answer did not verify: wrong site, stale challenge, unknown key."""


@dataclass(frozen=True)
class Party:
    rp_id: str
    origin: str


def party() -> Party:
    """This site as WebAuthn sees it: from APP_BASE_URL in production (a Host header must not
    choose it), else from the request (a development server on any port)."""
    settings: Settings = current_app.config["PARENTAPP_SETTINGS"]
    base = settings.app_base_url if settings.is_production else request.host_url
    parts = urlsplit(base)
    return Party(rp_id=parts.hostname or "localhost", origin=f"{parts.scheme}://{parts.netloc}")


def passkeys_of(session: Session, user_id: int) -> list[Passkey]:
    return list(
        session.exec(
            select(Passkey).where(Passkey.user_id == user_id).order_by(col(Passkey.id))
        ).all()
    )


def registration_options(session: Session, user: User) -> tuple[str, bytes]:
    """(the options as JSON for the browser, the challenge to keep in the session)."""
    here = party()
    options = webauthn.generate_registration_options(
        rp_id=here.rp_id,
        rp_name=RP_NAME,
        user_name=user.email,
        user_id=f"user-{user.id}".encode(),
        user_display_name=user.display_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=key.credential_id)
            for key in passkeys_of(session, user.id or 0)
        ],
    )
    return webauthn.options_to_json(options), options.challenge


def register(
    session: Session,
    *,
    user: User,
    credential: str,
    challenge: bytes,
    row: LoginSession,
    now: datetime,
) -> list[str] | None:
    """Keep the passkey the browser made, clear the session, and return new recovery codes if
    the person had none (to be shown once).

    :raises PasskeyRefusedError: the answer does not verify.
    """
    here = party()
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=here.rp_id,
            expected_origin=here.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise _refused(
            user,
            f"passkey-register {error}",
            _("The passkey could not be set up. Please try again."),
        ) from None
    count = len(passkeys_of(session, user.id or 0))
    session.add(
        Passkey(
            user_id=user.id or 0,
            credential_id=verified.credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            name=_("Passkey %(number)d", number=count + 1),
            created_at=now,
        )
    )
    codes = None
    if factors.unused_recovery_codes(session, user.id or 0) == 0:
        codes = factors.make_recovery_codes(session, user, now)
    factors.clear(session, row, now)
    record(session=session, action="factor.enrolled", actor_id=user.id, detail="passkey")
    session.commit()
    return codes


def authentication_options(session: Session, user: User | None) -> tuple[str, bytes]:
    """Options for signing in: with ``user`` (after their password) only their passkeys;
    without, any passkey of this site that the device holds (it names its account)."""
    allowed = (
        [
            PublicKeyCredentialDescriptor(id=k.credential_id)
            for k in passkeys_of(session, user.id or 0)
        ]
        if user is not None
        else None
    )
    options = webauthn.generate_authentication_options(
        rp_id=party().rp_id,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.REQUIRED
        if user is None
        else UserVerificationRequirement.PREFERRED,
    )
    return webauthn.options_to_json(options), options.challenge


def authenticate(
    session: Session, *, credential: str, challenge: bytes, user: User | None, now: datetime
) -> User:
    """The account whose passkey signed ``challenge``: ``user``'s own after a password, or any
    active account's when signing in with the passkey alone (user verification required).

    :raises PasskeyRefusedError: unknown key, another person's, a bad signature, a counter
        that went backwards, or a closed account; audited.
    """
    here = party()
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise _refused(user, f"passkey {error}") from None
    key = session.exec(select(Passkey).where(Passkey.credential_id == parsed.raw_id)).first()
    owner = session.get(User, key.user_id) if key is not None else None
    reason = None
    if key is None or owner is None:
        reason = "unknown passkey"
    elif user is not None and owner.id != user.id:
        reason = "another person's passkey"
    elif not owner.active:
        reason = "inactive account"
    if reason is None and key is not None:
        try:
            verified = webauthn.verify_authentication_response(
                credential=parsed,
                expected_challenge=challenge,
                expected_rp_id=here.rp_id,
                expected_origin=here.origin,
                credential_public_key=key.public_key,
                credential_current_sign_count=key.sign_count,
                require_user_verification=user is None,
            )
        except (InvalidAuthenticationResponse, WebAuthnException) as error:
            reason = f"passkey {error}"
        else:
            key.sign_count, key.last_used_at = verified.new_sign_count, now
            session.add(key)
    if reason is not None or owner is None:
        session.rollback()
        raise _refused(user, reason or "")
    return owner


def _refused(user: User | None, reason: str, message: str | None = None) -> PasskeyRefusedError:
    """The refusal to raise, once it is audited with its reason."""
    record_now(action="factor.failed", actor_id=user.id if user else None, detail=reason[:200])
    return PasskeyRefusedError(message or _("That passkey was not accepted. Please try again."))


def remove(session: Session, *, user: User, passkey_id: int) -> None:
    """Remove one of your passkeys; staff keep at least one second factor.

    :raises DomainError: not yours, or your last second factor where one is required.
    """
    key = session.get(Passkey, passkey_id)
    if key is None or key.user_id != user.id:
        raise DomainError(_("That passkey is not one of yours."))
    others = len(passkeys_of(session, user.id or 0)) - 1
    if (
        factors.required_for(user)
        and others == 0
        and factors.totp_of(session, user.id or 0) is None
    ):
        raise DomainError(_("Keep at least one second factor: your role needs one."))
    session.delete(key)
    record(session=session, action="factor.removed", actor_id=user.id, detail="passkey")
    session.commit()
