"""Small builders of FHIR R4 resources, shaped exactly as ``docs/fhir-mapping.md`` says the portal reads them.

Builders take ready values (ISO times, reference dicts) and return fresh dicts; shared codings from the catalog
are reused, never copied, so building stays cheap. Callers must not mutate what they get back.
"""

from __future__ import annotations

from typing import Any

from portal.demo.catalog import HSA_SYSTEM, ORIGIN_SYSTEM, UNIT_KIND_SYSTEM, Unit
from portal.identity.personnummer import COORDINATION_DAY_OFFSET, PERSONNUMMER_SYSTEM, SAMORDNINGSNUMMER_SYSTEM

Json = dict[str, Any]
SENSITIVITY = "https://portal.example/fhir/CodeSystem/sensitivity"
EXT = "https://portal.example/fhir/StructureDefinition/"
TERM = "http://terminology.hl7.org/CodeSystem/"
_SECURITY = {code: {"system": SENSITIVITY, "code": code} for code in ("proxy-hidden", "sealed", "protected-identity")}
_CATEGORY = {code: [{"coding": [{"system": TERM + "observation-category", "code": code}]}]
             for code in ("laboratory", "vital-signs")}
_REPORT_CATEGORY = {code: [{"coding": [{"system": TERM + "v2-0074", "code": code}]}] for code in ("LAB", "PAT")}
_CLASS = {code: {"system": TERM + "v3-ActCode", "code": code, "display": display}
          for code, display in (("AMB", "Öppenvård"), ("IMP", "Slutenvård"), ("HH", "Hembesök"),
                                ("VR", "Distanskontakt"))}
_CONFIRMED = {"coding": [{"system": TERM + "condition-ver-status", "code": "confirmed"}]}
_IN_ERROR = {"coding": [{"system": TERM + "condition-ver-status", "code": "entered-in-error"}]}
_ACTIVE = {"coding": [{"system": TERM + "condition-clinical", "code": "active"}]}
_RESOLVED = {"coding": [{"system": TERM + "condition-clinical", "code": "resolved"}]}
_NOTE_TYPE = {"coding": [{"system": "http://loinc.org", "code": "11506-3", "display": "Progress note"}],
              "text": "Journalanteckning"}
_CERT_TYPE = {"coding": [{"system": "http://loinc.org", "code": "64297-5", "display": "Death certificate"}],
              "text": "Läkarintyg"}
_PATIENT_ROLE = [{"coding": [{"system": TERM + "v3-ParticipationType", "code": "SBJ"}]}]


def meta(updated: str, *labels: str) -> Json:
    result: Json = {"versionId": "1", "lastUpdated": updated}
    if labels:
        result["security"] = [_SECURITY[label] for label in labels]
    return result


def identity_system(number: str) -> str:
    """Samordningsnummer carry the day of birth plus 60; they have their own system."""
    return SAMORDNINGSNUMMER_SYSTEM if int(number[6:8]) > COORDINATION_DAY_OFFSET else PERSONNUMMER_SYSTEM


def pnr_ref(number: str) -> Json:
    return {"identifier": {"system": identity_system(number), "value": number}}


def organization(unit: Unit, address: str, phone: str, updated: str) -> Json:
    resource: Json = {
        "resourceType": "Organization", "id": unit.resource_id, "meta": meta(updated),
        "identifier": [{"system": HSA_SYSTEM, "value": unit.hsa_id}], "active": True, "name": unit.name,
        "type": [{"coding": [{"system": UNIT_KIND_SYSTEM, "code": unit.kind},
                             {"system": ORIGIN_SYSTEM, "code": unit.origin}]}],
        "telecom": [{"system": "phone", "value": phone}], "address": [{"text": address, "city": unit.city}],
    }
    if unit.provider:
        resource["partOf"] = {"identifier": {"system": HSA_SYSTEM, "value": unit.provider}}
    return resource


def encounter(rid: str, subject: Json, unit: Unit, start: str, end: str, title: str, klass: str,
              author: str, reason: str, updated: str, *labels: str) -> Json:
    return {
        "resourceType": "Encounter", "id": rid, "meta": meta(updated, *labels), "status": "finished",
        "class": _CLASS[klass], "type": [{"text": title}], "subject": subject,
        "participant": [{"individual": {"display": author}}], "period": {"start": start, "end": end},
        "reasonCode": [{"text": reason}], "serviceProvider": unit.ref,
    }


def composition(rid: str, subject: Json, unit: Unit, when: str, title: str, html: str, author: str,
                *labels: str, status: str = "final", certificate: bool = False) -> Json:
    return {
        "resourceType": "Composition", "id": rid, "meta": meta(when, *labels), "status": status,
        "type": _CERT_TYPE if certificate else _NOTE_TYPE, "subject": subject, "date": when,
        "author": [{"display": author}], "title": title, "custodian": unit.ref,
        "section": [{"title": title, "text": {"status": "generated",
                                              "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{html}</div>'}}],
    }


def condition(rid: str, subject: Json, code: Json, when: str, recorder: str, note: str, active: bool,
              *labels: str, in_error: bool = False) -> Json:
    resource: Json = {
        "resourceType": "Condition", "id": rid, "meta": meta(when, *labels),
        "verificationStatus": _IN_ERROR if in_error else _CONFIRMED, "code": code, "subject": subject,
        "onsetDateTime": when, "recordedDate": when, "recorder": {"display": recorder}, "note": [{"text": note}],
    }
    if not in_error:
        resource["clinicalStatus"] = _ACTIVE if active else _RESOLVED
    return resource


def observation(rid: str, subject: Json, unit: Unit, category: str, code: Json, when: str, issued: str,
                value: float, unit_text: str, ucum: str, *labels: str,
                low: float | None = None, high: float | None = None) -> Json:
    resource: Json = {
        "resourceType": "Observation", "id": rid, "meta": meta(issued, *labels), "status": "final",
        "category": _CATEGORY[category], "code": code, "subject": subject, "effectiveDateTime": when,
        "issued": issued, "performer": [unit.ref],
        "valueQuantity": {"value": value, "unit": unit_text, "system": "http://unitsofmeasure.org", "code": ucum},
    }
    if low is not None or high is not None:
        reference: Json = {}
        if low is not None:
            reference["low"] = {"value": low, "unit": unit_text}
        if high is not None:
            reference["high"] = {"value": high, "unit": unit_text}
        resource["referenceRange"] = [reference]
        if (low is not None and value < low) or (high is not None and value > high):
            resource["interpretation"] = [{"text": "Avvikande"}]
    return resource


def diagnostic_report(rid: str, subject: Json, unit: Unit, category: str, title: str, when: str, issued: str,
                      conclusion: str, *labels: str) -> Json:
    return {
        "resourceType": "DiagnosticReport", "id": rid, "meta": meta(issued, *labels), "status": "final",
        "category": _REPORT_CATEGORY[category], "code": {"text": title}, "subject": subject,
        "effectiveDateTime": when, "issued": issued, "performer": [unit.ref], "conclusion": conclusion,
    }


def medication(rid: str, subject: Json, code: Json, dosage: str, start: str, prescriber: str, active: bool,
               *labels: str) -> Json:
    return {
        "resourceType": "MedicationStatement", "id": rid, "meta": meta(start, *labels),
        "status": "active" if active else "completed", "medicationCodeableConcept": code, "subject": subject,
        "effectivePeriod": {"start": start}, "dateAsserted": start, "informationSource": {"display": prescriber},
        "dosage": [{"text": dosage}],
    }


def immunization(rid: str, patient: Json, code: Json, when: str, unit: Unit, lot: str, *labels: str) -> Json:
    return {
        "resourceType": "Immunization", "id": rid, "meta": meta(when, *labels), "status": "completed",
        "vaccineCode": code, "patient": patient, "occurrenceDateTime": when, "lotNumber": lot,
        "performer": [{"actor": unit.ref}],
    }


def allergy(rid: str, patient: Json, code: Json, criticality: str, manifestation: str, when: str,
            recorder: str) -> Json:
    return {
        "resourceType": "AllergyIntolerance", "id": rid, "meta": meta(when), "patient": patient, "code": code,
        "criticality": criticality, "recordedDate": when, "recorder": {"display": recorder},
        "reaction": [{"manifestation": [{"text": manifestation}]}],
    }


def service_request(rid: str, subject: Json, requester: Unit, performer: Unit, when: str, title: str,
                    reason: str, status: str) -> Json:
    return {
        "resourceType": "ServiceRequest", "id": rid, "meta": meta(when), "status": status, "intent": "order",
        "code": {"text": title}, "subject": subject, "authoredOn": when, "requester": requester.ref,
        "performer": [performer.ref], "reasonCode": [{"text": reason}],
    }


def appointment(rid: str, patient: Json, unit: Unit, start: str, end: str, status: str, title: str,
                kind: str, preparation: str, practitioner: str, updated: str, *, place: str = "",
                video: str = "") -> Json:
    resource: Json = {
        "resourceType": "Appointment", "id": rid, "meta": meta(updated), "status": status,
        "appointmentType": {"coding": [{"system": EXT + "appointment-kind", "code": kind}]},
        "serviceType": [{"text": title}], "description": title, "start": start, "end": end, "comment": preparation,
        "participant": [
            {"actor": {**patient, "type": "Patient"}, "status": "accepted"},
            {"actor": {**unit.ref, "type": "Organization"}, "status": "accepted"},
            {"actor": {"display": practitioner, "type": "Practitioner"}, "status": "accepted"},
        ],
    }
    extensions = []
    if video:
        extensions.append({"url": EXT + "video-url", "valueUrl": video})
    if place:
        extensions.append({"url": EXT + "place", "valueString": place})
    if extensions:
        resource["extension"] = extensions
    return resource
