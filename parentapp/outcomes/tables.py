"""The report's tables: each figure as the cell the page shows and the CSV holds. Both are
written from these tables alone, so the page and its CSV cannot disagree.

A cell is text, or None for a figure that does not exist (no carers to take a share of, or a
threshold the questionnaire does not define): the page shows a dash, the CSV an empty cell.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask_babel import gettext as _

from parentapp.i18n import language_name
from parentapp.outcomes.engagement import EngagementFigures
from parentapp.outcomes.figures import ChangeFigures
from parentapp.outcomes.flag_figures import EscalationFigures, ResponseFigures, RuleCount
from parentapp.outcomes.records import ALL, Group
from parentapp.outcomes.referral_figures import EVERYONE, ReferralFigures
from parentapp.outcomes.report import Report, ScaleSection
from parentapp.referrals.vocab import PROFESSIONS
from parentapp.triage.labels import SEVERITY_LABELS

Cell = str | None


@dataclass(frozen=True)
class Table:
    slug: str  # its CSV's name, /team/outcomes/<slug>.csv
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # How many leading cells of each row name it (row headers on the page).
    keys: int = 1
    # Said under the title on the page (a threshold the questionnaire does not define).
    notes: tuple[str, ...] = ()


def one_decimal(value: Fraction | None) -> Cell:
    """Rounded to one decimal place, halves away from zero, the same on every machine."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def share(count: int | None, of: int | None) -> Cell:
    """A percentage with one decimal; None when there is nothing to take a share of."""
    if count is None or not of:
        return None
    return one_decimal(Fraction(100 * count, of))


def count(value: int | None) -> Cell:
    return None if value is None else str(value)


def group_label(group: Group) -> str:
    if group.kind == ALL:
        return str(_("All carers"))
    if group.kind == "role":
        roles = {"mother": _("Mothers"), "father": _("Fathers")}
        return str(roles.get(group.key) or _("Other carers"))
    return language_name(group.key)


def severity_label(severity: str) -> str:
    label = SEVERITY_LABELS.get(severity)
    return str(label) if label is not None else severity


def _change_row(f: ChangeFigures) -> tuple[Cell, ...]:
    return (
        group_label(f.group),
        count(f.scored),
        count(f.paired),
        one_decimal(f.mean_change),
        count(f.improved),
        share(f.improved, f.paired),
        count(f.deteriorated),
        share(f.deteriorated, f.paired),
        count(f.no_reliable_change),
        count(f.cases_at_first),
        count(f.recovered),
        share(f.recovered, f.cases_at_first),
        count(f.below_at_first),
        count(f.became_cases),
        share(f.became_cases, f.below_at_first),
    )


def change_table(section: ScaleSection) -> Table:
    ref = section.ref
    return Table(
        slug=f"change-{ref.instrument_id}-{ref.scale.id}",
        title=_("Change in %(scale)s", scale=_(ref.scale.title)),
        header=(
            _("Group"),
            _("Carers with a score"),
            _("Paired (first and latest score)"),
            _("Mean change"),
            _("Reliable improvement"),
            _("Reliable improvement (%)"),
            _("Reliable deterioration"),
            _("Reliable deterioration (%)"),
            _("No reliable change"),
            _("At or above the cut-off at first"),
            _("Recovered: below the cut-off at the latest"),
            _("Recovered (%)"),
            _("Below the cut-off at first"),
            _("Rose to or above the cut-off"),
            _("Rose to or above the cut-off (%)"),
        ),
        rows=tuple(_change_row(f) for f in section.figures),
        notes=_threshold_notes(section),
    )


def _threshold_notes(section: ScaleSection) -> tuple[str, ...]:
    scale = section.ref.scale
    notes = []
    if scale.reliable_change is None:
        notes.append(
            _("This questionnaire has no reliable-change threshold: change is not classed.")
        )
    else:
        notes.append(
            _(
                "Reliable change: a rise or fall of %(points)d points or more.",
                points=scale.reliable_change,
            )
        )
    if scale.cutoff is None:
        notes.append(_("This questionnaire has no cut-off: crossing it is not counted."))
    elif scale.cutoff.by_role:
        notes.append(
            _(
                "Cut-off: %(value)d, or the lower one published for some carer roles.",
                value=scale.cutoff.value,
            )
        )
    else:
        notes.append(_("Cut-off: %(value)d.", value=scale.cutoff.value))
    return tuple(notes)


def _engagement_row(f: EngagementFigures) -> tuple[Cell, ...]:
    return (
        group_label(f.group),
        count(f.asked),
        count(f.due),
        count(f.done),
        share(f.done, f.due),
        one_decimal(f.median_days_between),
        count(f.could_stop),
        count(f.stopped),
        share(f.stopped, f.could_stop),
    )


def engagement_table(figures: Sequence[EngagementFigures]) -> Table:
    return Table(
        slug="engagement",
        title=_("Engagement"),
        header=(
            _("Group"),
            _("Carers asked"),
            _("Check-ins due"),
            _("Check-ins done"),
            _("Done (%)"),
            _("Median days between check-ins"),
            _("Carers who could have stopped"),
            _("Stopped"),
            _("Stopped (%)"),
        ),
        rows=tuple(_engagement_row(f) for f in figures),
    )


def rules_table(rules: Sequence[RuleCount], groups: Sequence[Group]) -> Table:
    return Table(
        slug="flags",
        title=_("Flags by rule and severity"),
        header=(_("Rule"), _("Severity"), *(group_label(g) for g in groups)),
        rows=tuple(
            (r.rule_id, severity_label(r.severity), *(str(n) for n in r.counts)) for r in rules
        ),
        keys=2,
    )


def _response_row(f: ResponseFigures) -> tuple[Cell, ...]:
    return (
        severity_label(f.severity),
        group_label(f.group),
        count(f.raised),
        count(f.judged),
        count(f.on_time),
        share(f.on_time, f.judged),
        one_decimal(f.median_hours_to_acknowledge),
    )


def response_table(figures: Sequence[ResponseFigures]) -> Table:
    return Table(
        slug="response-times",
        title=_("Response times"),
        header=(
            _("Severity"),
            _("Group"),
            _("Flags raised"),
            _("Acknowledged, or due-by passed"),
            _("Acknowledged by the due-by time"),
            _("Acknowledged by the due-by time (%)"),
            _("Median hours to acknowledge"),
        ),
        rows=tuple(_response_row(f) for f in figures),
        keys=2,
    )


def escalation_table(figures: Sequence[EscalationFigures]) -> Table:
    return Table(
        slug="escalations",
        title=_("Escalations"),
        header=(
            _("Group"),
            _("Flags raised"),
            _("Escalated"),
            _("Escalated (%)"),
            _("Reached the team's leads"),
        ),
        rows=tuple(
            (
                group_label(f.group),
                count(f.raised),
                count(f.escalated),
                share(f.escalated, f.raised),
                count(f.to_leads),
            )
            for f in figures
        ),
    )


def referrer_label(kind: str) -> str:
    if kind == EVERYONE:
        return str(_("All referrers"))
    label = PROFESSIONS.get(kind)
    return kind if label is None else str(label)


def referral_table(figures: Sequence[ReferralFigures]) -> Table:
    return Table(
        slug="referrals",
        title=_("Referrals"),
        header=(
            _("Referrer"),
            _("Referrals received"),
            _("Acknowledged"),
            _("Median days to acknowledgement"),
            _("Accepted or declined"),
            _("Accepted"),
            _("Accepted (%)"),
            _("First contact made"),
            _("Median days to first contact"),
        ),
        rows=tuple(
            (
                referrer_label(f.referrer_type),
                count(f.received),
                count(f.acknowledged),
                one_decimal(f.median_days_to_acknowledge),
                count(f.triaged),
                count(f.accepted),
                share(f.accepted, f.triaged),
                count(f.contact_made),
                one_decimal(f.median_days_to_first_contact),
            )
            for f in figures
        ),
    )


def report_tables(report: Report) -> tuple[Table, ...]:
    """Every table of the report, in the page's order."""
    return (
        *(change_table(section) for section in report.scales),
        engagement_table(report.engagement),
        rules_table(report.rules, report.groups),
        response_table(report.responses),
        escalation_table(report.escalations),
        referral_table(report.referrals),
    )


def as_csv(table: Table) -> str:
    """The table as CSV: its header, then its rows; a figure that does not exist is empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    writer.writerows([["" if cell is None else cell for cell in row] for row in table.rows])
    return out.getvalue()
