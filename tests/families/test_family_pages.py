"""The family list a page at a time: every family once across the pages, the reader's own
first, search and filters, the team scope under any cursor or filter, and bad input."""

import base64
import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.db import utcnow
from parentapp.families.models import Family
from parentapp.families.roles import CarerRole
from parentapp.listing import encode
from parentapp.teams.models import Team
from parentapp.triage import caseload
from parentapp.triage.models import Flag
from tests.conftest import login
from tests.factories import Factory, carer_row, pk
from tests.paging import link, page, statements, walk

SIZE = caseload.PAGE_SIZE
_FAMILY_LINK = re.compile(r'href="/families/(\d+)"')


def family_ids(text: str) -> list[int]:
    """The families listed on a page of /clinic, in order."""
    return [int(found) for found in _FAMILY_LINK.findall(text)]


class Team_:
    def __init__(self, make: Factory, name: str, count: int) -> None:
        self.team: Team = make.team(name)
        self.clinician: User = make.user(Role.CLINICIAN, self.team, display_name=f"{name} One")
        self.colleague: User = make.user(Role.CLINICIAN, self.team, display_name=f"{name} Two")
        # Every third family is the clinician's: their own are spread through the names.
        self.families: list[Family] = [
            make.family(
                self.team,
                self.clinician if n % 3 == 0 else self.colleague,
                label=f"{name} family {n:03d}",
            )
            for n in range(count)
        ]

    def order_for(self, reader: User) -> list[int]:
        """The list's order, worked out here independently of the query."""
        key = [(f.assigned_clinician_id != reader.id, f.label, pk(f)) for f in self.families]
        return [pk_ for _mine, _label, pk_ in sorted(key)]


@pytest.fixture
def riverside(make: Factory) -> Team_:
    return Team_(make, "Riverside", 2 * SIZE + 7)


@pytest.fixture
def hillside(make: Factory) -> Team_:
    return Team_(make, "Hillside", SIZE + 3)


def add_flag(db: Session, family: Family, make: Factory, *, due_in: timedelta) -> Flag:
    carer = carer_row(db, make.carer(family, CarerRole.MOTHER))
    flag = Flag(
        team_id=family.team_id,
        family_id=pk(family),
        carer_id=pk(carer),
        owner_id=family.assigned_clinician_id,
        category="mood",
        severity="concern",
        rule_id="test",
        ruleset_version="test",
        opened_at=utcnow() - timedelta(days=3),
        due_at=utcnow() + due_in,
    )
    db.add(flag)
    db.commit()
    return flag


def test_pages_list_every_family_once_the_readers_own_first_forwards_and_back(
    client: FlaskClient, riverside: Team_
) -> None:
    login(client, riverside.clinician.email)

    pages, last = walk(client, "/clinic", family_ids)

    assert [len(p) for p in pages] == [SIZE, SIZE, 7]
    assert [i for p in pages for i in p] == riverside.order_for(riverside.clinician)
    first = page(client, "/clinic")
    assert first.index("Families assigned to you") < first.index("Other families in your team")
    back, start = walk(client, link(last, "prev") or "", family_ids, rel="prev")
    assert back == pages[-2::-1]
    assert link(start, "prev") is None


def test_a_deep_page_runs_the_same_queries_as_the_first_whatever_it_holds(
    app: Flask, client: FlaskClient, db: Session, make: Factory, riverside: Team_
) -> None:
    for family in riverside.families[::5]:
        make.infant(family, name="Baby")
        carer_row(db, make.carer(family, CarerRole.FATHER))
    login(client, riverside.colleague.email)
    engine = app.extensions["parentapp.engine"]

    with statements(engine) as first:
        html = page(client, "/clinic")
    with statements(engine) as second:
        html = page(client, link(html, "next") or "")
    with statements(engine) as third:
        page(client, link(html, "next") or "")  # 7 families, not 50: no query per row
    with statements(engine) as few:
        page(client, "/clinic?q=family+001")

    assert not [s for s in first + second + third if "OFFSET" in s.upper()]
    assert len(first) == len(second) == len(third) == len(few)


def test_the_list_shows_babies_and_carers_joined(
    client: FlaskClient, db: Session, make: Factory, riverside: Team_
) -> None:
    family = riverside.families[0]
    make.infant(family, name="Ada")
    make.infant(family, name="Zed")
    carer_row(db, make.carer(family, CarerRole.MOTHER))
    login(client, riverside.clinician.email)

    html = page(client, "/clinic?q=family+000")

    assert "Ada, Zed" in html
    assert "<td>1</td>" in html and "Riverside One" in html


def test_filters_by_family_name_clinician_and_overdue_flag(
    client: FlaskClient, db: Session, make: Factory, riverside: Team_
) -> None:
    late = riverside.families[4]
    add_flag(db, late, make, due_in=-timedelta(hours=1))
    add_flag(db, riverside.families[5], make, due_in=timedelta(hours=1))  # not yet due
    login(client, riverside.clinician.email)

    assert family_ids(page(client, "/clinic?q=FAMILY+004")) == [pk(late)]
    assert family_ids(page(client, "/clinic?overdue=y")) == [pk(late)]
    pages, _last = walk(client, f"/clinic?clinician={riverside.colleague.id}", family_ids)
    colleagues = {
        pk(f) for f in riverside.families if f.assigned_clinician_id != riverside.clinician.id
    }
    expected = [i for i in riverside.order_for(riverside.clinician) if i in colleagues]
    assert [i for p in pages for i in p] == expected
    none = page(client, "/clinic?q=nobody+by+this+name")
    assert family_ids(none) == [] and "No families match these filters." in none
    assert "Clear the filters" in none


def test_the_page_links_keep_the_filters(client: FlaskClient, riverside: Team_) -> None:
    login(client, riverside.clinician.email)
    url = f"/clinic?q=riverside&clinician={riverside.colleague.id}"

    pages, last = walk(client, url, family_ids)

    following = link(page(client, url), "next") or ""
    assert "q=riverside" in following and f"clinician={riverside.colleague.id}" in following
    assert f"clinician={riverside.colleague.id}" in (link(last, "prev") or "")
    assert len([i for p in pages for i in p]) == len(
        [f for f in riverside.families if f.assigned_clinician_id == riverside.colleague.id]
    )


def test_a_cursor_or_clinician_filter_never_crosses_teams(
    app: Flask, client: FlaskClient, riverside: Team_, hillside: Team_
) -> None:
    other = app.test_client()
    login(other, hillside.clinician.email)
    their_cursor = link(page(other, "/clinic"), "next") or ""
    login(client, riverside.clinician.email)
    seen: set[int] = set()

    for url in (
        their_cursor,
        f"/clinic?after={encode([0, '', 0])}",
        f"/clinic?before={encode([1, '~' * 20, 10**9])}",
    ):
        pages, _last = walk(client, url, family_ids)
        seen.update(i for p in pages for i in p)
    refused = page(client, f"/clinic?clinician={hillside.clinician.id}", status=400)

    assert seen == {pk(f) for f in riverside.families}
    assert "Please choose a clinician from your team." in refused
    assert "Hillside" not in refused
    assert not {pk(f) for f in hillside.families} & set(family_ids(refused))


def test_a_carer_has_no_family_list(client: FlaskClient, db: Session, make: Factory) -> None:
    team = make.team("Solo")
    family = make.family(team, make.user(Role.CLINICIAN, team))
    carer = make.carer(family, CarerRole.MOTHER)
    login(client, carer.email)

    response = client.get("/clinic?q=solo")

    assert response.status_code in (302, 403)
    assert f"/families/{pk(family)}" not in response.get_data(as_text=True)


def _token(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("after=not-a-cursor", "That page link could not be used"),
        ("after=" + "A" * 5000, "That page link could not be used"),
        (f"after={_token([0, None, '2026-01-01T00:00:00+00:00', 1])}", "That page link could not be used"),
        (f"after={_token([7, 'x', 1])}", "That page link could not be used"),
        (f"before={_token([0, 'x', True])}", "That page link could not be used"),
        (f"after={_token([0, 'x', 1])}&before={_token([0, 'x', 1])}", "That page link could not be used"),
        ("clinician=abc", "Please choose a clinician from your team."),
        ("q=" + "x" * 10_000, "That is longer than any family name."),
    ],
)  # fmt: skip
def test_bad_or_tampered_arguments_are_said_so_and_the_page_still_works(
    client: FlaskClient, riverside: Team_, query: str, message: str
) -> None:
    login(client, riverside.clinician.email)

    html = page(client, f"/clinic?{query}", status=400)

    assert message in html
    assert family_ids(html) == riverside.order_for(riverside.clinician)[:SIZE]


def test_bad_input_is_said_in_the_readers_language(
    client: FlaskClient, db: Session, riverside: Team_
) -> None:
    riverside.clinician.locale = "pl"
    db.add(riverside.clinician)
    db.commit()
    login(client, riverside.clinician.email)

    html = page(client, "/clinic?clinician=nope&after=zzz", status=400)

    assert "Please choose a clinician from your team." not in html
    assert "That page link could not be used" not in html
    assert 'lang="pl"' in html and 'aria-label="Filtruj rodziny"' in html
