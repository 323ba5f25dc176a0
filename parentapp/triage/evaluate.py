"""Judging one check-in (or a run of missed ones) against the rules. Pure: no Flask, no database.

The evidence of a decision holds only codes and numbers (answers by link id, scale values,
thresholds): never free text, so it can be shown, exported and logged without leaking a note.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from parentapp.families.roles import CarerRole
from parentapp.instruments.answers import Answers, answer_of
from parentapp.instruments.results import ScaleScore
from parentapp.instruments.schema import Definition, Item, ItemType, Scale, Tag
from parentapp.instruments.scoring import applicable_cutoff, item_value
from parentapp.triage.phrases import screen
from parentapp.triage.rules import DISENGAGED, RULES, Check, Rule
from parentapp.triage.vocab import Category, Severity


@dataclass(frozen=True)
class Context:
    """Everything the rules need to judge one check-in."""

    definition: Definition
    # link_id -> answer code (choice items) or "true"/"false" (boolean items).
    answers: Answers
    scores: Mapping[str, ScaleScore]
    carer_role: CarerRole
    # scale id -> the carer's baseline value for this instrument (None: no baseline yet).
    baseline: Mapping[str, int | None] = field(default_factory=dict)
    # scale id -> the carer's lowest (best) value in the deterioration rule's recent window,
    # not counting this check-in (absent: nothing scored in the window). A carer who recovered
    # and then relapses is measured from where they got to, not only from where they began.
    best_recent: Mapping[str, int | None] = field(default_factory=dict)
    # Hysteresis: scales whose deterioration flag was closed and whose score has not come back
    # below reference + reliable change since; the deterioration rule stays quiet for them.
    deterioration_held: frozenset[str] = frozenset()
    # The carer's free-text note (never copied into evidence) and the language they wrote in.
    note: str | None = None
    locale: str = "en"


@dataclass(frozen=True)
class FlagDecision:
    rule_id: str
    category: Category
    severity: Severity
    safeguarding: bool
    reason: str
    evidence: dict[str, Any]


def _decision(rule: Rule, category: Category, evidence: dict[str, Any]) -> FlagDecision:
    return FlagDecision(
        rule_id=rule.id,
        category=category,
        severity=rule.severity,
        safeguarding=rule.safeguarding,
        reason=rule.reason,
        evidence=evidence,
    )


def answer_value(definition: Definition, item: Item, answer: str) -> int | None:
    """The scored value of an answer (higher means more difficulty, reverse-scoring applied;
    a boolean's "true" is 1), or None for an answer the definition does not know."""
    if item.type == ItemType.BOOLEAN:
        return {"true": 1, "false": 0}.get(answer)
    try:
        return item_value(definition, item.link_id, answer)
    except ValueError:
        return None


SCALE_CATEGORIES = frozenset({Category.MOOD, Category.ANXIETY})


def scale_category(scale: Scale) -> Category:
    """The flag category a scale's concern belongs to.

    A definition's scale should name "mood" or "anxiety"; one that names nothing usable still
    raises a flag (as mood) rather than being dropped, and ``definition_problems`` reports it.
    """
    return next((c for c in SCALE_CATEGORIES if c.value == scale.category), Category.MOOD)


def definition_problems(definition: Definition) -> list[str]:
    """What in a definition the rules cannot use as intended (for import and registry checks)."""
    problems = []
    for scale in definition.scales:
        if (scale.cutoff or scale.reliable_change) and scale.category not in SCALE_CATEGORIES:
            problems.append(
                f"scale {scale.id!r} has a cut-off or reliable change but category "
                f"{scale.category!r}, not 'mood' or 'anxiety'"
            )
    return problems


def _tagged_value_at_least(rule: Rule, ctx: Context) -> list[FlagDecision]:
    assert rule.tag is not None and rule.threshold is not None
    hits: dict[str, str] = {}
    values: dict[str, int | None] = {}
    for item in ctx.definition.tagged(rule.tag):
        answer = answer_of(ctx.answers, item.link_id)
        if answer is None:
            continue
        value = answer_value(ctx.definition, item, answer)
        # An answer the definition does not know, on a safety item, is treated as positive:
        # a wrongly raised flag is cheaper than a missed one.
        if value is None or value >= rule.threshold:
            hits[item.link_id] = answer
            values[item.link_id] = value
    if not hits:
        return []
    assert rule.category is not None
    evidence = {
        "instrument": _instrument(ctx),
        "answers": hits,
        "values": values,
        "threshold": rule.threshold,
    }
    return [_decision(rule, rule.category, evidence)]


def _tagged_answer_is(rule: Rule, ctx: Context) -> list[FlagDecision]:
    assert rule.tag is not None and rule.answer is not None and rule.category is not None
    hits = {
        item.link_id: rule.answer
        for item in ctx.definition.tagged(rule.tag)
        if answer_of(ctx.answers, item.link_id) == rule.answer
    }
    if not hits:
        return []
    return [_decision(rule, rule.category, {"instrument": _instrument(ctx), "answers": hits})]


def _scale_at_cutoff(rule: Rule, ctx: Context) -> list[FlagDecision]:
    decisions = []
    for scale in ctx.definition.scales:
        score = ctx.scores.get(scale.id)
        if scale.cutoff is None or score is None or score.value is None:
            continue
        threshold = applicable_cutoff(scale, ctx.carer_role)
        if threshold is None or score.value < threshold:
            continue
        evidence = {
            "instrument": _instrument(ctx),
            "scores": {
                scale.id: {"value": score.value, "cutoff": threshold, "role": ctx.carer_role.value}
            },
        }
        decisions.append(_decision(rule, scale_category(scale), evidence))
    return decisions


def deterioration_reference(
    baseline: int | None, best_recent: int | None
) -> tuple[str, int] | None:
    """Which of the carer's own scores a rise is measured from, and its value: the lower of the
    first score (baseline) and the best recent one; the baseline when they are equal."""
    if baseline is not None and (best_recent is None or baseline <= best_recent):
        return ("baseline", baseline)
    if best_recent is not None:
        return ("best_recent", best_recent)
    return None


def _rise_from_baseline(rule: Rule, ctx: Context) -> list[FlagDecision]:
    assert rule.category is not None
    decisions = []
    for scale in ctx.definition.scales:
        score = ctx.scores.get(scale.id)
        baseline = ctx.baseline.get(scale.id)
        best_recent = ctx.best_recent.get(scale.id)
        reference = deterioration_reference(baseline, best_recent)
        if (
            scale.reliable_change is None
            or score is None
            or score.value is None
            or reference is None
            or scale.id in ctx.deterioration_held
        ):
            continue
        reference_name, reference_value = reference
        change = score.value - reference_value
        if change < scale.reliable_change:
            continue
        evidence = {
            "instrument": _instrument(ctx),
            "scores": {
                scale.id: {
                    "value": score.value,
                    "baseline": baseline,
                    "best_recent": best_recent,
                    "reference": reference_name,
                    "change": change,
                    "reliable_change": scale.reliable_change,
                }
            },
        }
        decisions.append(_decision(rule, rule.category, evidence))
    return decisions


def _note_evidence(ctx: Context, found: frozenset[str] = frozenset()) -> dict[str, Any]:
    # The note's language and length, never its words: evidence is shown, logged and exported.
    note: dict[str, Any] = {"language": ctx.locale, "characters": len(ctx.note or "")}
    if found:
        note["phrases"] = sorted(found)
    return {"instrument": _instrument(ctx), "note": note}


def _note_written(rule: Rule, ctx: Context) -> list[FlagDecision]:
    assert rule.category is not None
    if not (ctx.note and ctx.note.strip()):
        return []
    return [_decision(rule, rule.category, _note_evidence(ctx))]


def _note_phrases(rule: Rule, ctx: Context) -> list[FlagDecision]:
    assert rule.category is not None
    found = screen(ctx.note) & rule.phrases
    if not found:
        return []
    return [_decision(rule, rule.category, _note_evidence(ctx, found))]


def _instrument(ctx: Context) -> dict[str, str]:
    return {"id": ctx.definition.id, "version": ctx.definition.version}


_CHECKS: dict[Check, Callable[[Rule, Context], list[FlagDecision]]] = {
    Check.TAGGED_VALUE_AT_LEAST: _tagged_value_at_least,
    Check.TAGGED_ANSWER_IS: _tagged_answer_is,
    Check.SCALE_AT_CUTOFF: _scale_at_cutoff,
    Check.RISE_FROM_BASELINE: _rise_from_baseline,
    Check.NOTE_WRITTEN: _note_written,
    Check.NOTE_PHRASES: _note_phrases,
}


def evaluate(ctx: Context, rules: tuple[Rule, ...] = RULES) -> list[FlagDecision]:
    """Every flag decision ``rules`` make about one check-in, in rule order.

    Several decisions may share a category (two scales over their cut-offs); the flag service
    merges them into one flag.
    """
    decisions: list[FlagDecision] = []
    for rule in rules:
        check = _CHECKS.get(rule.check)
        if check is not None:  # missed check-ins are judged by the disengagement job
            decisions.extend(check(rule, ctx))
    return decisions


def worrying(definition: Definition, answers: Answers) -> bool:
    """Whether ``answers`` (valid or not) hold anything an urgent rule would act on: an answer
    at or above a safety rule's threshold, or a note with worrying words. For answers that
    cannot be stored yet (refused, or waiting on the phone): the carer is shown where to get
    help at once, since no flag can be raised until they are sent."""
    for rule in RULES:
        if rule.severity != Severity.URGENT:
            continue
        if rule.check == Check.TAGGED_VALUE_AT_LEAST and rule.tag and rule.threshold:
            for item in definition.tagged(rule.tag):
                answer = answer_of(answers, item.link_id)
                if answer is None:
                    continue
                value = answer_value(definition, item, answer)
                if value is None or value >= rule.threshold:
                    return True
        if rule.check == Check.NOTE_PHRASES:
            for item in definition.tagged(Tag.NOTE):
                if screen(answer_of(answers, item.link_id)) & rule.phrases:
                    return True
    return False


def missed_threshold(threshold: int, recent_flag: bool, rule: Rule = DISENGAGED) -> int:
    """How many consecutive misses raise a disengagement flag for this carer."""
    if recent_flag:
        return max(rule.minimum, threshold - rule.lowered_by_recent_flag)
    return max(rule.minimum, threshold)


def disengagement_decision(
    missed: int,
    threshold: int,
    recent_flag: bool,
    *,
    detail: Mapping[str, Any] | None = None,
    rule: Rule = DISENGAGED,
) -> FlagDecision | None:
    """A disengagement decision when ``missed`` consecutive check-ins reach the threshold.

    ``threshold`` is the team's setting; ``recent_flag`` whether the carer's last check-in
    raised a flag or they have a flag that is not closed (then one miss fewer is enough).
    ``detail`` adds evidence (which schedules were missed); numbers and codes only.
    """
    applied = missed_threshold(threshold, recent_flag, rule)
    if missed < applied:
        return None
    assert rule.category is not None
    evidence: dict[str, Any] = {
        "missed": missed,
        "threshold": applied,
        "team_threshold": threshold,
        "recent_flag": recent_flag,
    }
    evidence.update(detail or {})
    return _decision(rule, rule.category, evidence)


def disengagement_held(
    *, schedules: Mapping[str, Mapping[str, Any]], closed_evidence: Mapping[str, Any] | None
) -> bool:
    """Hysteresis for disengagement: True when a clinician already closed a flag for these same
    runs of misses and none of them has grown since.

    ``schedules`` maps instrument id -> {"missed": n, "last_checkin_at": iso or None} for the
    schedules now over the threshold. Without this the job, which runs every few seconds, would
    reopen a flag the moment it is closed. A further miss on any schedule, or a new run of misses
    after the carer checks in again (a different last check-in), raises a flag again.
    """
    if closed_evidence is None:
        return False
    before = closed_evidence.get("schedules", {})
    for instrument_id, now in schedules.items():
        then = before.get(instrument_id)
        if then is None or then.get("last_checkin_at") != now.get("last_checkin_at"):
            return False
        if int(now.get("missed", 0)) > int(then.get("missed", 0)):
            return False
    return True
