"""A small line chart of scores over time, drawn as SVG on the server (no script needed).

Pure: takes (when, value) points and returns coordinates for the template to draw.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH = 320
HEIGHT = 160
# Room for the value labels on the left and the dates underneath.
LEFT, RIGHT, TOP, BOTTOM = 32, 12, 10, 24


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    at: datetime
    value: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: tuple[Point, ...]
    # (y, value) of the horizontal guide lines: zero, the middle and the maximum.
    ticks: tuple[tuple[float, int], ...]
    baseline_y: float
    left: int
    right: float

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def line_chart(
    points: Sequence[tuple[datetime, int]],
    max_value: int | None,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """Place ``points`` (oldest first) evenly along x, by value along y from 0 to the maximum.

    Even spacing rather than a time axis: check-ins come roughly weekly, and a gap would
    only shrink the points a carer wants to read.
    """
    top_value = max([max_value or 0, *(v for _, v in points), 1])
    plot_w = width - LEFT - RIGHT
    plot_h = height - TOP - BOTTOM

    def y_of(value: int) -> float:
        return TOP + plot_h * (1 - value / top_value)

    count = len(points)
    placed = tuple(
        Point(
            x=LEFT + (plot_w * index / (count - 1) if count > 1 else plot_w / 2),
            y=y_of(value),
            at=at,
            value=value,
        )
        for index, (at, value) in enumerate(points)
    )
    middle = top_value // 2
    ticks = tuple((y_of(v), v) for v in sorted({0, middle, top_value}))
    return Chart(
        width=width,
        height=height,
        points=placed,
        ticks=ticks,
        baseline_y=y_of(0),
        left=LEFT,
        right=width - RIGHT,
    )
