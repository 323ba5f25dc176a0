"""The words of a share: who it is for, how a carer agreed, and its state."""

import enum
from typing import Any

from flask_babel import lazy_gettext as _l


class RecipientRole(enum.StrEnum):
    HEALTH_VISITOR = "health_visitor"
    GP = "gp"
    MIDWIFE = "midwife"
    OTHER = "other"


class AgreedHow(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"


class Status(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    LOCKED = "locked"


ROLE_LABELS: dict[str, Any] = {
    RecipientRole.HEALTH_VISITOR: _l("Health visitor"),
    RecipientRole.GP: _l("GP"),
    RecipientRole.MIDWIFE: _l("Midwife"),
    RecipientRole.OTHER: _l("Other professional"),
}
AGREED_LABELS: dict[str, Any] = {
    AgreedHow.IN_PERSON: _l("In person"),
    AgreedHow.PHONE: _l("By phone"),
}
STATUS_LABELS: dict[str, Any] = {
    Status.ACTIVE: _l("Can be opened"),
    Status.EXPIRED: _l("Expired"),
    Status.REVOKED: _l("Share stopped"),
    Status.LOCKED: _l("Locked after too many wrong codes"),
}
