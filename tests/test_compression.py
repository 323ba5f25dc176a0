"""Compressed responses and cacheable static files (the phone page-weight budget), without
breaking what depends on the exact bytes or headers: ETags and conditional GETs, streamed
responses, logout's Clear-Site-Data and the API's idempotent replies."""

import gzip
import json
from collections.abc import Iterator

import brotli
from flask import Flask, Response
from flask.testing import FlaskClient
from sqlmodel import Session

from parentapp.accounts.models import Role
from parentapp.assets import static_url
from parentapp.families.roles import CarerRole
from tests.conftest import login
from tests.factories import WEEKLY_CALM, Factory, add_schedule, carer_row

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def test_pages_are_compressed_with_brotli_or_gzip(client: FlaskClient) -> None:
    plain = client.get("/login").get_data()
    br = client.get("/login", headers=BROWSER)
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.get_data()) == plain
    assert len(br.get_data()) < len(plain) / 2
    assert "Accept-Encoding" in br.headers["Vary"]
    assert "no-store" in br.headers["Cache-Control"]  # still never kept

    only_gzip = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert only_gzip.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(only_gzip.get_data()) == plain

    # A client that asks for nothing gets the page as it is.
    assert "Content-Encoding" not in client.get("/login").headers


def test_static_files_are_compressed_and_revalidated_by_etag(client: FlaskClient) -> None:
    first = client.get("/static/css/app.css", headers=BROWSER)
    first.close()
    assert first.status_code == 200
    assert first.headers["Content-Encoding"] == "br"
    assert b"{" in brotli.decompress(first.get_data())
    assert first.headers["Cache-Control"] == "no-cache, public"  # unversioned: always revalidated
    etag = first.headers["ETag"]

    again = client.get("/static/css/app.css", headers={**BROWSER, "If-None-Match": etag})
    again.close()
    assert again.status_code == 304
    assert again.get_data() == b""

    # Images are compressed already: left alone.
    png = client.get("/static/icons/icon-192.png", headers=BROWSER)
    png.close()
    assert "Content-Encoding" not in png.headers


def test_versioned_static_addresses_are_kept_for_a_year(app: Flask, client: FlaskClient) -> None:
    with app.test_request_context():
        current = static_url("css/app.css")
        missing = static_url("css/no-such-file.css")
    assert current.startswith("/static/css/app.css?v=")
    assert missing == "/static/css/no-such-file.css"
    response = client.get(current, headers=BROWSER)
    response.close()
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # An address from an older release gets today's file, and must be revalidated.
    stale = client.get("/static/css/app.css?v=000000000000", headers=BROWSER)
    stale.close()
    assert stale.headers["Cache-Control"] == "no-cache, public"


def test_base_page_links_versioned_css_and_scripts(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/static/css/app.css?v=' in html
    assert 'src="/static/js/app.js?v=' in html


def test_streamed_responses_are_sent_as_they_are_made(app: Flask) -> None:
    def chunks() -> Iterator[str]:
        yield "<p>first</p>" * 100
        yield "<p>second</p>" * 100

    app.add_url_rule("/_stream", "stream", lambda: Response(chunks(), mimetype="text/html"))
    response = app.test_client().get("/_stream", headers=BROWSER)
    assert response.is_streamed
    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).count("second") == 100


def test_logout_still_clears_the_site(client: FlaskClient, make: Factory) -> None:
    login(client, make.user(Role.CLINICIAN, make.team()).email)
    response = client.post("/logout", headers=BROWSER)
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_api_replays_the_same_reply_compressed_or_not(
    client: FlaskClient, make: Factory, db: Session
) -> None:
    team = make.team()
    family = make.family(team, make.user(Role.CLINICIAN, team))
    user = make.carer(family, CarerRole.MOTHER)
    add_schedule(db, carer_row(db, user), "weekly")
    login(client, user.email)
    body = {"instrument_id": "weekly", "answers": WEEKLY_CALM}

    def send(encoding: str) -> tuple[int, object]:
        response = client.post(
            "/api/v1/checkins",
            json=body,
            headers={"Idempotency-Key": "compressed-1", "Accept-Encoding": encoding},
        )
        data = response.get_data()
        if response.headers.get("Content-Encoding") == "br":
            data = brotli.decompress(data)
        elif response.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        return response.status_code, json.loads(data)

    first_status, first = send("br, gzip")
    replay_status, replay = send("gzip")
    plain_status, plain = send("identity")
    assert (first_status, replay_status, plain_status) == (201, 200, 200)
    assert first == replay == plain


def test_static_files_neither_vary_on_nor_set_the_session_cookie(
    client: FlaskClient, make: Factory
) -> None:
    """The cookie is re-signed on every page, so ``Vary: Cookie`` would make the browser fetch
    every file again; and a file answered late must not put back an older cookie."""
    login(client, make.user(Role.CLINICIAN, make.team()).email)
    response = client.get("/static/css/app.css", headers=BROWSER)
    response.close()
    assert response.status_code == 200
    assert "Cookie" not in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers
    page = client.get("/clinic")
    assert "Cookie" in page.headers["Vary"]  # pages still do
