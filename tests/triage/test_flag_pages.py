"""The flag queue a page at a time: every flag once across the pages, urgent and overdue
first, filters and search, the team scope under any cursor or filter, and bad input."""

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import cycle

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.checkins import behind as behind_on_checkins
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.listing import encode
from parentapp.teams.models import Team
from parentapp.triage import dashboard
from parentapp.triage.models import Flag
from parentapp.triage.vocab import Category
from tests.conftest import login
from tests.factories import Factory, add_schedule, carer_row, pk
from tests.paging import link, page, statements, walk

SIZE = dashboard.PAGE_SIZE
_FLAG_LINK = re.compile(r'href="/flags/(\d+)"')


def flag_ids(text: str) -> list[int]:
    """The flags listed on a dashboard page, in order."""
    return [int(found) for found in _FLAG_LINK.findall(text)]


@dataclass
class Team_:
    team: Team
    clinician: User  # an ordinary clinician: their own caseload only
    colleague: User
    duty: User  # the duty clinician: the whole team
    families: list[Family] = field(default_factory=list)
    carers: list[Carer] = field(default_factory=list)
    # Each carer holds at most one live flag per category.
    _slots: Iterator[tuple[int, Category]] = field(default_factory=lambda: iter(()))


def build_team(make: Factory, db: Session, name: str, families: int = 16) -> Team_:
    team = make.team(name)
    clinician = make.user(Role.CLINICIAN, team, display_name=f"{name} Clinician")
    colleague = make.user(Role.CLINICIAN, team, display_name=f"{name} Colleague")
    duty = make.user(Role.CLINICIAN, team, display_name=f"{name} Duty", on_duty=True)
    built = Team_(team, clinician, colleague, duty)
    for n in range(families):
        owner = clinician if n % 2 == 0 else colleague
        family = make.family(team, owner, label=f"{name} family {n:02d}")
        built.families.append(family)
        built.carers.append(carer_row(db, make.carer(family, CarerRole.MOTHER)))
    built._slots = iter(
        (index, category) for category in Category for index in range(len(built.carers))
    )
    return built


def add_flag(
    db: Session,
    where: Team_,
    *,
    severity: str = "concern",
    due_at: datetime | None = None,
    opened_at: datetime | None = None,
    state: str = "open",
    carer: int | None = None,
) -> Flag:
    if carer is None:
        carer, category = next(where._slots)
    else:
        category = Category.MOOD if severity != "urgent" else Category.SELF_HARM
    family = where.families[carer]
    row = Flag(
        team_id=pk(where.team),
        family_id=pk(family),
        carer_id=pk(where.carers[carer]),
        owner_id=family.assigned_clinician_id,
        category=category.value,
        severity=severity,
        rule_id="test",
        ruleset_version="test",
        state=state,
        opened_at=opened_at or utcnow() - timedelta(hours=1),
        due_at=due_at,
        closed_at=utcnow() if state == "closed" else None,
    )
    db.add(row)
    db.commit()
    db.refresh(row)
    return row


def _key(flag: Flag) -> tuple[int, int, datetime, datetime, int]:
    # The queue's order, worked out here independently of the query.
    far = datetime.max.replace(tzinfo=flag.opened_at.tzinfo)
    return (
        0 if flag.severity == "urgent" else 1,
        1 if flag.due_at is None else 0,
        flag.due_at or far,
        flag.opened_at,
        pk(flag),
    )


@pytest.fixture
def riverside(make: Factory, db: Session) -> Team_:
    return build_team(make, db, "Riverside")


@pytest.fixture
def hillside(make: Factory, db: Session) -> Team_:
    return build_team(make, db, "Hillside", families=4)


def _mixed(db: Session, where: Team_, count: int) -> list[Flag]:
    """``count`` live flags with many ties: few distinct due and raised times, every
    severity, some with no due-by, and closed ones that must never show."""
    now = utcnow().replace(microsecond=0)
    dues = cycle(
        [now + timedelta(hours=2), now - timedelta(hours=1), None, now + timedelta(days=1)]
    )
    severities = cycle(["concern", "urgent", "info", "concern", "urgent"])
    opened = cycle([now - timedelta(hours=3), now - timedelta(hours=5)])
    flags = [
        add_flag(db, where, severity=next(severities), due_at=next(dues), opened_at=next(opened))
        for _ in range(count)
    ]
    for _ in range(3):
        add_flag(db, where, state="closed", due_at=now - timedelta(days=2))
    return flags


def test_pages_list_every_flag_once_in_the_queue_order_forwards_and_back(
    client: FlaskClient, db: Session, riverside: Team_
) -> None:
    flags = _mixed(db, riverside, 2 * SIZE + 7)
    login(client, riverside.duty.email)

    pages, last = walk(client, "/flags?queue=team", flag_ids)

    assert [len(p) for p in pages] == [SIZE, SIZE, 7]
    listed = [i for p in pages for i in p]
    assert listed == [pk(f) for f in sorted(flags, key=_key)]
    # Back from the last page with Previous: the same pages, the other way round.
    back, first = walk(client, link(last, "prev") or "", flag_ids, rel="prev")
    assert back == pages[-2::-1]
    assert link(first, "prev") is None and "Back to the first page" not in first


def test_a_deep_page_runs_the_same_queries_as_the_first_and_no_offset(
    app: Flask, client: FlaskClient, db: Session, riverside: Team_
) -> None:
    _mixed(db, riverside, 4 * SIZE)
    add_schedule(db, riverside.carers[0], "weekly", starts_at=utcnow() - timedelta(days=9))
    login(client, riverside.duty.email)
    engine = app.extensions["parentapp.engine"]

    with statements(engine) as first:
        html = page(client, "/flags?queue=team")
    with statements(engine) as second:
        html = page(client, link(html, "next") or "")
    with statements(engine) as third:
        html = page(client, link(html, "next") or "")

    assert not [s for s in first + second + third if "OFFSET" in s.upper()]
    assert len(second) == len(third)
    # The first page also lists the carers behind on check-ins: three queries more.
    assert len(first) == len(second) + 3


def test_urgent_and_overdue_flags_fill_the_first_pages_before_any_other(
    client: FlaskClient, db: Session, riverside: Team_
) -> None:
    now = utcnow()
    # Raised long ago and due soon: first if the queue went by age or due-by alone.
    others = [
        add_flag(
            db, riverside, due_at=now + timedelta(minutes=10 + n), opened_at=now - timedelta(days=9)
        )
        for n in range(SIZE)
    ]
    others += [add_flag(db, riverside, severity="info") for _ in range(3)]  # no due-by
    urgent = [
        add_flag(db, riverside, severity="urgent", due_at=now + timedelta(hours=3 + n))
        for n in range(SIZE)
    ]
    overdue = [
        add_flag(db, riverside, due_at=now - timedelta(minutes=5 + n)) for n in range(SIZE // 2)
    ]
    pressing = {pk(f) for f in urgent + overdue}
    login(client, riverside.duty.email)

    html = page(client, "/flags")
    pages, _last = walk(client, "/flags", flag_ids)

    listed = [i for p in pages for i in p]
    assert set(listed[: len(pressing)]) == pressing
    assert set(listed[len(pressing) :]) == {pk(f) for f in others}
    assert pages[0] == [pk(f) for f in urgent]  # the urgent ones first, by due-by
    assert "Urgent and overdue flags always come first" in html
    notice = "More urgent or overdue flags are on the next page."
    assert notice in html
    second = page(client, link(html, "next") or "")
    assert notice not in second  # its last row is no longer urgent or overdue


def test_an_overdue_flag_of_any_severity_comes_before_flags_not_yet_due(
    client: FlaskClient, db: Session, riverside: Team_
) -> None:
    now = utcnow()
    later = [add_flag(db, riverside, due_at=now + timedelta(hours=1)) for _ in range(SIZE)]
    info = add_flag(db, riverside, severity="info", due_at=now - timedelta(days=1))
    login(client, riverside.duty.email)

    first = flag_ids(page(client, "/flags"))

    assert first[0] == pk(info)
    assert len(first) == SIZE and pk(later[-1]) not in first


def test_filters_by_severity_overdue_clinician_and_family_name(
    client: FlaskClient, db: Session, riverside: Team_
) -> None:
    now = utcnow()
    urgent = add_flag(db, riverside, severity="urgent", due_at=now + timedelta(hours=1), carer=0)
    overdue = add_flag(db, riverside, due_at=now - timedelta(hours=1), carer=1)
    info = add_flag(db, riverside, severity="info", carer=2)
    login(client, riverside.duty.email)

    assert flag_ids(page(client, "/flags?severity=urgent")) == [pk(urgent)]
    assert flag_ids(page(client, "/flags?severity=info")) == [pk(info)]
    assert flag_ids(page(client, "/flags?overdue=y")) == [pk(overdue)]
    # Family 0 and 2 are the clinician's, family 1 the colleague's.
    mine = page(client, f"/flags?clinician={riverside.clinician.id}")
    assert flag_ids(mine) == [pk(urgent), pk(info)]
    assert flag_ids(page(client, f"/flags?clinician={riverside.colleague.id}")) == [pk(overdue)]
    assert flag_ids(page(client, "/flags?q=FAMILY+01")) == [pk(overdue)]
    both = page(client, f"/flags?q=family&clinician={riverside.clinician.id}&severity=info")
    assert flag_ids(both) == [pk(info)]
    assert "No open flags match these filters." in page(client, "/flags?q=nobody+by+this+name")
    assert "Clear the filters" in both
    banner = "Only the flags that match the filters are shown"
    assert banner in both and banner not in page(client, "/flags")


def test_search_ignores_case_beyond_ascii_and_takes_wildcards_literally(
    client: FlaskClient, db: Session, riverside: Team_
) -> None:
    riverside.families[3].label = "Łukasiewicz-Öztürk"
    riverside.families[4].label = "100%_Smith"
    db.add_all(riverside.families[3:5])
    db.commit()
    polish = add_flag(db, riverside, carer=3)
    percent = add_flag(db, riverside, carer=4)
    add_flag(db, riverside, carer=5)
    login(client, riverside.duty.email)

    assert flag_ids(page(client, "/flags?q=łukasiewicz-öZTÜRK")) == [pk(polish)]
    assert flag_ids(page(client, "/flags?q=ŁUKAS")) == [pk(polish)]
    assert flag_ids(page(client, "/flags?q=0%25_s")) == [pk(percent)]
    assert flag_ids(page(client, "/flags?q=%25")) == [pk(percent)]
    assert flag_ids(page(client, "/flags?q=_")) == [pk(percent)]


def test_the_page_links_keep_the_filters(
    client: FlaskClient, db: Session, riverside: Team_
) -> None:
    now = utcnow()
    concerns = [add_flag(db, riverside, due_at=now + timedelta(hours=n)) for n in range(SIZE + 3)]
    add_flag(db, riverside, severity="urgent", due_at=now)
    login(client, riverside.duty.email)

    pages, last = walk(client, "/flags?queue=team&severity=concern&q=family", flag_ids)

    assert [i for p in pages for i in p] == [pk(f) for f in concerns]
    following = link(page(client, "/flags?queue=team&severity=concern&q=family"), "next") or ""
    assert "severity=concern" in following and "q=family" in following
    assert "queue=team" in following
    assert "severity=concern" in (link(last, "prev") or "")


def test_a_clinician_who_is_not_on_duty_never_sees_the_team_queue(
    app: Flask, client: FlaskClient, db: Session, riverside: Team_
) -> None:
    now = utcnow()
    flags = [add_flag(db, riverside, due_at=now + timedelta(hours=n)) for n in range(SIZE + 5)]
    mine = {pk(f) for f in flags if f.owner_id == riverside.clinician.id}
    duty = app.test_client()
    login(duty, riverside.duty.email)
    cursor = link(page(duty, "/flags?queue=team"), "next") or ""
    login(client, riverside.clinician.email)

    seen: set[int] = set()
    for url in (
        "/flags?queue=team",
        cursor,
        f"/flags?queue=team&clinician={riverside.colleague.id}",
    ):
        pages, _last = walk(client, url, flag_ids)
        seen.update(i for p in pages for i in p)
    assert seen <= mine
    assert "Show the whole team" not in page(client, "/flags?queue=team")


def test_a_cursor_or_clinician_filter_never_crosses_teams(
    app: Flask, client: FlaskClient, db: Session, riverside: Team_, hillside: Team_
) -> None:
    now = utcnow()
    ours = {pk(add_flag(db, riverside, due_at=now + timedelta(hours=n))) for n in range(SIZE + 2)}
    theirs = [add_flag(db, hillside, severity="urgent", due_at=now) for _ in range(SIZE + 2)]
    other = app.test_client()
    login(other, hillside.duty.email)
    their_cursor = link(page(other, "/flags?queue=team"), "next") or ""
    login(client, riverside.duty.email)
    # A cursor at the very start of the order, and one from their own queue.
    earliest = encode([0, None, datetime(2000, 1, 1).astimezone(), 0])
    seen: set[int] = set()

    for url in (
        their_cursor,
        f"/flags?queue=team&after={earliest}",
        f"/flags?queue=team&before={encode([1, None, now + timedelta(days=999), 10**9])}",
    ):
        pages, _last = walk(client, url, flag_ids)
        seen.update(i for p in pages for i in p)
    refused = page(client, f"/flags?queue=team&clinician={hillside.clinician.id}", status=400)

    assert seen == ours
    assert not {pk(f) for f in theirs} & set(flag_ids(refused))
    assert "Please choose a clinician from your team." in refused
    assert "Hillside" not in refused


def _token(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("after=not-a-cursor", "That page link could not be used"),
        ("after=" + "A" * 5000, "That page link could not be used"),
        (f"after={_token({'rank': 0})}", "That page link could not be used"),
        (f"after={_token([7, None, '2026-01-01T00:00:00+00:00', 1])}", "That page link could not be used"),
        (f"after={_token([0, None, '2026-01-01T00:00:00', 1])}", "That page link could not be used"),
        (f"after={_token([0, 'soon', '2026-01-01T00:00:00+00:00', 1])}", "That page link could not be used"),
        (f"before={_token([0, None, '2026-01-01T00:00:00+00:00', True])}", "That page link could not be used"),
        (f"after={_token([0, None, '2026-01-01T00:00:00+00:00', 1])}&before=x", "That page link could not be used"),
        ("severity=catastrophic", "Please choose a severity from the list."),
        ("clinician=abc", "Please choose a clinician from your team."),
        ("clinician=" + "9" * 400, "Please choose a clinician from your team."),
        ("q=" + "x" * 10_000, "That is longer than any family name."),
    ],
)  # fmt: skip
def test_bad_or_tampered_arguments_are_said_so_and_the_page_still_works(
    client: FlaskClient, db: Session, riverside: Team_, query: str, message: str
) -> None:
    flag = add_flag(db, riverside, severity="urgent", due_at=utcnow())
    login(client, riverside.duty.email)

    html = page(client, f"/flags?queue=team&{query}", status=400)

    assert message in html
    assert flag_ids(html) == [pk(flag)]  # the refused argument is left out, not guessed at


def test_bad_filters_are_said_in_the_readers_language(
    client: FlaskClient, db: Session, riverside: Team_
) -> None:
    riverside.duty.locale = "pl"
    db.add(riverside.duty)
    db.commit()
    login(client, riverside.duty.email)

    html = page(client, "/flags?severity=nope&after=zzz", status=400)

    assert "Please choose a severity from the list." not in html
    assert "That page link could not be used" not in html
    assert 'lang="pl"' in html


def test_the_filter_form_and_pages_are_labelled(
    client: FlaskClient, db: Session, riverside: Team_
) -> None:
    now = utcnow()
    for n in range(SIZE + 1):
        add_flag(db, riverside, due_at=now + timedelta(hours=n))
    login(client, riverside.duty.email)

    html = page(client, "/flags")

    assert 'role="search"' in html and 'aria-label="Filter the flags"' in html
    for name, text in (("q", "Family name"), ("clinician", "Clinician"), ("severity", "Severity")):
        assert f'<label for="{name}">{text}</label>' in html
    assert '<nav aria-label="Pages of flags"' in html
    assert f'<option value="{riverside.colleague.id}">Riverside Colleague</option>' in html


# The carers behind on check-ins: the furthest behind, counted, on the first page only.


def _behind(db: Session, where: Team_, index: int, days: int) -> None:
    add_schedule(db, where.carers[index], "weekly", starts_at=utcnow() - timedelta(days=days))


def test_the_carers_furthest_behind_come_first_and_the_rest_are_counted(
    app: Flask, db: Session, riverside: Team_
) -> None:
    for index, days in enumerate([8, 30, 15, 3, 22]):
        _behind(db, riverside, index, days)  # 3 days: due, not a whole week missed

    with app.test_request_context():
        behind = behind_on_checkins.carers_behind(
            db, riverside.duty, team_queue=True, now=utcnow(), covered=[], limit=2
        )

    assert behind.total == 4
    assert [(row.carer.id, row.missed) for row in behind.rows] == [
        (riverside.carers[1].id, 4),
        (riverside.carers[4].id, 3),
    ]


def test_the_carers_behind_follow_the_family_filters_and_show_on_the_first_page_only(
    client: FlaskClient, db: Session, riverside: Team_
) -> None:
    _behind(db, riverside, 0, 10)
    _behind(db, riverside, 1, 10)
    now = utcnow()
    for n in range(SIZE + 1):
        add_flag(db, riverside, due_at=now + timedelta(hours=n))
    login(client, riverside.duty.email)

    first = page(client, "/flags?queue=team")
    second = page(client, link(first, "next") or "")
    narrowed = page(client, f"/flags?clinician={riverside.colleague.id}")

    assert "Riverside family 00" in first.split("Carers behind on check-ins")[1]
    assert "They are listed on the first page." in second
    behind = narrowed.split("Carers behind on check-ins")[1]
    assert "Riverside family 01" in behind and "Riverside family 00" not in behind


def test_a_carer_whose_interval_is_longer_is_behind_only_when_a_whole_interval_passed(
    app: Flask, db: Session, riverside: Team_
) -> None:
    now = utcnow()
    add_schedule(
        db, riverside.carers[0], "weekly", starts_at=now - timedelta(days=27), interval_days=28
    )
    add_schedule(
        db, riverside.carers[1], "weekly", starts_at=now - timedelta(days=28), interval_days=28
    )

    with app.test_request_context():
        behind = behind_on_checkins.carers_behind(
            db, riverside.duty, team_queue=True, now=now, covered=[]
        )

    assert [row.carer.id for row in behind.rows] == [riverside.carers[1].id]
