"""Operator commands: migrations, teams and users, demo data, translations, the worker."""

import signal
import sys
from pathlib import Path
from types import FrameType

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from babel.messages.frontend import CommandLineInterface
from flask import Flask, current_app

from parentapp.config import ROOT, TRANSLATIONS_DIR
from parentapp.db import session_scope
from parentapp.errors import DomainError
from parentapp.i18n.plurals import restore_pinned_plural_forms
from parentapp.instruments.cli import instruments_group
from parentapp.reminders.cli import reminders_group

MIGRATIONS_DIR = ROOT / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    """Alembic's configuration, built in code so the URL always comes from the app's settings."""
    # Alembic's default stdout is the one at import time; CLI output must follow redirection.
    config = AlembicConfig(stdout=sys.stdout)
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return config


@click.group("db")
def db_group() -> None:
    """Database migrations (Alembic)."""


def _alembic() -> AlembicConfig:
    return alembic_config(current_app.config["DATABASE_URL"])


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    command.upgrade(_alembic(), revision)


@db_group.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    command.downgrade(_alembic(), revision)


@db_group.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    command.current(_alembic(), verbose=True)


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def db_revision(message: str, autogenerate: bool) -> None:
    """Create a migration, compared against the models by default."""
    command.revision(_alembic(), message=message, autogenerate=autogenerate)


@click.command("create-team")
@click.argument("name")
@click.option("--time-zone", default="Europe/London", show_default=True)
def create_team_command(name: str, time_zone: str) -> None:
    """Create a team called NAME."""
    from parentapp.teams.services import create_team

    with session_scope() as session:
        try:
            team = create_team(session=session, name=name, time_zone=time_zone)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"Created team {team.name!r} (id {team.id}).")


@click.command("create-user")
@click.option("--role", type=click.Choice(["clinician", "lead", "admin"]), required=True)
@click.option("--team", "team_name", help="Team name (required for clinicians and leads).")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--password", help="Omit to be asked without echo.")
def create_user_command(
    role: str, team_name: str | None, email: str, display_name: str, password: str | None
) -> None:
    """Create a clinician, team lead or administrator account."""
    from parentapp.accounts.models import Role
    from parentapp.accounts.services import create_user
    from parentapp.teams.queries import team_by_name

    with session_scope() as session:
        team_id = None
        if team_name:
            team = team_by_name(session, team_name)
            if team is None:
                raise click.ClickException(
                    f"No team called {team_name!r}. Create it with create-team."
                )
            team_id = team.id
        if password is None:
            # click's prompt (which hides input like getpass) can be answered by its test runner.
            password = click.prompt("Password", hide_input=True)
            if password != click.prompt("Password again", hide_input=True):
                raise click.ClickException("The passwords are different.")
        try:
            user = create_user(
                session=session,
                email=email,
                display_name=display_name,
                password=password,
                role=Role(role),
                team_id=team_id,
            )
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"Created {role} {user.email} (id {user.id}).")


@click.command("demo")
def demo_command() -> None:
    """Load demo data (safe to run again) and print the demo logins."""
    from parentapp.demo import load_demo

    with session_scope() as session:
        for line in load_demo(session):
            click.echo(line)


@click.command("worker")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between job runs.")
@click.option("--once", is_flag=True, help="Run the jobs once and exit.")
def worker_command(interval: float, once: bool) -> None:
    """The background worker: runs periodic jobs until stopped with SIGTERM or Ctrl-C.

    On PostgreSQL it also LISTENs for new notifications and delivers them at once.
    """
    from parentapp.jobs import run_worker
    from parentapp.notifications.models import OUTBOX_CHANNEL
    from parentapp.notifications.wakeup import listener_for

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stopping = False

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    listener = None if once else listener_for(app)
    click.echo("worker: started", err=True)
    if not once:
        wakes = f"; new notifications wake it (LISTEN {OUTBOX_CHANNEL})" if listener else ""
        click.echo(f"worker: jobs every {interval:g} s{wakes}", err=True)
    run_worker(
        app,
        interval=interval,
        should_stop=lambda: stopping,
        listener=listener,
        once=once,
        report=lambda finished: click.echo(f"worker: {finished} job(s) finished", err=True),
    )
    click.echo("worker: stopped", err=True)


@click.group("jobs")
def jobs_group() -> None:
    """Periodic jobs (the worker runs them on a timer)."""


@jobs_group.command("run-once")
def jobs_run_once() -> None:
    """Run every periodic job once and print what each did."""
    from parentapp.jobs import JOBS, run_jobs_once

    def _report(name: str, summary: str | None) -> None:
        click.echo(f"{name}: {summary}" if summary else f"{name}: done")

    finished = run_jobs_once(current_app._get_current_object(), _report)  # type: ignore[attr-defined]
    if finished < len(JOBS):
        raise click.ClickException(f"{len(JOBS) - finished} job(s) failed")


@click.group("translate")
def translate_group() -> None:
    """Extract, update and compile message catalogs."""


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


@translate_group.command("extract")
def translate_extract() -> None:
    """Collect every marked string into translations/messages.pot."""
    extract_template(TRANSLATIONS_DIR / "messages.pot")


def extract_template(output: Path) -> None:
    """Write the message template to OUTPUT (the test that the template is current uses this)."""
    # babel.cfg's patterns (parentapp/**.py ...) are relative to the directory scanned: the root.
    _pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "N_", "-k", "N_plural:1,2",
        "--no-location", "--sort-output", "-o", str(output), str(ROOT),
    )  # fmt: skip


@translate_group.command("init")
@click.argument("language")
def translate_init(language: str) -> None:
    """Start a catalog for LANGUAGE (then add it to parentapp/i18n/languages.py)."""
    _pybabel(
        "init",
        "-i",
        str(TRANSLATIONS_DIR / "messages.pot"),
        "-d",
        str(TRANSLATIONS_DIR),
        "-l",
        language,
    )
    restore_pinned_plural_forms(_catalog_path(language), language)


@translate_group.command("update")
def translate_update() -> None:
    """Merge new strings from messages.pot into every catalog."""
    _pybabel(
        "update",
        "-i",
        str(TRANSLATIONS_DIR / "messages.pot"),
        "-d",
        str(TRANSLATIONS_DIR),
        "--no-fuzzy-matching",
    )
    restore_all_plural_forms()


def _catalog_path(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"


def restore_all_plural_forms(translations: Path = TRANSLATIONS_DIR) -> list[str]:
    """Put the pinned Plural-Forms back into every catalog (Babel may take a different formula
    from its own CLDR data); returns the languages that had to be corrected."""
    changed = []
    for po in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        language = po.parent.parent.name
        if restore_pinned_plural_forms(po, language):
            changed.append(language)
    if changed:
        click.echo(f"Restored the pinned plural forms in: {', '.join(changed)}")
    return changed


@translate_group.command("compile")
def translate_compile() -> None:
    """Compile every catalog to .mo for use at run time."""
    compile_translations()


def compile_translations() -> None:
    if not any(TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po")):
        sys.exit("no catalogs under translations/")
    _pybabel("compile", "-d", str(TRANSLATIONS_DIR), "--statistics")


def init_app(app: Flask) -> None:
    from parentapp.exports.cli import export_group

    for cmd in (
        export_group,
        db_group,
        create_team_command,
        create_user_command,
        demo_command,
        worker_command,
        jobs_group,
        translate_group,
        instruments_group,
        reminders_group,
    ):
        app.cli.add_command(cmd)
