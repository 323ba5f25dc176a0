"""Operator commands, run through Flask's CLI test runner against the test database."""

import signal
from collections.abc import Iterator

import pytest
from click.testing import Result
from flask import Flask
from flask.cli import FlaskGroup
from flask.testing import FlaskCliRunner
from sqlalchemy import func
from sqlmodel import Session, col, select

from parentapp.accounts import passwords
from parentapp.accounts.models import Role, User
from parentapp.demo import DEMO_PASSWORD, STAFF, TEAM
from parentapp.families.models import Carer, Family, Invitation
from parentapp.families.queries import invitation_status
from parentapp.teams.models import Team

GOOD_PASSWORD = "a long pass phrase"


class Runner:
    """``app.test_cli_runner()`` driving the commands through ``flask``'s own group, as
    ``flask --app parentapp COMMAND`` does (that group pushes the app context)."""

    def __init__(self, app: Flask) -> None:
        self.runner: FlaskCliRunner = app.test_cli_runner()
        self.group = FlaskGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)

    def invoke(self, args: list[str], input: str | None = None) -> Result:
        return self.runner.invoke(cli=self.group, args=args, input=input)


@pytest.fixture
def runner(app: Flask) -> Runner:
    return Runner(app)


def _ok(result: Result) -> str:
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result.output


def _refused(result: Result, message: str) -> None:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"crashed instead of refusing: {result.exception!r}"
    )
    assert message in result.output


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()


# --- teams -----------------------------------------------------------------------------------


def test_create_team(runner: Runner, db: Session):
    output = _ok(runner.invoke(args=["create-team", "North Team", "--time-zone", "Europe/Dublin"]))
    assert "Created team 'North Team'" in output
    team = db.exec(select(Team).where(Team.name == "North Team")).one()
    assert team.time_zone == "Europe/Dublin"


def test_create_team_refuses_a_duplicate(runner: Runner, db: Session):
    _ok(runner.invoke(args=["create-team", "North Team"]))
    _refused(
        runner.invoke(args=["create-team", "North Team"]), "A team with this name already exists."
    )
    assert _count(db, Team) == 1


def test_create_team_refuses_an_unknown_time_zone(runner: Runner, db: Session):
    _refused(
        runner.invoke(args=["create-team", "North Team", "--time-zone", "Mars/Olympus"]),
        "Enter a time zone such as Europe/London.",
    )
    assert _count(db, Team) == 0


# --- users -----------------------------------------------------------------------------------


def _create_user(runner: Runner, *extra: str, input: str | None = None) -> Result:
    args = ["create-user", "--email", "Dr.Ng@Example.org", "--name", "Dr Ng", *extra]
    return runner.invoke(args=args, input=input)


def test_create_user_clinician(app: Flask, runner: Runner, db: Session):
    _ok(runner.invoke(args=["create-team", "North Team"]))
    output = _ok(
        _create_user(
            runner, "--role", "clinician", "--team", "North Team", "--password", GOOD_PASSWORD
        )
    )
    assert "Created clinician dr.ng@example.org" in output
    user = db.exec(select(User).where(User.email == "dr.ng@example.org")).one()
    team = db.exec(select(Team).where(Team.name == "North Team")).one()
    assert (user.role, user.team_id, user.display_name) == (Role.CLINICIAN, team.id, "Dr Ng")
    assert user.password_hash.startswith("$argon2id$")
    with app.app_context():
        assert passwords.verify_password(user.password_hash, GOOD_PASSWORD)


def test_create_user_refuses_an_unknown_team(runner: Runner, db: Session):
    _refused(
        _create_user(
            runner, "--role", "clinician", "--team", "Nowhere", "--password", GOOD_PASSWORD
        ),
        "No team called 'Nowhere'",
    )
    assert _count(db, User) == 0


def test_create_user_refuses_a_clinician_without_a_team(runner: Runner, db: Session):
    _refused(
        _create_user(runner, "--role", "clinician", "--password", GOOD_PASSWORD),
        "Clinicians and team leads must belong to a team.",
    )
    assert _count(db, User) == 0


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Password1234", "That password is too easy to guess."),
        ("a short one", "Use at least 12 characters."),
        ("dr.ng@example.org", "Do not use your name or email address as your password."),
    ],
)
def test_create_user_refuses_a_weak_password(
    runner: Runner, db: Session, password: str, message: str
):
    _ok(runner.invoke(args=["create-team", "North Team"]))
    _refused(
        _create_user(runner, "--role", "lead", "--team", "North Team", "--password", password),
        message,
    )
    assert _count(db, User) == 0


def test_create_user_refuses_a_taken_email(runner: Runner, db: Session):
    _ok(_create_user(runner, "--role", "admin", "--password", GOOD_PASSWORD))
    _refused(
        _create_user(runner, "--role", "admin", "--password", "another long phrase"),
        "An account with this email address already exists.",
    )
    assert _count(db, User) == 1


def test_create_user_asks_for_the_password_twice_without_echo(
    app: Flask, runner: Runner, db: Session
):
    result = _create_user(runner, "--role", "admin", input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    output = _ok(result)
    assert "Created admin dr.ng@example.org" in output
    assert GOOD_PASSWORD not in output  # hidden input is not echoed
    user = db.exec(select(User)).one()
    assert user.role == Role.ADMIN and user.team_id is None
    with app.app_context():
        assert passwords.verify_password(user.password_hash, GOOD_PASSWORD)


def test_create_user_refuses_two_different_prompted_passwords(runner: Runner, db: Session):
    result = _create_user(runner, "--role", "admin", input=f"{GOOD_PASSWORD}\nsomething else\n")
    assert result.exit_code != 0
    assert "The passwords are different." in result.output
    assert _count(db, User) == 0


# --- demo data -------------------------------------------------------------------------------


def _demo_counts(db: Session) -> dict[str, int]:
    return {
        "users": _count(db, User),
        "teams": _count(db, Team),
        "families": _count(db, Family),
        "carers": _count(db, Carer),
    }


def _pending_demo_invitations(db: Session) -> list[Invitation]:
    db.expire_all()
    rows = db.exec(select(Invitation).where(col(Invitation.invitee_note) == "Demo invitation"))
    return [i for i in rows if invitation_status(i) == "pending"]


def test_demo_is_idempotent_and_prints_the_logins(app: Flask, runner: Runner, db: Session):
    first = _ok(runner.invoke(args=["demo"]))
    counts = _demo_counts(db)
    assert counts["teams"] == 1 and counts["families"] >= 1 and counts["carers"] >= 1
    assert len(_pending_demo_invitations(db)) == 1

    second = _ok(runner.invoke(args=["demo"]))

    assert _demo_counts(db) == counts
    pending = _pending_demo_invitations(db)
    assert len(pending) == 1, "the previous run's invitation should have been revoked"
    for output in (first, second):
        assert DEMO_PASSWORD in output and TEAM in output
        for email, _name, _role in STAFF:
            assert email in output
        assert "invitation code for the" in output
    # The printed logins work.
    with app.app_context():
        for email, _name, _role in STAFF:
            user = db.exec(select(User).where(User.email == email)).one()
            assert passwords.verify_password(user.password_hash, DEMO_PASSWORD)


# --- worker and migrations -------------------------------------------------------------------


@pytest.fixture
def restore_signal_handlers() -> Iterator[None]:
    """The worker installs SIGTERM and SIGINT handlers; put pytest's back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_worker_once_runs_the_jobs_and_stops(runner: Runner, restore_signal_handlers: None):
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "worker: started" in result.output
    assert "job(s) finished" in result.output
    assert result.output.strip().endswith("worker: stopped")


def test_db_current_shows_the_head_revision(runner: Runner, db: Session):
    from alembic.script import ScriptDirectory

    from parentapp.cli import alembic_config

    url = str(db.get_bind().engine.url.render_as_string(hide_password=False))
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert head
    output = _ok(runner.invoke(args=["db", "current"]))
    assert head in output
    assert "(head)" in output


def test_a_failing_job_does_not_stop_the_others(runner: Runner, monkeypatch: pytest.MonkeyPatch):
    """One broken job is reported and the rest still run; run-once then exits non-zero."""
    from parentapp import jobs

    ran: list[str] = []

    def broken(_app, _now):
        raise RuntimeError("boom")

    def healthy(_app, _now):
        ran.append("healthy")
        return "fine"

    monkeypatch.setattr(jobs, "JOBS", (broken, healthy))
    result = runner.invoke(["jobs", "run-once"])
    assert ran == ["healthy"], result.output
    assert "broken: failed" in result.output
    assert "healthy: fine" in result.output
    assert result.exit_code != 0
