"""A team's records as one FHIR R4 Bundle of type ``collection``. Pure: rows in, JSON out.

- each instrument version as a ``Questionnaire`` (``instruments.fhir``);
- each baby as a ``Patient``; each carer as a ``RelatedPerson`` of the family's first baby.
  A family with no baby recorded yet has nobody a RelatedPerson can relate to (its ``patient``
  is required), so its carers are exported as ``Patient``: the person the answers are about;
- each check-in as a ``QuestionnaireResponse``: ``questionnaire`` is the canonical URL with
  its version, the carer is ``source`` and ``author``, the baby is ``subject`` where the
  check-in is about one;
- each scale score as an ``Observation`` (LOINC 44261-6 PHQ-9 total, 70274-6 GAD-7 total,
  55758-7 PHQ-2 total; the app's own code system for every other scale), derived from its
  response, performed by the carer and with the carer as ``focus``;
- each flag as a ``Flag`` about the baby it concerns (else the family's first baby, else the
  carer as Patient).

Identifiers are the app's own ids, under the deployment's base URL.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from parentapp.checkins.models import CheckIn
from parentapp.families.models import Carer, Infant
from parentapp.instruments.fhir import DEFAULT_BASE_URL, answer_system, to_questionnaire
from parentapp.instruments.schema import Definition, ItemType
from parentapp.triage.models import Flag
from parentapp.triage.vocab import FlagState

LOINC = "http://loinc.org"
# Totals with a published LOINC code, by (instrument id, scale id).
LOINC_TOTALS = {
    ("phq9", "total"): ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    ("gad7", "total"): ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
    ("phq2", "total"): ("55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score"),
}
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
CLINICAL_FLAG = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/flag-category",
            "code": "clinical",
            "display": "Clinical",
        }
    ]
}


@dataclass(frozen=True)
class Person:
    carer: Carer
    name: str
    email: str | None


@dataclass(frozen=True)
class TeamRecords:
    """What one team's export holds, read by ``exports.fhir_rows``."""

    infants: list[Infant]
    carers: list[Person]
    checkins: list[CheckIn]
    flags: list[Flag]
    definitions: list[Definition]

    def of_family(self, family_id: int) -> "TeamRecords":
        """Only one family's people, check-ins and flags (every Questionnaire is kept: the
        responses refer to them)."""
        return TeamRecords(
            infants=[i for i in self.infants if i.family_id == family_id],
            carers=[p for p in self.carers if p.carer.family_id == family_id],
            checkins=[c for c in self.checkins if c.family_id == family_id],
            flags=[f for f in self.flags if f.family_id == family_id],
            definitions=self.definitions,
        )


def _instant(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"


def _identifier(base_url: str, kind: str, id_: int, nhs_number: str | None) -> list[dict[str, Any]]:
    """The NHS number where one is recorded (the identifier other NHS systems match on), then
    the app's own id, which every record has."""
    own = {"system": f"{base_url}/Id/{kind}", "value": str(id_)}
    if not nhs_number:
        return [own]
    return [
        {"use": "official", "system": NHS_NUMBER_SYSTEM, "value": nhs_number},
        {"use": "secondary", **own},
    ]


class _Refs:
    """Who each carer is in the Bundle, and which baby stands for each family."""

    def __init__(self, records: TeamRecords) -> None:
        self.first_infant: dict[int, Infant] = {}
        for infant in sorted(records.infants, key=lambda i: i.id or 0):
            self.first_infant.setdefault(infant.family_id, infant)

    def carer(self, carer: Carer) -> str:
        kind = "RelatedPerson" if carer.family_id in self.first_infant else "Patient"
        return f"{kind}/carer-{carer.id}"

    def subject(self, carer: Carer, infant_id: int | None) -> str:
        if infant_id is not None:
            return f"Patient/infant-{infant_id}"
        infant = self.first_infant.get(carer.family_id)
        return f"Patient/infant-{infant.id}" if infant else self.carer(carer)


def _infant(base_url: str, infant: Infant) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": f"infant-{infant.id}",
        "identifier": _identifier(base_url, "infant", infant.id or 0, infant.nhs_number),
        "name": [{"text": infant.name}],
    }
    if infant.date_of_birth:
        resource["birthDate"] = infant.date_of_birth.isoformat()
    return resource


def _carer(base_url: str, person: Person, refs: _Refs) -> dict[str, Any]:
    carer = person.carer
    kind, id_ = refs.carer(carer).split("/")
    resource: dict[str, Any] = {
        "resourceType": kind,
        "id": id_,
        "identifier": _identifier(base_url, "carer", carer.id or 0, carer.nhs_number),
        "name": [{"text": person.name}],
    }
    if person.email:
        resource["telecom"] = [{"system": "email", "value": person.email}]
    if kind == "RelatedPerson":
        infant = refs.first_infant[carer.family_id]
        resource["patient"] = {"reference": f"Patient/infant-{infant.id}"}
        resource["relationship"] = [{"text": carer.carer_role}]
    return resource


def _answer(
    base_url: str, definition: Definition | None, link_id: str, code: Any
) -> dict[str, Any]:
    if definition is None:
        return {"valueString": str(code)}
    item = definition.item(link_id)
    if item.type == ItemType.BOOLEAN:
        return {"valueBoolean": code == "true"}
    option = next((o for o in definition.options(item) if o.code == code), None)
    if option is None:
        return {"valueString": str(code)}
    return {
        "valueCoding": {
            "system": answer_system(base_url, definition, item.answer_set or ""),
            "code": option.code,
            "display": option.text,
        }
    }


def _items(base_url: str, definition: Definition | None, checkin: CheckIn) -> list[dict[str, Any]]:
    known = {i.link_id for i in definition.items} if definition else set(checkin.answers)
    items = [
        {"linkId": link_id, "answer": [_answer(base_url, definition, link_id, code)]}
        for link_id, code in (checkin.answers or {}).items()
        if link_id in known
    ]
    text_items = [i for i in definition.items if i.type == ItemType.TEXT] if definition else []
    if checkin.note and text_items:
        items.append({"linkId": text_items[0].link_id, "answer": [{"valueString": checkin.note}]})
    return items


def _response(
    base_url: str, checkin: CheckIn, carer: Carer, definition: Definition | None, refs: _Refs
) -> dict[str, Any]:
    who = {"reference": refs.carer(carer)}
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"checkin-{checkin.id}",
        "questionnaire": (
            f"{base_url}/Questionnaire/{checkin.instrument_id}|{checkin.instrument_version}"
        ),
        "status": "completed",
        "authored": _instant(checkin.submitted_at),
        "author": who,
        "source": who,
        "item": _items(base_url, definition, checkin),
    }
    if checkin.infant_id is not None:
        resource["subject"] = {"reference": f"Patient/infant-{checkin.infant_id}"}
    return resource


def _observations(
    base_url: str, checkin: CheckIn, carer: Carer, definition: Definition | None, refs: _Refs
) -> list[dict[str, Any]]:
    out = []
    titles = {s.id: s.title for s in definition.scales} if definition else {}
    for scale_id, data in sorted((checkin.scores or {}).items()):
        if not isinstance(data, dict) or data.get("value") is None:
            continue  # too many items missing to score: there is no value to record
        loinc = LOINC_TOTALS.get((checkin.instrument_id, scale_id))
        coding = (
            {"system": LOINC, "code": loinc[0], "display": loinc[1]}
            if loinc
            else {
                "system": f"{base_url}/CodeSystem/scale",
                "code": f"{checkin.instrument_id}.{scale_id}",
                "display": titles.get(scale_id, scale_id),
            }
        )
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "id": f"checkin-{checkin.id}-{scale_id}",
            "status": "final",
            "category": [SURVEY],
            "code": {"coding": [coding], "text": coding["display"]},
            "subject": {"reference": refs.subject(carer, checkin.infant_id)},
            "focus": [{"reference": refs.carer(carer)}],
            "performer": [{"reference": refs.carer(carer)}],
            "effectiveDateTime": _instant(checkin.submitted_at),
            "valueInteger": int(data["value"]),
            "derivedFrom": [{"reference": f"QuestionnaireResponse/checkin-{checkin.id}"}],
        }
        if data.get("band"):
            resource["interpretation"] = [{"text": str(data["band"])}]
        out.append(resource)
    return out


def _flag(base_url: str, flag: Flag, carer: Carer, refs: _Refs) -> dict[str, Any]:
    period: dict[str, str] = {"start": _instant(flag.opened_at)}
    if flag.closed_at:
        period["end"] = _instant(flag.closed_at)
    return {
        "resourceType": "Flag",
        "id": f"flag-{flag.id}",
        "status": "inactive" if flag.state == FlagState.CLOSED.value else "active",
        "category": [CLINICAL_FLAG],
        "code": {
            "coding": [
                {"system": f"{base_url}/CodeSystem/flag-category", "code": flag.category},
                {"system": f"{base_url}/CodeSystem/flag-severity", "code": flag.severity},
            ],
            "text": f"{flag.severity}: {flag.category} ({flag.rule_id})",
        },
        "subject": {"reference": refs.subject(carer, flag.infant_id)},
        "period": period,
    }


def _entry(base_url: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": f"{base_url}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
    }


def _questionnaires(definitions: Iterable[Definition], base_url: str) -> list[dict[str, Any]]:
    return [to_questionnaire(d, base_url=base_url) for d in definitions]


def team_bundle(
    records: TeamRecords, *, now: datetime, base_url: str = DEFAULT_BASE_URL
) -> dict[str, Any]:
    """The team's records as a FHIR R4 Bundle (type ``collection``), JSON-ready."""
    base_url = base_url.rstrip("/")
    refs = _Refs(records)
    carers: Mapping[int, Carer] = {p.carer.id or 0: p.carer for p in records.carers}
    definitions = {(d.id, d.version): d for d in records.definitions}
    resources: list[dict[str, Any]] = _questionnaires(records.definitions, base_url)
    resources += [_infant(base_url, i) for i in sorted(records.infants, key=lambda i: i.id or 0)]
    resources += [_carer(base_url, p, refs) for p in records.carers]
    for checkin in records.checkins:
        carer = carers[checkin.carer_id]
        definition = definitions.get((checkin.instrument_id, checkin.instrument_version))
        resources.append(_response(base_url, checkin, carer, definition, refs))
        resources += _observations(base_url, checkin, carer, definition, refs)
    resources += [_flag(base_url, f, carers[f.carer_id], refs) for f in records.flags]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(now),
        "entry": [_entry(base_url, r) for r in resources],
    }
