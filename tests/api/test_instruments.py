"""GET /api/v1/instruments/{id}: a scheduled instrument in the carer's language."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from parentapp.accounts.models import User
from parentapp.api import serialize
from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_registry
from tests.api.conftest import Home
from tests.api.schema_check import ApiClient
from tests.factories import Factory, carer_row
from tests.factories import add_schedule as schedule

ApiFor = Callable[[User | None], ApiClient]


def _get(api: ApiClient, instrument_id: str) -> Any:
    return api.get(f"/api/v1/instruments/{instrument_id}")


def test_scheduled_instrument_is_served_whole(api: ApiClient, home: Home) -> None:
    body = _get(api, "weekly").get_json()
    definition = builtin_registry().get("weekly")

    assert (body["id"], body["version"], body["title"]) == ("weekly", "1.0", "Weekly check-in")
    assert body["recall_period"] == definition.recall_period
    assert body["translation_validated"] is True and body["locale"] == "en"
    assert [i["link_id"] for i in body["items"]] == [i.link_id for i in definition.items]
    self_harm = next(i for i in body["items"] if i["link_id"] == "self_harm")
    assert self_harm["tags"] == ["self_harm"] and self_harm["required"] is True
    assert body["infants"] == [{"id": home.infant.id, "name": "Ada"}]
    assert body["infant_required"] is False


def test_options_come_lowest_to_highest(db: Session, api: ApiClient, home: Home) -> None:
    schedule(db, home.carer, "phq9")

    body = _get(api, "phq9").get_json()

    for item in body["items"]:
        weights = [o["weight"] for o in item["options"]]
        assert weights == sorted(weights)
    first = body["items"][0]["options"]
    assert (first[0]["code"], first[0]["text"]) == ("0", "Not at all")
    assert body["attribution"] == builtin_registry().get("phq9").attribution


def test_every_text_goes_through_gettext(
    api: ApiClient, home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marks each text the translation function returns, then finds no unmarked text."""
    monkeypatch.setattr(serialize, "_", lambda text, **_kw: f"«{text}»")

    body = _get(api, "weekly").get_json()

    texts = [body[k] for k in ("title", "short_title", "recall_period", "introduction")]
    for item in body["items"]:
        texts.append(item["text"])
        texts.extend(o["text"] for o in item["options"])
    assert texts and all(t.startswith("«") and t.endswith("»") for t in texts), texts


def test_translation_validated_is_false_for_an_unvalidated_language(app: Flask, home: Home) -> None:
    definition = builtin_registry().get("weekly")
    with app.test_request_context():
        body = serialize.instrument(definition, locale="pl", schedule=home.schedule, infants=[])
    assert body["translation_validated"] is False


def test_two_babies_and_no_choice_on_the_schedule_ask_which(
    db: Session, api: ApiClient, make: Factory, home: Home
) -> None:
    twin = make.infant(home.family, name="Bea")
    assert _get(api, "weekly").get_json()["infant_required"] is True

    home.schedule.infant_id = twin.id
    db.add(home.schedule)
    db.commit()
    assert _get(api, "weekly").get_json()["infant_required"] is False


@pytest.mark.parametrize("instrument_id", ["phq9", "no-such-thing"])
def test_unscheduled_and_unknown_look_the_same(
    api: ApiClient, home: Home, instrument_id: str
) -> None:
    response = _get(api, instrument_id)

    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_unscheduled_and_unknown_answers_are_identical(api: ApiClient) -> None:
    assert _get(api, "phq9").get_data() == _get(api, "no-such-thing").get_data()


def test_another_carers_schedule_is_not_mine(
    api_for: ApiFor, db: Session, make: Factory, home: Home
) -> None:
    co_carer = make.carer(home.family, CarerRole.MOTHER)
    schedule(db, carer_row(db, co_carer), "gad7")

    assert _get(api_for(home.user), "gad7").status_code == 404
    assert _get(api_for(co_carer), "gad7").status_code == 200
    assert _get(api_for(co_carer), "weekly").status_code == 404


def test_a_stopped_schedule_no_longer_serves_the_instrument(
    db: Session, api: ApiClient, home: Home
) -> None:
    home.schedule.active = False
    db.add(home.schedule)
    db.commit()

    assert _get(api, "weekly").status_code == 404
