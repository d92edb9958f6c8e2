"""Small builders of contract-conforming FHIR R4 JSON for tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.identity.personnummer import PERSONNUMMER_SYSTEM, SAMORDNINGSNUMMER_SYSTEM, make

HSA = "urn:oid:1.2.752.29.4.19"
CS = "https://portal.example/fhir/CodeSystem/"
EXT = "https://portal.example/fhir/StructureDefinition/"
PNR_ADULT = make(date(1980, 5, 17), 981)
PNR_CHILD = make(date(2016, 3, 2), 983)
PNR_GUARDIAN = make(date(1984, 1, 9), 982)
PNR_COORDINATION = make(date(1990, 7, 4), 990, coordination=True)
UNIT_HSA = "SE2321000032-1001"
PROVIDER_HSA = "SE2321000032-0001"


def meta(version: str | None = "1", last_updated: str | None = "2024-01-01T10:00:00Z", **extra: Any) -> dict:
    value: dict[str, Any] = dict(extra)
    if version:
        value["versionId"] = version
    if last_updated:
        value["lastUpdated"] = last_updated
    return value


def pnr_ref(pnr: str = PNR_ADULT) -> dict:
    return {"identifier": {"system": PERSONNUMMER_SYSTEM, "value": pnr}}


def unit_ref(hsa: str = UNIT_HSA, display: str = "Vårdcentralen Norr") -> dict:
    return {"identifier": {"system": HSA, "value": hsa}, "display": display}


def patient(pid: str = "p1", pnr: str = PNR_ADULT, **extra: Any) -> dict:
    system = SAMORDNINGSNUMMER_SYSTEM if int(pnr[6:8]) > 60 else PERSONNUMMER_SYSTEM
    day = int(pnr[6:8]) % 60 if int(pnr[6:8]) > 60 else int(pnr[6:8])
    resource = {
        "resourceType": "Patient", "id": pid, "meta": meta(),
        "identifier": [{"system": system, "value": pnr}],
        "name": [{"family": "Lindqvist", "given": ["Anna", "Maria"]}],
        "gender": "female", "birthDate": f"{pnr[:4]}-{pnr[4:6]}-{day:02d}",
        "address": [{"city": "Uppsala"}],
    }
    resource.update(extra)
    return resource


def organization(oid: str = "o1", hsa: str = UNIT_HSA, kind: str = "primary_care", origin: str = "region",
                 part_of: dict | None = None, **extra: Any) -> dict:
    resource = {
        "resourceType": "Organization", "id": oid, "meta": meta(),
        "identifier": [{"system": HSA, "value": hsa}], "name": "Vårdcentralen Norr",
        "type": [{"coding": [{"system": CS + "unit-kind", "code": kind}, {"system": CS + "origin", "code": origin}]}],
        "address": [{"text": "Storgatan 1, Uppsala"}], "telecom": [{"system": "phone", "value": "018-123456"}],
    }
    if part_of:
        resource["partOf"] = part_of
    resource.update(extra)
    return resource


def encounter(eid: str = "e1", subject: dict | None = None, **extra: Any) -> dict:
    resource = {
        "resourceType": "Encounter", "id": eid, "meta": meta(), "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "Besök"},
        "type": [{"text": "Läkarbesök"}], "subject": subject or {"reference": "Patient/p1"},
        "serviceProvider": {"identifier": {"system": HSA, "value": UNIT_HSA}},
        "period": {"start": "2024-01-05T09:00:00+01:00"},
        "participant": [{"individual": {"display": "Dr Berg"}}], "reasonCode": [{"text": "Hosta"}],
    }
    resource.update(extra)
    return resource


def observation(oid: str = "obs1", **extra: Any) -> dict:
    resource = {
        "resourceType": "Observation", "id": oid, "meta": meta(), "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "718-7", "display": "Hemoglobin"}],
                 "text": "Hb"},
        "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2024-02-01T08:00:00Z",
        "issued": "2024-02-01T12:00:00Z", "performer": [unit_ref()],
        "valueQuantity": {"value": 135, "unit": "g/L"},
        "referenceRange": [{"low": {"value": 117}, "high": {"value": 153}, "text": "117-153"}],
        "interpretation": [{"text": "Normal"}], "note": [{"text": "Ingen anmärkning"}],
    }
    resource.update(extra)
    return resource


def related_person(rid: str = "rp1", child: str = "Patient/child", guardian: str = PNR_GUARDIAN, **extra: Any) -> dict:
    resource = {
        "resourceType": "RelatedPerson", "id": rid, "meta": meta(), "patient": {"reference": child},
        "identifier": [{"system": PERSONNUMMER_SYSTEM, "value": guardian}],
        "relationship": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                                      "code": "GUARD"}]}],
        "period": {"start": "2016-03-02"},
    }
    resource.update(extra)
    return resource


def consent(cid: str = "c1", code: str = "seal", actor: dict | None = None, **extra: Any) -> dict:
    resource = {
        "resourceType": "Consent", "id": cid, "meta": meta(), "status": "active",
        "scope": {"coding": [{"system": CS + "consent-scope", "code": code}]},
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": "Patient/p1"},
        "provision": {"actor": [{"reference": actor or {"identifier": {"system": HSA, "value": UNIT_HSA}}}]},
    }
    resource.update(extra)
    return resource


def bundle(kind: str, *resources: dict, deletes: tuple[str, ...] = ()) -> dict:
    entries: list[dict] = [
        {"resource": r, "request": {"method": "PUT", "url": f"{r.get('resourceType')}/{r.get('id')}"}}
        if kind in ("transaction", "batch") else {"resource": r}
        for r in resources
    ]
    entries += [{"request": {"method": "DELETE", "url": url}} for url in deletes]
    return {"resourceType": "Bundle", "type": kind, "entry": entries}
