"""The server-drawn score chart: points placed by value from zero to the scale's maximum."""

from datetime import UTC, datetime, timedelta

from parentapp.checkins.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, line_chart

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_points_span_the_width_oldest_on_the_left():
    points = [(START + timedelta(days=7 * n), value) for n, value in enumerate((0, 27, 9))]

    chart = line_chart(points, 27)

    xs = [p.x for p in chart.points]
    assert xs == [LEFT, LEFT + (WIDTH - LEFT - RIGHT) / 2, WIDTH - RIGHT]
    ys = [p.y for p in chart.points]
    assert ys[0] == HEIGHT - BOTTOM == chart.baseline_y  # zero sits on the baseline
    assert ys[1] == TOP  # the maximum at the top
    assert ys[2] == TOP + (HEIGHT - TOP - BOTTOM) * (1 - 9 / 27)
    assert chart.polyline.startswith(f"{LEFT:.1f},{HEIGHT - BOTTOM:.1f} ")
    assert [value for _y, value in chart.ticks] == [0, 13, 27]


def test_a_single_point_sits_in_the_middle():
    chart = line_chart([(START, 5)], 21)

    assert chart.points[0].x == LEFT + (WIDTH - LEFT - RIGHT) / 2


def test_a_value_above_the_stated_maximum_still_fits():
    chart = line_chart([(START, 30)], 27)

    assert chart.points[0].y == TOP
    assert chart.ticks[-1][1] == 30
