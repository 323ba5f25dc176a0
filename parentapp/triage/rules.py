"""The flag rules, as data: what raises a flag, how urgent it is, and why (with a source).

Rules never match on an item's wording, only on the safety tags and scale properties a
definition declares, so a new instrument or language needs no change here. Changing a rule
means changing ``RULESET_VERSION``: every check-in and flag records the version that judged it.

Nothing here is clinical sign-off: the thresholds need approval from the team's Clinical Safety
Officer and clinical lead (docs/clinical-safety.md).
"""

import enum
from dataclasses import dataclass

from parentapp.i18n import N_
from parentapp.triage.vocab import Category, Severity

RULESET_VERSION = "2026.12.1"


class Check(enum.StrEnum):
    """The kinds of test a rule can make; ``evaluate`` has one small function per kind."""

    # Any answer on an item carrying ``tag`` whose scored value (the option's weight,
    # reverse-scoring applied) is at least ``threshold``.
    TAGGED_VALUE_AT_LEAST = "tagged_value_at_least"
    # An item carrying ``tag`` answered exactly ``answer``.
    TAGGED_ANSWER_IS = "tagged_answer_is"
    # A scale's value at or above its cut-off for the carer's role.
    SCALE_AT_CUTOFF = "scale_at_cutoff"
    # A scale's value minus the carer's own baseline at or above the scale's reliable change.
    RISE_FROM_BASELINE = "rise_from_baseline"
    # Consecutive missed check-ins at or above the team's threshold, lowered after a flag.
    MISSED_CHECKINS = "missed_checkins"
    # The carer wrote a free-text note (any length, any script).
    NOTE_WRITTEN = "note_written"
    # The note holds a phrase of one of ``phrases``' categories (triage/phrases, per language).
    NOTE_PHRASES = "note_phrases"


@dataclass(frozen=True)
class Rule:
    id: str
    check: Check
    severity: Severity
    # None: the category comes from the scale that met the rule ("mood", "anxiety").
    category: Category | None
    safeguarding: bool
    # For the clinician, marked for translation and translated where it is shown.
    reason: str
    source: str
    tag: str | None = None
    threshold: int | None = None
    answer: str | None = None
    # MISSED_CHECKINS: how much lower the threshold is when the carer has a recent or live flag,
    # and the lowest it can go.
    lowered_by_recent_flag: int = 0
    minimum: int = 1
    # NOTE_PHRASES: the phrase categories (triage/phrases.PhraseCategory) that meet the rule.
    phrases: frozenset[str] = frozenset()
    # RISE_FROM_BASELINE: the rise is also measured from the carer's best score in this many
    # days before the check-in (None: from the first score only).
    recent_window_days: int | None = None


SELF_HARM_ANY = Rule(
    id="self-harm-any",
    check=Check.TAGGED_VALUE_AT_LEAST,
    severity=Severity.URGENT,
    category=Category.SELF_HARM,
    safeguarding=False,
    reason=N_("Answered above “not at all” on a question about thoughts of self-harm."),
    source=(
        "Any answer other than 'not at all' on PHQ-9 item 9 needs follow-up (AACN; "
        "research/clinical-facts.md §1.3); the same rule for our weekly check-in's self-harm "
        "item. A negative answer does not mean the person is safe (VA study, §1.3)."
    ),
    tag="self_harm",
    threshold=1,
)

HARM_TO_BABY_ANY = Rule(
    id="harm-to-baby-any",
    check=Check.TAGGED_VALUE_AT_LEAST,
    severity=Severity.URGENT,
    category=Category.HARM_TO_BABY,
    safeguarding=True,
    reason=N_("Answered above “not at all” on a question about thoughts of harming the baby."),
    source=(
        "Thoughts of harming the baby are a child-safeguarding signal as well as a mental "
        "health one and need their own pathway (PBQ items 18/24; research/clinical-facts.md "
        "§2.3); PRODUCT.md §5."
    ),
    tag="harm_to_baby",
    threshold=1,
)

SCORE_AT_CUTOFF = Rule(
    id="score-at-cutoff",
    check=Check.SCALE_AT_CUTOFF,
    severity=Severity.CONCERN,
    category=None,
    safeguarding=False,
    reason=N_("A total at or above the screening cut-off for this carer's role."),
    source=(
        "Each scale's cut-off and its citation live in the instrument definition (PHQ-9 ≥10, "
        "Kroenke 2010; GAD-7 ≥10, Spitzer 2006), with lower cut-offs per carer role where the "
        "evidence differs (research/clinical-facts.md §1)."
    ),
)

RELIABLE_DETERIORATION = Rule(
    id="reliable-deterioration",
    check=Check.RISE_FROM_BASELINE,
    severity=Severity.CONCERN,
    category=Category.DETERIORATION,
    safeguarding=False,
    reason=N_(
        "A rise from this carer's own baseline, or from their best recent score, larger than "
        "measurement error."
    ),
    source=(
        "Reliable change per scale in the definition (PHQ-9 5 points, Löwe 2004; GAD-7 "
        "4 points, Toussaint 2020 and the NHS Talking Therapies rule; research/clinical-facts.md "
        "§3.1). Reference: the lower of the carer's first scored check-in of that instrument "
        "(so a slow drift cannot move the reference point up) and their best (lowest) score in "
        "the 84 days (12 weeks) before this check-in, not counting it: the reliable change index "
        "judges change between two of a person's own scores (Jacobson & Truax 1991), so a carer "
        "who recovered and then relapses by more than measurement error is flagged even while "
        "still below their first score. 12 weeks is this project's choice, pending sign-off by "
        "the Clinical Safety Officer: it holds several check-ins at any schedule (12 weekly, "
        "6 fortnightly PHQ-9s, each recalling 2 weeks), while a good week long ago no longer "
        "makes each later score a relapse. "
        "Hysteresis: after a deterioration flag for a scale is closed, the rule stays quiet for "
        "that scale until a check-in scores below reference + reliable change again; a live "
        "flag is updated rather than duplicated."
    ),
    recent_window_days=84,
)

CONTACT_REQUESTED = Rule(
    id="contact-requested",
    check=Check.TAGGED_ANSWER_IS,
    severity=Severity.CONCERN,
    category=Category.CONTACT_REQUEST,
    safeguarding=False,
    reason=N_("Asked to be contacted by their clinician."),
    source="PRODUCT.md §5: a request to be contacted is a concern the clinician must answer.",
    tag="contact_request",
    answer="true",
)

DISENGAGED = Rule(
    id="disengaged",
    check=Check.MISSED_CHECKINS,
    severity=Severity.CONCERN,
    category=Category.DISENGAGEMENT,
    safeguarding=False,
    reason=N_("Has missed several check-ins in a row."),
    source=(
        "Missing check-ins is informative, not 'no news' (Karin 2018; research/clinical-facts.md "
        "§3.2). N consecutive misses, N being the team's setting (default 2); one fewer "
        "(at least 1) when the last check-in raised a flag or a flag is still live (PRODUCT.md §5)."
    ),
    lowered_by_recent_flag=1,
    minimum=1,
)

NOTE_WRITTEN = Rule(
    id="note-written",
    check=Check.NOTE_WRITTEN,
    severity=Severity.CONCERN,
    category=Category.NOTE,
    safeguarding=False,
    reason=N_("Wrote a note for the team to read."),
    source=(
        "The carer is told their note will be read: every note is owned like a flag and due "
        "within the team's note response time (default 1 working day), so the promise is kept "
        "(PRODUCT.md §1, 'nobody listened'; research/clinical-facts.md §2.3, review responses "
        "at least once every weekday, Nock 2020)."
    ),
)

NOTE_SELF_HARM_WORDS = Rule(
    id="note-self-harm-words",
    check=Check.NOTE_PHRASES,
    severity=Severity.URGENT,
    category=Category.NOTE,
    safeguarding=False,
    reason=N_("Wrote a note with words about suicide, self-harm or wanting to die."),
    source=(
        "A note is often where people first say it: words about suicide, self-harm or wanting "
        "to die are treated like a positive self-harm item (urgent; crisis contacts shown at "
        "once), research/clinical-facts.md §2.3. Phrase lists per language are data in "
        "triage/phrases/ and err towards a flag."
    ),
    phrases=frozenset({"suicide", "self_harm", "wanting_to_die"}),
)

NOTE_HARM_TO_BABY_WORDS = Rule(
    id="note-harm-to-baby-words",
    check=Check.NOTE_PHRASES,
    severity=Severity.URGENT,
    category=Category.NOTE,
    safeguarding=True,
    reason=N_("Wrote a note with words about harming the baby."),
    source=(
        "Words about harming the baby are treated like a positive harm-to-baby item: urgent "
        "and a safeguarding concern (research/clinical-facts.md §2.3; PRODUCT.md §5)."
    ),
    phrases=frozenset({"harm_to_baby"}),
)

RULES: tuple[Rule, ...] = (
    SELF_HARM_ANY,
    HARM_TO_BABY_ANY,
    SCORE_AT_CUTOFF,
    RELIABLE_DETERIORATION,
    CONTACT_REQUESTED,
    DISENGAGED,
    NOTE_WRITTEN,
    NOTE_SELF_HARM_WORDS,
    NOTE_HARM_TO_BABY_WORDS,
)

_BY_ID = {rule.id: rule for rule in RULES}

SEVERITY_RANK = {Severity.INFO: 0, Severity.CONCERN: 1, Severity.URGENT: 2}


def rule_by_id(rule_id: str) -> Rule | None:
    """The rule with this id in the current ruleset (None for a retired rule)."""
    return _BY_ID.get(rule_id)
