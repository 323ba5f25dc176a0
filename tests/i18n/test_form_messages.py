"""WTForms' own messages (a number that is not a number, a date that is not a date) come from
our catalogs, in the reader's language, like every other word on the page."""

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from wtforms import IntegerField, validators

from parentapp.accounts.models import Role
from parentapp.forms import Form
from parentapp.i18n import wtforms_messages
from tests.conftest import login
from tests.factories import Factory
from tests.i18n.catalogs import fake_catalog

# A made-up Polish, so the test does not wait for (or depend on) the real translation.
TEST_POLISH = {
    "Not a valid integer value.": "TEST-PL: to nie jest liczba całkowita.",
    "Not a valid date value.": "TEST-PL: to nie jest data.",
}


@pytest.fixture
def test_catalog(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Read catalogs from a temporary directory holding only TEST_POLISH."""
    yield from fake_catalog(app, tmp_path, monkeypatch, TEST_POLISH)


def test_a_bad_number_is_refused_in_the_readers_language(
    client: FlaskClient, make: Factory, test_catalog: None
) -> None:
    admin = make.user(Role.ADMIN, locale="pl")
    login(client, admin.email)

    html = client.get("/admin/audit?page=twelve").get_data(as_text=True)

    assert TEST_POLISH["Not a valid integer value."] in html
    assert "Not a valid integer value." not in html


def test_a_bad_date_is_refused_in_the_readers_language(
    client: FlaskClient, make: Factory, test_catalog: None
) -> None:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team, locale="pl")
    login(client, clinician.email)

    response = client.post(
        "/families/new",
        data={
            "label": "Nowak",
            "assigned_clinician_id": str(clinician.id),
            "infant_name": "Zofia",
            "date_of_birth": "wczoraj",
        },
    )

    assert TEST_POLISH["Not a valid date value."] in response.get_data(as_text=True)


def test_english_readers_see_wtforms_wording(app: Flask) -> None:
    class Numbers(Form):
        class Meta:
            csrf = False

        count = IntegerField(validators=[validators.Length(max=2)])

    with app.test_request_context("/", method="POST", data={"count": "x"}):
        form = Numbers()
        assert not form.validate()
        assert form.count.errors == ["Not a valid integer value."]


def test_plural_messages_are_looked_up_unformatted(app: Flask) -> None:
    """WTForms fills in %(min)d itself: the lookup must hand the template back untouched."""
    translations = Form.Meta().get_translations(None)
    with app.test_request_context("/"):
        assert (
            translations.ngettext(
                "Field must be at least %(min)d character long.",
                "Field must be at least %(min)d characters long.",
                3,
            )
            == "Field must be at least %(min)d characters long."
        )


def _wtforms_msgids() -> set[str]:
    """The messages WTForms itself passes to gettext/ngettext in the fields and validators
    we use, read from its source so that an upgrade adding one is noticed."""
    import wtforms.csrf.session
    import wtforms.fields.choices
    import wtforms.fields.datetime
    import wtforms.fields.numeric
    import wtforms.validators

    found: set[str] = set()
    for module in (
        wtforms.fields.numeric,
        wtforms.fields.datetime,
        wtforms.fields.choices,
        wtforms.validators,
        wtforms.csrf.session,
    ):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"gettext", "ngettext"}
            ):
                found |= {
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                }
    return found


# Reach no user: programming errors, and validators the app does not use.
NOT_SHOWN = {
    "Choices cannot be None.",
    "Invalid field name '%s'.",
    "Invalid IP address.",
    "Invalid Mac address.",
    "Invalid URL.",
    "Invalid UUID.",
    "Invalid value, must be one of: %(values)s.",
    "Invalid value, can't be any of: %(values)s.",
    "This field cannot be edited.",
    "This field is disabled and cannot have a value.",
    "Date must be at least %(min)s.",
    "Date must be at most %(max)s.",
    "Date must be between %(min)s and %(max)s.",
}


def test_every_wtforms_message_a_reader_can_meet_is_marked() -> None:
    marked = set(wtforms_messages.MESSAGES) | {
        text for pair in wtforms_messages.PLURAL_MESSAGES for text in pair
    }
    missing = _wtforms_msgids() - NOT_SHOWN - marked
    assert not missing, f"mark these in parentapp/i18n/wtforms_messages.py: {sorted(missing)}"


def _all_subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_reads_our_catalogs(app: Flask) -> None:
    own = [
        cls
        for cls in _all_subclasses(FlaskForm)
        if cls.__module__.startswith("parentapp.") and cls is not Form
    ]
    assert own, "no forms found"
    stray = sorted(
        f"{cls.__module__}.{cls.__qualname__}" for cls in own if not issubclass(cls, Form)
    )
    assert not stray, f"base these on parentapp.forms.Form: {stray}"
