"""A carer's own data (journey 10): the page, the download, what is in it and what never is."""

import csv
import io
import json
import zipfile

from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.audit.models import AuditEvent
from tests.conftest import csrf_token, login
from tests.exports.conftest import Two
from tests.factories import Factory


def _download(client: FlaskClient) -> zipfile.ZipFile:
    token = csrf_token(client.get("/account/data").get_data(as_text=True))
    response = client.post("/account/data/download", data={"csrf_token": token})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response.headers["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_page_lists_what_is_held_with_the_wording_asked(client: FlaskClient, two: Two):
    login(client, two.mother.email)
    page = client.get("/account/data").get_data(as_text=True)

    assert "Aisha" in page and two.mother.email in page
    assert "Have you had thoughts of harming yourself?" in page or "harming yourself" in page
    assert "Mother&#39;s own words" in page
    assert "Thoughts of self-harm" in page  # the flag her answer raised
    assert "Ada" in page


def test_the_download_holds_the_carers_record_and_never_the_other_carers(
    client: FlaskClient, two: Two, db: Session
):
    # The clinician opens the family record: the carer is told who looked, and when.
    login(client, two.clinician.email)
    assert client.get(f"/families/{two.family.id}").status_code == 200
    client.post(
        "/logout", data={"csrf_token": csrf_token(client.get("/clinic").get_data(as_text=True))}
    )
    login(client, two.mother.email)

    archive = _download(client)

    names = set(archive.namelist())
    assert {"my-data.json", "check-ins.csv", "scores.csv", "flags.csv"} <= names
    everything = b"".join(archive.read(n) for n in names).decode("utf-8-sig", "replace")
    assert "Father" not in everything and "Tom" not in everything
    document = json.loads(archive.read("my-data.json"))
    assert document["name"] == "Aisha"
    assert [c["note"] for c in document["checkins"]] == ["Mother's own words"]
    assert sorted(f["reason"] for f in document["flags"]) == [
        "A note to read",
        "Thoughts of self-harm",
    ]
    assert {f["history"][0]["what"] for f in document["flags"]} == {"Raised"}
    assert [(v["who"], v["role"], v["what"]) for v in document["views"]] == [
        ("Sam Patel", "Clinician", "Your family's record")
    ]
    answers = _rows(archive, "check-ins.csv")
    assert {r["question"]: r["answer"] for r in answers}[
        "How often have you felt low or down?"
    ] == ("Not at all")
    assert len(answers) == len(document["checkins"][0]["answers"])
    # Downloading is audited: who, and whose record.
    db.expire_all()
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "carer.data_downloaded")).one()
    assert (event.actor_id, event.target_id) == (two.mother.id, two.mother_carer.id)


def test_the_words_follow_the_readers_language(client: FlaskClient, two: Two, db: Session):
    two.mother.locale = "pl"
    db.add(two.mother)
    db.commit()
    login(client, two.mother.email)

    document = json.loads(_download(client).read("my-data.json"))

    assert "Thoughts of self-harm" not in {f["reason"] for f in document["flags"]}
    assert "How often have you felt low or down?" not in json.dumps(document)


def test_a_carer_who_has_not_yet_agreed_still_sees_what_is_held(client: FlaskClient, make: Factory):
    team = make.team()
    family = make.family(team, make.user(Role.CLINICIAN, team))
    carer = make.carer(family, consented=False, display_name="Noor")
    login(client, carer.email)

    page = client.get("/account/data")

    assert page.status_code == 200
    assert "Noor" in page.get_data(as_text=True)
    assert "You have not sent any check-ins yet." in page.get_data(as_text=True)
