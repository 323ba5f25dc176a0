"""The direction of imports between domains: a lower one never imports a higher one, and no
domain imports another's views. Checked by parsing every import under ``parentapp/``."""

import ast
import re
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "parentapp"

# Lowest first. A module may import its own layer's modules and any lower layer's, never a
# higher one's. The foundation knows no domain; the top layer composes the app.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "config",
        "db",
        "text",
        "i18n",
        "extensions",
        "listing",
        "forms",
        "ids",
        "errors",
        "assets",
        "json_errors",
        "sealing",
    ),
    ("audit",),  # who did what: every domain records here
    ("security",),  # role checks and headers for every page
    ("accounts",),  # people, sign-in, sessions
    ("notifications",),  # the outbox: kinds, enqueue, delivery, backoff
    ("teams",),  # teams, staff, hours, crisis contacts
    ("leave",),  # staff away and their cover
    ("signin",),  # second factors, passkeys, single sign-on, password reset by email
    ("families",),  # families, carers, babies, consent
    ("coparents",),  # a carer asks the team to invite another carer; the clinician decides
    ("instruments",),  # questionnaires as data, scoring
    ("triage",),  # rules, flags, escalation, the clinician's queues
    ("checkins",),  # schedules, submission (judged by triage), history
    ("reminders",),  # nudges to carers about due check-ins
    ("referrals",),  # referrals from outside the team: the queue, its steps and escalation
    ("replies",),  # read receipts and clinicians' replies to check-ins, the team's templates
    # The JSON API, the installable app shell, the admin pages, and the clinician's pages that
    # show several domains at once (a flag with its check-in, a family with its schedules), and
    # the data that leaves the app (a carer's own, FHIR and CSV for the team, outcome reports),
    # and closing a carer's account (it ends sessions, devices, schedules and flags at once),
    # and sharing a carer's summary with a professional (it reads check-ins and flags).
    ("api", "pwa", "admin", "clinician", "closure", "exports", "outcomes", "sharing"),
    ("jobs", "cli", "demo", "demo_checkins", "ops", "models", "error_pages", "__init__"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _domain(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "parentapp":
                found += [(f"parentapp.{alias.name}", node.lineno) for alias in node.names]
            elif node.module.startswith("parentapp."):
                found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("parentapp.")]
    return found


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _domain(path)
        for module, line in _imports(path):
            target = module.split(".")[1]
            if target != source:
                where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
                edges[(source, target)].append(where)
    return edges


def test_every_module_has_a_layer():
    modules = {_domain(path) for path in PACKAGE.rglob("*.py")}
    assert modules - RANK.keys() == set(), "add each new domain to LAYERS"


def test_no_import_goes_up_a_layer():
    upward = {pair: where for pair, where in _edges().items() if RANK[pair[0]] < RANK[pair[1]]}
    assert upward == {}


def test_no_two_domains_import_each_other():
    edges = _edges()
    mutual = {(a, b) for a, b in edges if a < b and (b, a) in edges}
    assert mutual == set()


def test_no_domain_imports_another_domains_views():
    top = RANK["__init__"]
    crossing = [
        re.sub(r":\d+ ", " ", where)  # file and module, whatever the line
        for (source, _target), found in _edges().items()
        if RANK[source] != top
        for where in found
        if where.rsplit(".", 1)[-1].endswith("views")
    ]
    assert crossing == []
