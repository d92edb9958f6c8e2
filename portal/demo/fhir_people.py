"""FHIR builders for people and agreements: Patient, RelatedPerson, CarePlan (SIP), Consent."""

from __future__ import annotations

from dataclasses import dataclass

from portal.demo.catalog import HSA_SYSTEM, Unit
from portal.demo.fhir import EXT, TERM, Json, identity_system, meta, pnr_ref
from portal.identity.personnummer import PERSONNUMMER_SYSTEM, SAMORDNINGSNUMMER_SYSTEM

REPRESENTATIVE_SYSTEM = "https://portal.example/fhir/CodeSystem/representative"
_GUARD = {"coding": [{"system": TERM + "v3-RoleCode", "code": "GUARD", "display": "vårdnadshavare"}]}
_SIP = {"coding": [{"system": "https://portal.example/fhir/CodeSystem/careplan-category", "code": "sip",
                    "display": "Samordnad individuell plan"}]}
_CONSENT_CATEGORY = [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}]
_PROVISION_ROLE = {"coding": [{"system": TERM + "v3-ParticipationType", "code": "CST"}]}


@dataclass(frozen=True)
class PatientFacts:
    rid: str
    number: str
    coordination: bool
    given: str
    family: str
    birth: str
    gender: str
    city: str
    street: str
    protected: bool = False
    deceased_at: str = ""


def patient(facts: PatientFacts, updated: str) -> Json:
    system = SAMORDNINGSNUMMER_SYSTEM if facts.coordination else PERSONNUMMER_SYSTEM
    labels = ("protected-identity",) if facts.protected else ()
    resource: Json = {
        "resourceType": "Patient", "id": facts.rid, "meta": meta(updated, *labels),
        "identifier": [{"system": system, "value": facts.number}],
        "name": [{"use": "official", "family": facts.family, "given": [facts.given]}],
        "gender": facts.gender, "birthDate": facts.birth,
    }
    if not facts.protected:  # skyddad folkbokföring: no address is sent
        resource["address"] = [{"line": [facts.street], "city": facts.city, "country": "SE"}]
    if facts.deceased_at:
        resource["deceasedDateTime"] = facts.deceased_at
    return resource


def related_person(rid: str, child: Json, proxy_number: str, proxy_name: tuple[str, str], start: str,
                   updated: str, kind: str = "GUARD", scope: str = "") -> Json:
    relationship = _GUARD if kind == "GUARD" else {
        "coding": [{"system": REPRESENTATIVE_SYSTEM, "code": kind}]}
    resource: Json = {
        "resourceType": "RelatedPerson", "id": rid, "meta": meta(updated), "active": True, "patient": child,
        "identifier": [{"system": identity_system(proxy_number), "value": proxy_number}],
        "relationship": [relationship], "name": [{"given": [proxy_name[0]], "family": proxy_name[1]}],
        "period": {"start": start},
    }
    if scope:
        resource["extension"] = [{"url": EXT + "scope", "valueString": scope}]
    return resource


@dataclass(frozen=True)
class Activity:
    description: str
    responsible: Unit
    scheduled: str
    status: str = "in-progress"


def care_plan(rid: str, subject: Json, author: Unit, title: str, description: str, start: str, updated: str,
              goals: tuple[tuple[str, str], ...], activities: tuple[Activity, ...], follow_up: str,
              participants: tuple[str, ...], sip: bool = False) -> Json:
    resource: Json = {
        "resourceType": "CarePlan", "id": rid, "meta": meta(updated), "status": "active", "intent": "plan",
        "title": title, "description": description, "subject": subject, "period": {"start": start},
        "author": author.ref, "contributor": [{"display": name} for name in participants],
        "extension": [{"url": EXT + "follow-up", "valueDate": follow_up}],
        "contained": [
            {"resourceType": "Goal", "id": f"goal{index}", "lifecycleStatus": "active",
             "description": {"text": text}, "subject": subject, "target": [{"dueDate": due}]}
            for index, (text, due) in enumerate(goals, start=1)
        ],
        "goal": [{"reference": f"#goal{index}"} for index in range(1, len(goals) + 1)],
        "activity": [{"detail": {
            "status": activity.status, "description": activity.description, "scheduledString": activity.scheduled,
            "performer": [activity.responsible.ref]}} for activity in activities],
    }
    if sip:
        resource["category"] = [_SIP]
    return resource


def consent_seal(rid: str, patient: Json, unit: Unit, when: str) -> Json:
    actor = {"identifier": {"system": HSA_SYSTEM, "value": unit.hsa_id}, "display": unit.name}
    return _consent(rid, patient, "seal", "Spärr", actor, when)


def consent_guardian_block(rid: str, patient: Json, guardian_number: str, when: str) -> Json:
    actor = pnr_ref(guardian_number)
    return _consent(rid, patient, "guardian-block", "Vårdnadshavare spärrad", actor, when)


def _consent(rid: str, patient: Json, code: str, display: str, actor: Json, when: str) -> Json:
    return {
        "resourceType": "Consent", "id": rid, "meta": meta(when), "status": "active",
        "scope": {"coding": [{"system": "https://portal.example/fhir/CodeSystem/consent-scope", "code": code,
                              "display": display}]},
        "category": _CONSENT_CATEGORY, "patient": patient, "dateTime": when,
        "provision": {"type": "deny", "actor": [{"role": _PROVISION_ROLE, "reference": actor}]},
    }
