"""The outcome page and its downloads: bad input, whose figures each person sees, the
charts' text alternatives, the print layout and the link to the page."""

import csv
import io
import re

import pytest
from flask.testing import FlaskClient

from tests.conftest import LoginAs
from tests.outcomes.conftest import Stored
from tests.outcomes.tables_in_html import tables_in


def _field_error(html: str, field: str) -> str:
    """The message shown beside a field (the forms macro's ``<id>-error`` paragraph)."""
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no message beside {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.fixture
def clinician(stored: Stored, login_as: LoginAs) -> FlaskClient:
    return login_as(stored.clinician)


def test_a_period_that_ends_before_it_starts_is_refused_beside_the_end(
    clinician: FlaskClient,
) -> None:
    response = clinician.get("/team/outcomes?start=2026-10-02&end=2026-10-01")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert _field_error(html, "end") == "The period must end on or after the day it starts."
    assert "There is a problem" in html
    assert "<table" not in html  # no figures for a period that does not exist


@pytest.mark.parametrize(
    "typed", ["yesterday", "2026-02-30", "31/02/2026", "2026-13-01", "9999-12-31", "0001-01-01"]
)
def test_a_date_that_cannot_be_read_is_refused_beside_its_field(
    clinician: FlaskClient, typed: str
) -> None:
    response = clinician.get("/team/outcomes", query_string={"start": typed})
    assert response.status_code == 400
    assert _field_error(response.get_data(as_text=True), "start") == (
        "Enter a date such as 24/12/2027."
    )


def test_a_date_written_by_hand_is_read(clinician: FlaskClient) -> None:
    response = clinician.get("/team/outcomes?start=01/09/2026&end=30/11/2026")
    assert response.status_code == 200
    assert 'value="2026-09-01"' in response.get_data(as_text=True)


def test_an_unknown_questionnaire_is_refused(clinician: FlaskClient) -> None:
    response = clinician.get("/team/outcomes?instrument=nonsense")
    assert response.status_code == 400
    assert _field_error(response.get_data(as_text=True), "instrument")


def test_a_download_with_a_bad_period_or_table_is_refused(clinician: FlaskClient) -> None:
    bad = clinician.get("/team/outcomes/engagement.csv?start=2026-10-02&end=2026-10-01")
    assert bad.status_code == 400
    assert bad.mimetype == "text/html"
    assert clinician.get("/team/outcomes/nonsense.csv").status_code == 404


def test_another_teams_clinician_sees_only_their_own_team(
    stored: Stored, login_as: LoginAs
) -> None:
    """Their team's one carer (a father, 20 then 3), never the example team's three."""
    page = login_as(stored.other_team_clinician).get("/team/outcomes")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Outcomes team" not in html
    change = tables_in(html)["Change in PHQ-9 total"]
    assert change[0][:4] == ["All carers", "1", "1", "-17.0"]
    assert change[2][:4] == ["Fathers", "1", "1", "-17.0"]


def test_a_restricted_record_is_not_counted(stored: Stored, login_as: LoginAs) -> None:
    """The closed account's scores (20 then 2) and urgent flag are in the database, and in
    none of the figures (the hand-worked tables hold three carers and four flags)."""
    text = (
        login_as(stored.lead)
        .get("/team/outcomes/escalations.csv", query_string={"instrument": "phq9"})
        .get_data(as_text=True)
    )
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1][:2] == ["All carers", "4"]


def test_each_chart_has_a_text_alternative_and_no_script(clinician: FlaskClient) -> None:
    html = clinician.get("/team/outcomes?instrument=phq9").get_data(as_text=True)
    charts = re.findall(r'<svg class="chart-svg".*?</svg>', html, re.S)
    assert len(charts) == 3  # change in PHQ-9, engagement, response times
    for chart in charts:
        labelled = re.search(r'aria-labelledby="([^"]+)-title \1-desc"', chart)
        assert 'role="img"' in chart and labelled
        assert re.search(r"<title id=[^>]+>[^<]+</title>", chart)
        assert re.search(r"<desc id=[^>]+>[^<]+</desc>", chart)
    assert "Mothers: of 1 paired, 1 reliably improved" in html
    assert "<script" not in html.split("<main", 1)[1]


def test_the_page_prints_on_a4(clinician: FlaskClient) -> None:
    html = clinician.get("/team/outcomes").get_data(as_text=True)
    href = re.search(r'href="(/static/css/outcomes\.css[^"]*)"', html)
    assert href, "the report's stylesheet is linked"
    with clinician.get(href.group(1)) as response:  # a file response: closed after reading
        css = response.get_data(as_text=True)
    assert re.search(r"@page outcomes \{ size: A4 landscape;", css)
    assert "@media print" in css
    assert 'class="outcomes-report' in html  # the body that takes the named page


def test_staff_navigation_links_to_the_page(stored: Stored, login_as: LoginAs) -> None:
    html = login_as(stored.clinician).get("/flags").get_data(as_text=True)
    assert 'href="/team/outcomes"' in html
