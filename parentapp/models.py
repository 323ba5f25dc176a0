"""Registry: importing this module imports every table, for the mapper and for Alembic."""

from parentapp.accounts.models import LoginSession, Role, User
from parentapp.audit.models import AuditEvent
from parentapp.families.models import Carer, CarerRole, Family, Infant, Invitation
from parentapp.teams.models import Team

__all__ = [
    "AuditEvent",
    "Carer",
    "CarerRole",
    "Family",
    "Infant",
    "Invitation",
    "LoginSession",
    "Role",
    "Team",
    "User",
]
