"""Submitting a check-in: validate, score, judge, store and raise flags in one transaction.

This is the one entry point for both the carer's HTML form and the JSON API (offline phones
retry with an idempotency key, so a repeat must never store a second check-in).
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from parentapp.checkins.followups import schedule_follow_up
from parentapp.checkins.judging import checkin_context
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.checkins.queries import UnknownVersion, answerable
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError
from parentapp.families.models import Carer, Family, Infant
from parentapp.families.roles import CarerRole
from parentapp.instruments.answers import answer_of, enabled_items, validate_answers
from parentapp.instruments.schema import Definition, ItemType, Tag
from parentapp.instruments.scoring import score
from parentapp.text import without_controls
from parentapp.triage import assess

# The form field (and API key) that names the baby a check-in is about.
INFANT_FIELD = "infant_id"
MAX_KEY_LENGTH = 64


class AnswerError(DomainError):
    """Answers that cannot be stored; ``errors`` maps a link_id (or ``infant_id``) to a
    translated message. Nothing was stored."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(_("Some answers need another look."))
        self.errors = dict(errors)


class IdempotencyMismatch(DomainError):
    """The key was already used for a different check-in; nothing was stored."""


@dataclass(frozen=True)
class SubmitResult:
    checkin: CheckIn
    flags: assess.Flags
    # False when this was a replay of an earlier submission with the same key and payload.
    created: bool
    # Whether the check-in opened, re-raised or re-opened an urgent flag: the carer is shown
    # the safety screen. A replay answers as the first submission did.
    urgent: bool
    # The schedule the answers went to; None when it has been stopped since (nothing more is
    # due on it). Held here so the caller need not read it again.
    schedule: Schedule | None


def payload_hash(
    instrument_id: str,
    answers: Mapping[str, str | None],
    infant_id: int | None,
    instrument_version: str | None = None,
) -> str:
    """SHA-256 of a canonical JSON of what was submitted (blank answers count as absent)."""
    given = {k: v for k, v in answers.items() if v is not None and v.strip()}
    payload: dict[str, object] = {
        "instrument_id": instrument_id,
        "answers": given,
        "infant_id": infant_id,
    }
    if instrument_version is not None:
        # Only when sent, so the hashes of submissions stored before versions were sent hold.
        payload["instrument_version"] = instrument_version
    canonical = json.dumps(
        payload,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _by_key(session: Session, carer_id: int, key: str) -> CheckIn | None:
    return session.exec(
        select(CheckIn).where(CheckIn.carer_id == carer_id, CheckIn.idempotency_key == key)
    ).first()


def _running(schedule: Schedule | None) -> Schedule | None:
    # Answers for a stopped schedule: nothing more is due on it.
    return schedule if schedule is not None and schedule.active else None


def _replay(session: Session, checkin: CheckIn, digest: str) -> SubmitResult:
    if checkin.payload_hash != digest:
        raise IdempotencyMismatch(_("This check-in was already sent with different answers."))
    schedule = session.get(Schedule, checkin.schedule_id) if checkin.schedule_id else None
    return SubmitResult(
        checkin=checkin,
        flags=[],
        created=False,
        urgent=assess.was_urgent(session, checkin.id or 0),
        schedule=_running(schedule),
    )


def needs_infant_choice(definition: Definition, infants: list[Infant]) -> bool:
    """Whether the carer must say which baby they answer about."""
    return any(item.about_infant for item in definition.items) and len(infants) > 1


def _infant_id(
    session: Session,
    carer: Carer,
    definition: Definition,
    schedule: Schedule,
    infant_id: int | None,
) -> int | None:
    if not any(item.about_infant for item in definition.items):
        return None
    infants = session.exec(select(Infant).where(Infant.family_id == carer.family_id)).all()
    ids = {infant.id for infant in infants}
    chosen = infant_id if infant_id is not None else schedule.infant_id
    if chosen is None and len(ids) == 1:
        chosen = next(iter(ids))
    if chosen is None and ids:
        raise AnswerError({INFANT_FIELD: _("Please choose which baby you are answering about.")})
    if chosen is not None and chosen not in ids:
        raise AnswerError({INFANT_FIELD: _("Please choose one of your babies.")})
    return chosen


def translation_validated(definition: Definition, locale: str) -> bool:
    """Whether the text in ``locale`` is a validated translation (a language the definition
    does not list was one we translated ourselves, or not at all)."""
    base = locale.replace("-", "_").split("_")[0]
    status = definition.languages.get(locale) or definition.languages.get(base)
    return bool(status and status.validated)


def _stored_answers(definition: Definition, answers: Mapping[str, str | None]) -> dict[str, str]:
    """Choice codes and yes/no answers of the items shown; free text goes to ``note``."""
    stored: dict[str, str] = {}
    for item in enabled_items(definition, answers):
        value = answer_of(answers, item.link_id)
        if value is not None and item.type in (ItemType.CHOICE, ItemType.BOOLEAN):
            stored[item.link_id] = value
    return stored


def _note(definition: Definition, answers: Mapping[str, str | None]) -> str | None:
    notes = [answer_of(answers, item.link_id) for item in definition.tagged(Tag.NOTE)]
    text = "\n\n".join(without_controls(n).strip() for n in notes if n)
    return text or None


def _contact_requested(definition: Definition, stored: Mapping[str, str]) -> bool:
    return any(stored.get(i.link_id) == "true" for i in definition.tagged(Tag.CONTACT_REQUEST))


def _asked(
    session: Session,
    carer: Carer,
    instrument_id: str,
    answers: Mapping[str, str | None],
    infant_id: int | None,
    version: str | None,
) -> tuple[Schedule, Definition, int | None]:
    """The schedule, the definition and the baby the answers go to, once they pass."""
    # A carer can only send what a clinician asked of them; answers that waited on a phone
    # while the schedule was stopped still count (see ``answerable``).
    asked = answerable(
        session,
        carer_id=carer.id or 0,
        instrument_id=instrument_id,
        version=version,
        stopped_too=True,
    )
    errors = validate_answers(asked.definition, answers)
    if errors:
        raise AnswerError({link_id: _(message) for link_id, message in errors.items()})
    chosen = _infant_id(session, carer, asked.definition, asked.schedule, infant_id)
    return asked.schedule, asked.definition, chosen


def submit_checkin(
    *,
    session: Session,
    carer: Carer,
    instrument_id: str,
    answers: Mapping[str, str | None],
    infant_id: int | None,
    locale: str,
    idempotency_key: str | None = None,
    instrument_version: str | None = None,
    now: datetime | None = None,
) -> SubmitResult:
    """Store one check-in with its scores, and raise or update flags, in one commit.

    ``instrument_version`` is the version the carer's page was given (None: the latest); the
    answers are validated against, stored with and judged on that version.

    :raises NotFoundError: this carer was never asked this instrument.
    :raises UnknownVersion: no such version of the instrument; nothing stored.
    :raises AnswerError: the answers (or the baby chosen) are not valid; nothing stored.
    :raises IdempotencyMismatch: the key was used for a different payload; nothing stored.
    """
    assert carer.id is not None
    now = now or utcnow()
    digest = payload_hash(instrument_id, answers, infant_id, instrument_version)
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_KEY_LENGTH:
        raise DomainError(_("The idempotency key must be 1 to 64 characters."))
    # A repeat of a stored submission is found by the unique key when its insert fails (or
    # here, if its answers no longer pass): a retry is rare, so the usual check-in does not pay
    # a read for it, and a retry still answers as the first submission did.
    try:
        schedule, definition, chosen_infant = _asked(
            session, carer, instrument_id, answers, infant_id, instrument_version
        )
    except (NotFoundError, UnknownVersion, AnswerError):
        earlier = _by_key(session, carer.id, idempotency_key) if idempotency_key else None
        if earlier is None:
            raise
        return _replay(session, earlier, digest)
    family = session.get(Family, carer.family_id)
    assert family is not None

    stored = _stored_answers(definition, answers)
    scores = score(definition, stored, CarerRole(carer.carer_role))
    note = _note(definition, answers)
    # Read before the new check-in is added, so the baseline is the carer's earlier answers.
    context = checkin_context(
        session,
        carer=carer,
        definition=definition,
        answers=stored,
        scores=scores,
        note=note,
        locale=locale,
    )
    checkin = CheckIn(
        carer_id=carer.id,
        family_id=carer.family_id,
        infant_id=chosen_infant,
        schedule_id=schedule.id,
        instrument_id=definition.id,
        instrument_version=definition.version,
        ruleset_version=assess.RULESET_VERSION,
        locale=locale,
        translation_validated=translation_validated(definition, locale),
        submitted_at=now,
        answers=stored,
        scores={scale_id: s.as_json() for scale_id, s in scores.items()},
        note=note,
        contact_requested=_contact_requested(definition, stored),
        idempotency_key=idempotency_key,
        payload_hash=digest,
    )
    try:
        session.add(checkin)
        session.flush()
        assessment = assess.assess_checkin(
            session=session,
            context=context,
            carer=carer,
            family=family,
            checkin=checkin,
            now=now,
        )
        schedule_follow_up(
            session=session, carer=carer, definition=definition, scores=scores, now=now
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        # A retry of a stored submission (or two retries racing: the other stored it first).
        earlier = _by_key(session, carer.id, idempotency_key) if idempotency_key else None
        if earlier is None:
            raise
        return _replay(session, earlier, digest)
    except BaseException:
        session.rollback()
        raise
    return SubmitResult(
        checkin=checkin,
        flags=assessment.flags,
        created=True,
        urgent=assessment.urgent,
        schedule=_running(schedule),
    )
