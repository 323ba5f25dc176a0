"""The manifest, the service worker and the offline page are fetched in the background, often
while someone logs in; a reply carrying the session cookie they were sent with would undo that
login. They send no cookie."""

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize("path", ["/manifest.webmanifest", "/sw.js", "/offline"])
def test_background_requests_never_set_the_session_cookie(client: FlaskClient, path: str) -> None:
    assert client.get("/login").headers.get("Set-Cookie")  # a session (its CSRF token) exists
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
