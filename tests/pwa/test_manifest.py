"""The web app manifest: installable, localized, and discreet for the teams that ask."""

import json
import re
from typing import Any

from flask.testing import FlaskClient
from sqlmodel import Session

from tests.conftest import login
from tests.pwa.conftest import Homes


def manifest(client: FlaskClient, **headers: str) -> dict[str, Any]:
    response = client.get("/manifest.webmanifest", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    body: dict[str, Any] = json.loads(response.get_data(as_text=True))
    return body


def test_the_manifest_makes_the_app_installable(client: FlaskClient) -> None:
    body = manifest(client)
    assert body["name"] == body["short_name"] == "Parent check-in"
    assert body["start_url"] == "/"
    assert body["scope"] == "/"
    assert body["display"] == "standalone"
    # The colours of app.css: --brand for the bars, --paper behind the splash screen.
    assert body["theme_color"] == "#2f5d62"
    assert body["background_color"] == "#fbf9f5"
    assert (body["lang"], body["dir"]) == ("en", "ltr")
    icons = {(icon["src"], icon["sizes"], icon["purpose"]) for icon in body["icons"]}
    assert icons == {
        ("/static/icons/icon.svg", "any", "any"),
        ("/static/icons/icon-192.png", "192x192", "any"),
        ("/static/icons/icon-512.png", "512x512", "any"),
        ("/static/icons/icon-maskable-512.png", "512x512", "maskable"),
    }


def static_file(client: FlaskClient, url: str) -> tuple[str, bytes]:
    with client.get(url) as response:
        assert response.status_code == 200, url
        return response.mimetype or "", response.get_data()


def test_every_icon_exists_and_is_small(client: FlaskClient) -> None:
    for name in ("icon", "discreet"):
        assert static_file(client, f"/static/icons/{name}.svg")[0] == "image/svg+xml"
        for suffix in ("-192.png", "-512.png", "-maskable-512.png"):
            mime, data = static_file(client, f"/static/icons/{name}{suffix}")
            assert mime == "image/png"
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
            assert len(data) < 10_000, name + suffix


def test_the_manifest_follows_the_readers_language(client: FlaskClient) -> None:
    body = manifest(client, **{"Accept-Language": "pl"})
    assert body["name"] == "Ankieta dla rodzica"
    assert (body["lang"], body["dir"]) == ("pl", "ltr")
    body = manifest(client, **{"Accept-Language": "ar"})
    assert (body["lang"], body["dir"]) == ("ar", "rtl")
    assert body["name"] != "Parent check-in"


def test_a_discreet_team_s_carer_installs_a_discreet_app(
    client: FlaskClient, db: Session, homes: Homes
) -> None:
    homes.team.discreet_name = "Notes"
    homes.team.discreet_icon = True
    db.add(homes.team)
    db.commit()
    login(client, homes.carer.email)
    body = manifest(client)
    assert body["name"] == body["short_name"] == "Notes"
    assert all("/icons/discreet" in icon["src"] for icon in body["icons"])
    home = client.get("/home").get_data(as_text=True)
    assert "<title>Home · Notes</title>" in home
    assert ">Notes</a>" in home
    assert "Parent check-in" not in home
    assert re.search(r'<link rel="icon" href="/static/icons/discreet\.svg[?"]', home)


def test_only_that_team_s_carers_see_the_discreet_name(
    client: FlaskClient, db: Session, homes: Homes
) -> None:
    homes.team.discreet_name = "Notes"
    homes.team.discreet_icon = True
    db.add(homes.team)
    db.commit()
    for user in (homes.other_carer, homes.clinician):
        login(client, user.email)
        body = manifest(client)
        assert body["name"] == "Parent check-in", user.role
        assert all("/icons/icon" in icon["src"] for icon in body["icons"])
        client.post("/logout")
    # Before logging in nobody is known: the ordinary name.
    assert manifest(client)["name"] == "Parent check-in"


def test_every_page_links_the_manifest_and_icons(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert re.search(r'<link rel="apple-touch-icon" href="/static/icons/icon-192\.png[?"]', html)
    assert '<meta name="theme-color" content="#2f5d62">' in html
    # Static addresses may carry a version query (?v=...).
    assert re.search(r'<script src="/static/js/app\.js(\?v=\w+)?" defer></script>', html)
