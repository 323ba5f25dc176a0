"""The service worker: served from the root, versioned per release, caching only the shell."""

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from parentapp.pwa.shell import build, static_version
from tests.conftest import login
from tests.pwa.conftest import Homes


def test_the_service_worker_is_served_from_the_root(client: FlaskClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "worker-src 'self'" in response.headers["Content-Security-Policy"]
    script = response.get_data(as_text=True)
    assert "__SHELL_VERSION__" not in script
    assert "/* __PRECACHE__ */" not in script


def test_the_cache_is_named_after_the_static_files(app: Flask, client: FlaskClient) -> None:
    assert app.static_folder is not None
    version = static_version(Path(app.static_folder))
    assert f"const VERSION = '{version}';" in client.get("/sw.js").get_data(as_text=True)


def test_a_changed_static_file_makes_a_new_version(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "css").mkdir()
    (tmp_path / "js" / "sw.js").write_text("const VERSION = '__SHELL_VERSION__';")
    (tmp_path / "css" / "app.css").write_text("body { color: black; }")
    first = build(tmp_path, "/static")
    assert build(tmp_path, "/static").version == first.version
    (tmp_path / "css" / "app.css").write_text("body { color: navy; }")
    second = build(tmp_path, "/static")
    assert second.version != first.version
    assert second.script == f"const VERSION = '{second.version}';"


def test_only_files_that_exist_are_precached(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "sw.js").write_text("const PRECACHE = [/* __PRECACHE__ */];")
    (tmp_path / "js" / "app.js").write_text("")
    shell = build(tmp_path, "/static")
    assert shell.precache == ("/static/js/app.js", "/offline")
    assert shell.script == 'const PRECACHE = ["/static/js/app.js", "/offline"];'


def precache(script: str) -> list[str]:
    found = re.search(r"const PRECACHE = \[(.*?)\];", script)
    assert found is not None
    return re.findall(r'"([^"]+)"', found.group(1))


def test_the_precache_holds_the_shell_and_no_personal_page(app: Flask, client: FlaskClient) -> None:
    urls = precache(client.get("/sw.js").get_data(as_text=True))
    assert "/offline" in urls
    assert "/static/css/app.css" in urls
    assert "/static/js/app.js" in urls
    assert all(url.startswith("/static/") for url in urls if url != "/offline")
    # Each one opens without logging in: nothing behind a login is ever stored on the phone.
    for url in urls:
        with client.get(url) as response:
            assert response.status_code == 200, url


def test_the_worker_has_the_outbox_sync_and_push_handlers(client: FlaskClient) -> None:
    script = client.get("/sw.js").get_data(as_text=True)
    assert "importScripts('/static/js/outbox.js')" in script
    assert "'checkin-outbox'" in script
    assert "self.parentappOutbox.flush()" in script
    for event in ("install", "activate", "fetch", "sync", "push", "notificationclick"):
        assert f"self.addEventListener('{event}'" in script, event


def test_the_offline_page_is_public_and_holds_no_personal_data(
    client: FlaskClient, homes: Homes
) -> None:
    anonymous = client.get("/offline")
    assert anonymous.status_code == 200
    html = anonymous.get_data(as_text=True)
    assert "not connected to the internet" in html
    assert 'href="tel:999"' in html
    assert 'href="tel:111"' in html
    assert "csrf_token" not in html
    login(client, homes.carer.email)
    html = client.get("/offline").get_data(as_text=True)
    assert homes.carer.display_name not in html
    assert homes.carer.email not in html
    assert "csrf_token" not in html
    assert "/logout" not in html


def test_the_offline_page_is_translated(client: FlaskClient) -> None:
    html = client.get("/offline", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
