"""The hand-worked example (``example.py``): the pure figures, every CSV and the page all
give the figures written there by hand."""

import csv
import io
from fractions import Fraction

from flask import Flask

from parentapp.db import utcnow
from parentapp.instruments.registry import builtin_registry
from parentapp.outcomes.engagement import engagement_figures
from parentapp.outcomes.figures import scale_figures
from parentapp.outcomes.records import ScaleRef, groups_for
from parentapp.outcomes.report import build_report
from parentapp.outcomes.tables import report_tables
from tests.conftest import LoginAs
from tests.outcomes import example
from tests.outcomes.conftest import Stored
from tests.outcomes.tables_in_html import tables_in

TITLES = {
    "change-phq9-total": "Change in PHQ-9 total",
    "engagement": "Engagement",
    "flags": "Flags by rule and severity",
    "response-times": "Response times",
    "escalations": "Escalations",
    "referrals": "Referrals",
}


def _phq9() -> ScaleRef:
    definition = builtin_registry().get("phq9")
    return ScaleRef("phq9", definition.short_title, definition.scales[0])


def _params(stored: Stored) -> dict[str, str]:
    start, end = example.period_days(stored.now)
    return {"start": start.isoformat(), "end": end.isoformat(), "instrument": "phq9"}


def test_pure_figures_match_the_hand_worked_numbers() -> None:
    now = utcnow()
    rows, period = example.rows(now), example.period(now)
    groups = groups_for(rows.carers, ["en", "pl"])
    everyone = scale_figures(rows.carers, rows.checkins, _phq9(), period, groups)[0]
    assert (everyone.scored, everyone.paired) == (3, 3)
    assert everyone.mean_change == Fraction(1, 3)  # (-7 + 6 + 2) / 3
    assert (everyone.improved, everyone.deteriorated, everyone.no_reliable_change) == (1, 1, 1)
    assert (everyone.cases_at_first, everyone.recovered) == (1, 1)
    assert (everyone.below_at_first, everyone.became_cases) == (2, 2)
    engaged = engagement_figures(rows, period, now, groups)[0]
    assert (engaged.due, engaged.done, engaged.stopped) == (10, 7, 1)
    assert engaged.median_days_between == 14


def test_pure_tables_match_the_hand_worked_tables(app: Flask) -> None:
    now = utcnow()
    report = build_report(
        example.rows(now),
        [_phq9()],
        example.period(now),
        now,
        instrument_id="phq9",
        language_order=["en", "pl"],
    )
    with app.test_request_context():
        tables = {table.slug: [list(row) for row in table.rows] for table in report_tables(report)}
    assert tables == example.EXPECTED


def test_each_csv_matches_the_hand_worked_tables(stored: Stored, login_as: LoginAs) -> None:
    client = login_as(stored.clinician)
    for slug, expected in example.EXPECTED.items():
        response = client.get(f"/team/outcomes/{slug}.csv", query_string=_params(stored))
        assert response.status_code == 200, slug
        assert response.mimetype == "text/csv"
        text = response.get_data(as_text=True).removeprefix("\ufeff")
        header, *rows = list(csv.reader(io.StringIO(text)))
        assert header[0] in {"Group", "Rule", "Severity", "Referrer"}
        assert rows == [["" if cell is None else cell for cell in row] for row in expected], slug


def test_the_page_shows_the_hand_worked_tables(stored: Stored, login_as: LoginAs) -> None:
    page = login_as(stored.lead).get("/team/outcomes", query_string=_params(stored))
    assert page.status_code == 200
    found = tables_in(page.get_data(as_text=True))
    for slug, expected in example.EXPECTED.items():
        shown = [["—" if cell is None else cell for cell in row] for row in expected]
        assert found[TITLES[slug]] == shown, slug


def test_page_and_csv_agree_for_every_instrument(stored: Stored, login_as: LoginAs) -> None:
    """Without a chosen questionnaire (the default period too), each table's CSV holds the
    page's figures."""
    client = login_as(stored.clinician)
    page = client.get("/team/outcomes")
    assert page.status_code == 200
    found = tables_in(page.get_data(as_text=True))
    for slug, title in TITLES.items():
        text = client.get(f"/team/outcomes/{slug}.csv").get_data(as_text=True)
        _header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        assert [[cell or "—" for cell in row] for row in rows] == found[title], slug
