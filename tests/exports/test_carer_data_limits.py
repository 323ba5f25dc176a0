"""A carer's data download is rate-limited per account (5 an hour)."""

import pytest
from flask.testing import FlaskClient

from parentapp.config import Settings
from tests.conftest import csrf_token, login
from tests.exports.conftest import Two
from tests.exports.test_carer_data import _download


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(ratelimit_enabled=True, ratelimit_storage_uri="memory://")


def test_the_sixth_download_in_an_hour_is_refused(client: FlaskClient, two: Two):
    login(client, two.mother.email)
    for _ in range(5):
        _download(client)

    token = csrf_token(client.get("/account/data").get_data(as_text=True))
    refused = client.post("/account/data/download", data={"csrf_token": token})

    assert refused.status_code == 429
    assert "Please wait a moment" in refused.get_data(as_text=True)
    # The page itself stays open: only the download counts.
    assert client.get("/account/data").status_code == 200
