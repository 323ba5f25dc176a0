"""forms.saved: the one shape of "make the change this form asks for, or show why not"."""

import pytest
from flask import Flask, get_flashed_messages
from sqlmodel import Session, select
from wtforms import StringField

from parentapp.audit.models import AuditEvent
from parentapp.db import get_session
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.forms import Form, saved


class NameForm(Form):
    name = StringField()


def _half_written_then(error: Exception) -> None:
    get_session().add(AuditEvent(action="test.half_written"))
    get_session().flush()
    raise error


def test_a_change_made_is_flashed(app: Flask) -> None:
    with app.test_request_context("/", method="POST"):
        form = NameForm(meta={"csrf": False})
        made: list[str] = []

        assert saved(form, "Saved.", made.append, "x") is True
        assert made == ["x"]
        assert get_flashed_messages(with_categories=True) == [("success", "Saved.")]


@pytest.mark.parametrize(("field", "where"), [("name", "name"), (None, "form")])
def test_a_refusal_is_rolled_back_and_shown_where_it_belongs(
    app: Flask, db: Session, field: str | None, where: str
) -> None:
    with app.test_request_context("/", method="POST"):
        form = NameForm(meta={"csrf": False})

        assert saved(form, "Saved.", _half_written_then, DomainError("Too long.", field)) is False

        shown = form.name.errors if where == "name" else form.form_errors
        assert list(shown) == ["Too long."]
        assert get_flashed_messages() == []
        assert get_session().exec(select(AuditEvent)).all() == []


@pytest.mark.parametrize("error", [NotFoundError("thing"), PermissionDeniedError("no")])
def test_missing_or_forbidden_records_reach_their_error_page(app: Flask, error: Exception) -> None:
    with app.test_request_context("/", method="POST"):
        form = NameForm(meta={"csrf": False})

        with pytest.raises(type(error)):
            saved(form, "Saved.", _half_written_then, error)
        assert not form.form_errors and not form.name.errors
