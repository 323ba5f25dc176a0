"""The words of a flag (severity, category, state, outcome), with no database code: the rules
and their evaluation use them without importing the models."""

import enum


class Severity(enum.StrEnum):
    URGENT = "urgent"
    CONCERN = "concern"
    INFO = "info"


class Category(enum.StrEnum):
    SELF_HARM = "self_harm"
    HARM_TO_BABY = "harm_to_baby"
    MOOD = "mood"
    ANXIETY = "anxiety"
    DETERIORATION = "deterioration"
    CONTACT_REQUEST = "contact_request"
    DISENGAGEMENT = "disengagement"
    # A free-text note from the carer: every note is read by a person (issue: safety loop).
    NOTE = "note"


class FlagState(enum.StrEnum):
    # Open also after a new urgent answer on an acknowledged flag: it needs a fresh
    # acknowledgement (the "reopened" event says so in the flag's history).
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class Outcome(enum.StrEnum):
    """What the clinician did, recorded when a flag is closed."""

    CONTACTED = "contacted"
    APPOINTMENT = "appointment"
    REFERRED = "referred"
    NO_ACTION = "no_action"
    OTHER = "other"
    # Closed by the clinician who confirmed the carer's account closure (closure/), never
    # chosen on the flag page: the flag's own history says who and when.
    ACCOUNT_CLOSED = "account_closed"


# What a clinician may choose on a flag's own page.
CHOSEN_OUTCOMES = tuple(o for o in Outcome if o != Outcome.ACCOUNT_CLOSED)
