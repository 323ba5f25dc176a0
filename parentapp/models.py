"""Registry: importing this module imports every table, for the mapper and for Alembic."""

from parentapp.accounts.models import LoginSession, Role, User
from parentapp.audit.models import AuditEvent
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.coparents.models import CoparentRequest
from parentapp.families.models import Carer, Family, Infant, Invitation
from parentapp.families.roles import CarerRole
from parentapp.instruments.models import ImportedDefinition
from parentapp.leave.models import Leave
from parentapp.notifications.models import Notification
from parentapp.referrals.models import Referral, ReferralInfant, ReferrerProfile
from parentapp.reminders.models import PushSubscription, Reminder
from parentapp.replies.models import CheckinRead, Reply, ReplyTemplate
from parentapp.sharing.models import Share, ShareOpening
from parentapp.signin.models import Passkey, PasswordReset, RecoveryCode, TotpFactor
from parentapp.teams.models import CrisisContact, Team, TeamClosure
from parentapp.triage.models import Flag, FlagEvent

__all__ = [
    "AuditEvent",
    "Carer",
    "CarerRole",
    "CheckIn",
    "CheckinRead",
    "CoparentRequest",
    "CrisisContact",
    "Family",
    "Flag",
    "FlagEvent",
    "ImportedDefinition",
    "Infant",
    "Invitation",
    "Leave",
    "LoginSession",
    "Notification",
    "Passkey",
    "PasswordReset",
    "PushSubscription",
    "RecoveryCode",
    "Referral",
    "ReferralInfant",
    "ReferrerProfile",
    "Reminder",
    "Reply",
    "ReplyTemplate",
    "Role",
    "Schedule",
    "Share",
    "ShareOpening",
    "Team",
    "TeamClosure",
    "TotpFactor",
    "User",
]
