"""Logging in: a safe ``next`` is honoured (through the second-factor step), another site's
is not; over the failed-login limit, the right password still reaches the second factor."""

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from parentapp.accounts.models import Role
from tests.factories import PASSWORD, Factory
from tests.signin.conftest import code_now, enrol


def test_the_login_prompt_leads_back_to_the_page_asked_for(
    client: FlaskClient, make: Factory, db: Session
):
    clinician = make.user(Role.CLINICIAN, make.team())
    enrol(db, clinician)

    prompt = client.get("/flags")
    assert prompt.status_code == 302 and "next=%2Fflags" in prompt.location
    page = client.get(prompt.location).get_data(as_text=True)
    assert 'action="/login?next=/flags"' in page or 'action="/login?next=%2Fflags"' in page
    logged_in = client.post(
        "/login?next=/flags", data={"email": clinician.email, "password": PASSWORD}
    )
    assert logged_in.location == "/flags"
    step = client.get("/flags")
    assert step.location.endswith("/login/second-factor")
    passed = client.post("/login/second-factor", data={"code": code_now()})
    assert passed.location == "/flags"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/flags",
        "//evil.example/flags",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_to_another_site_is_ignored(client: FlaskClient, make: Factory, target: str):
    carer = make.user(Role.CARER)
    response = client.post(
        "/login", query_string={"next": target}, data={"email": carer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == "/"
