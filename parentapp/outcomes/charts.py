"""Bar charts of the report, drawn as SVG on the server (no script needed). The geometry is
pure; each chart's words (title, description, legend) are in the reader's language, and the
table beside each chart holds every number it shows."""

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from parentapp.outcomes.engagement import EngagementFigures
from parentapp.outcomes.flag_figures import ResponseFigures
from parentapp.outcomes.records import ALL
from parentapp.outcomes.report import ScaleSection
from parentapp.outcomes.tables import group_label, severity_label, share

WIDTH = 640
LABEL_WIDTH = 150  # the group's name, left of its bar
VALUE_WIDTH = 130  # the figure, right of its bar
ROW_HEIGHT = 26
BAR_HEIGHT = 18
TOP = 22  # room for the 0, 50 and 100% marks


@dataclass(frozen=True)
class Segment:
    kind: str  # its CSS class: chart-improved, chart-same, chart-worse, chart-done
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    segments: tuple[Segment, ...]
    value: str


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    desc: str
    width: int
    height: int
    bar_x: int
    bar_width: int
    bar_height: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]
    legend: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BarData:
    label: str
    # (kind, count) laid end to end, each as its share of ``total``.
    parts: tuple[tuple[str, int], ...]
    total: int
    value: str


def bar_chart(
    slug: str,
    title: str,
    desc: str,
    data: Sequence[BarData],
    legend: Sequence[tuple[str, str]] = (),
) -> BarChart:
    """Horizontal bars from 0 to 100% of each row's own total; a row with no total has no
    bar, only its words."""
    bar_x = LABEL_WIDTH
    bar_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, row in enumerate(data):
        x = float(bar_x)
        segments = []
        for kind, number in row.parts:
            width = bar_width * number / row.total if row.total else 0.0
            if width > 0:
                segments.append(Segment(kind, x, width))
            x += width
        bars.append(Bar(row.label, TOP + index * ROW_HEIGHT, tuple(segments), row.value))
    ticks = tuple(
        (bar_x + bar_width * f, label) for f, label in ((0, "0%"), (0.5, "50%"), (1, "100%"))
    )
    return BarChart(
        slug=slug,
        title=title,
        desc=desc,
        width=WIDTH,
        height=TOP + ROW_HEIGHT * max(len(bars), 1),
        bar_x=bar_x,
        bar_width=bar_width,
        bar_height=BAR_HEIGHT,
        bars=tuple(bars),
        ticks=ticks,
        legend=tuple(legend),
    )


def _percent(count: int, of: int) -> str:
    value = share(count, of)
    return str(
        _("%(share)s%% (%(count)d of %(total)d)", share=value, count=count, total=of)
        if value
        else _("none")
    )


def change_chart(section: ScaleSection) -> BarChart | None:
    """Reliable improvement, no reliable change and reliable deterioration, as shares of each
    group's paired carers. None when the scale defines no reliable change."""
    if section.ref.scale.reliable_change is None:
        return None
    data, said = [], []
    for f in section.figures:
        improved, worse, same = f.improved or 0, f.deteriorated or 0, f.no_reliable_change or 0
        label = group_label(f.group)
        data.append(
            BarData(
                label,
                (("chart-improved", improved), ("chart-same", same), ("chart-worse", worse)),
                f.paired,
                _("%(count)d paired", count=f.paired),
            )
        )
        said.append(
            _(
                "%(group)s: of %(paired)d paired, %(improved)d reliably improved, %(same)d no"
                " reliable change, %(worse)d reliably deteriorated.",
                group=label,
                paired=f.paired,
                improved=improved,
                same=same,
                worse=worse,
            )
        )
    ref = section.ref
    return bar_chart(
        f"change-{ref.instrument_id}-{ref.scale.id}",
        _("Reliable change in %(scale)s, by group", scale=_(ref.scale.title)),
        " ".join(said),
        data,
        (
            ("chart-improved", _("Reliable improvement")),
            ("chart-same", _("No reliable change")),
            ("chart-worse", _("Reliable deterioration")),
        ),
    )


def engagement_chart(figures: Sequence[EngagementFigures]) -> BarChart:
    data = [
        BarData(group_label(f.group), (("chart-done", f.done),), f.due, _percent(f.done, f.due))
        for f in figures
    ]
    said = " ".join(_("%(group)s: %(value)s.", group=row.label, value=row.value) for row in data)
    return bar_chart(
        "engagement",
        _("Check-ins done of those due, by group"),
        said,
        data,
        (("chart-done", _("Done")),),
    )


def response_chart(figures: Sequence[ResponseFigures]) -> BarChart | None:
    """The share acknowledged by the due-by time, per severity, of all carers' flags."""
    rows = [f for f in figures if f.group.kind == ALL]
    if not rows:
        return None
    data = [
        BarData(
            severity_label(f.severity),
            (("chart-done", f.on_time),),
            f.judged,
            _percent(f.on_time, f.judged),
        )
        for f in rows
    ]
    said = " ".join(_("%(group)s: %(value)s.", group=row.label, value=row.value) for row in data)
    return bar_chart(
        "response-times",
        _("Flags acknowledged by their due-by time, by severity"),
        said,
        data,
        (("chart-done", _("Acknowledged by the due-by time")),),
    )
