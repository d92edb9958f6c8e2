"""The demo stream contains every case the portal's rules are tested on."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from portal.demo.catalog import UNITS
from portal.demo.fhir import EXT
from portal.demo.personas import PERSONAS
from tests.demo.conftest import TODAY

Resource = dict
KIND_OF_UNIT = {unit.hsa_id: unit.kind for unit in UNITS.values()}


def _labels(resource: Resource) -> set[str]:
    return {label["code"] for label in resource.get("meta", {}).get("security", [])}


def _unit_kind(resource: Resource) -> str | None:
    for key in ("serviceProvider", "custodian"):
        if key in resource:
            return KIND_OF_UNIT.get(resource[key]["identifier"]["value"])
    return None


def _appointment_at(kind: str) -> Callable[[Resource], bool]:
    def check(resource: Resource) -> bool:
        actors = [p["actor"] for p in resource["participant"] if p["actor"].get("type") == "Organization"]
        return any(KIND_OF_UNIT.get(a["identifier"]["value"]) == kind for a in actors)
    return check


def _is_sip(resource: Resource) -> bool:
    if not any(c["code"] == "sip" for cat in resource.get("category", []) for c in cat["coding"]):
        return False
    responsible = {a["detail"]["performer"][0]["identifier"]["value"][:12] for a in resource["activity"]}
    follow_up = any(e["url"] == EXT + "follow-up" for e in resource["extension"])
    return len(responsible) >= 2 and follow_up and bool(resource["contained"]) and bool(resource["contributor"])


CASES: dict[str, tuple[str, Callable[[Resource], bool]]] = {
    "guardian": ("RelatedPerson", lambda r: r["relationship"][0]["coding"][0]["code"] == "GUARD"),
    "god_man": ("RelatedPerson", lambda r: r["relationship"][0]["coding"][0]["code"] == "god_man"),
    "protected identity": ("Patient", lambda r: "protected-identity" in _labels(r)),
    "deceased": ("Patient", lambda r: "deceasedDateTime" in r),
    "sip shared by region and municipality": ("CarePlan", _is_sip),
    "growth measurement": ("Observation", lambda r: r["code"]["coding"][0]["code"] == "8302-2"),
    "school vaccination": ("Immunization", lambda r: KIND_OF_UNIT.get(
        r["performer"][0]["actor"]["identifier"]["value"]) == "school_health"),
    "hospital contact": ("Encounter", lambda r: _unit_kind(r) == "hospital"),
    "primary care contact": ("Encounter", lambda r: _unit_kind(r) == "primary_care"),
    "note": ("Composition", lambda r: r["type"]["text"] == "Journalanteckning"),
    "certificate": ("Composition", lambda r: r["type"]["coding"][0]["code"] == "64297-5"),
    "diagnosis": ("Condition", lambda r: r["code"]["coding"][0]["system"] == "urn:oid:1.2.752.116.1.1.1.1.3"),
    "lab result": ("Observation", lambda r: r["category"][0]["coding"][0]["code"] == "laboratory"),
    "medication": ("MedicationStatement", lambda r: True),
    "allergy": ("AllergyIntolerance", lambda r: True),
    "referral": ("ServiceRequest", lambda r: True),
    "hospital appointment": ("Appointment", _appointment_at("hospital")),
    "primary care appointment": ("Appointment", _appointment_at("primary_care")),
    "home care visit": ("Appointment", lambda r: r["appointmentType"]["coding"][0]["code"] == "home_visit"),
    "school nurse appointment": ("Appointment", _appointment_at("school_health")),
    "video appointment with link": ("Appointment", lambda r: any(
        e["url"] == EXT + "video-url" and e["valueUrl"].startswith("https://") for e in r.get("extension", []))),
    "upcoming appointment": ("Appointment", lambda r: r["status"] == "booked" and r["start"] > "2025-03-15"),
    "past appointment": ("Appointment", lambda r: r["status"] == "fulfilled" and r["start"] < "2025-03-15"),
    "preparation text": ("Appointment", lambda r: "fastande" in r["comment"]),
    "sealed entry": ("Encounter", lambda r: "sealed" in _labels(r)),
    "proxy-hidden youth clinic entry": ("Encounter", lambda r: "proxy-hidden" in _labels(r)
                                        and _unit_kind(r) == "youth_clinic"),
    "barnahus entry": ("Encounter", lambda r: _unit_kind(r) == "barnahus"),
    "lss entry": ("Composition", lambda r: _unit_kind(r) == "lss"),
    "delayed pathology": ("DiagnosticReport", lambda r: r["category"][0]["coding"][0]["code"] == "PAT"
                          and r["issued"] >= "2025-03-12"),
    "entered-in-error note": ("Composition", lambda r: r["status"] == "entered-in-error"),
    "consent seal": ("Consent", lambda r: r["scope"]["coding"][0]["code"] == "seal"),
    "guardian block": ("Consent", lambda r: r["scope"]["coding"][0]["code"] == "guardian-block"),
    "municipal organisation": ("Organization", lambda r: r["identifier"][0]["value"].startswith("SE2120000")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_demo_stream_contains_case(demo_items, case):
    kind, check = CASES[case]
    assert any(r["resourceType"] == kind and check(r) for _, r in demo_items), case


@pytest.mark.parametrize("case", ["consent seal", "guardian block", "barnahus entry", "lss entry", "god_man",
                                  "sip shared by region and municipality", "protected identity", "deceased"])
def test_random_population_contains_case_too(demo_items, case):
    kind, check = CASES[case]
    assert any(r["resourceType"] == kind and check(r) and not r["id"].startswith("persona-")
               for _, r in demo_items), case


def test_lab_series_repeat_the_same_analysis_for_one_person(demo_items):
    series: dict[tuple[str, str], int] = {}
    for _, r in demo_items:
        if r["resourceType"] == "Observation" and r["subject"].get("reference") == "Patient/persona-anna":
            key = (r["subject"]["reference"], r["code"]["coding"][0]["code"])
            series[key] = series.get(key, 0) + 1
    assert max(series.values()) >= 5


def test_persona_tags_get_matching_records(demo_items):
    keys = {persona.personnummer(TODAY): persona.key for persona in PERSONAS}
    of: dict[str, set] = {}
    for _, r in demo_items:
        subject = r.get("subject") or r.get("patient") or {}
        ref = subject.get("reference", "")
        key = ref[16:] if ref.startswith("Patient/persona-") else keys.get(subject.get("identifier", {}).get("value"))
        if key:
            of.setdefault(key, set()).add((r["resourceType"], frozenset(_labels(r))))
    assert ("DiagnosticReport", frozenset()) in of["anna"]
    assert any("proxy-hidden" in labels for _, labels in of["elsa"])
    assert any("proxy-hidden" in labels for _, labels in of["lisa"])
    assert any("sealed" in labels for _, labels in of["anna"])
    assert ("CarePlan", frozenset()) in of["margit"]
    assert ("Observation", frozenset()) in of["oskar"]
