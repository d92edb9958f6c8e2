"""Checks a resource against the contract before anything is stored; each failure names its element."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from portal.identity import personnummer
from portal.ingestion import fhir
from portal.ingestion.fhir import HSA_SYSTEM, ID_PATTERN, PATIENT_ELEMENT, PERSON_SYSTEMS, get

# Dates read per type: dotted path and whether it is a date (else dateTime).
DATES: dict[str, tuple[tuple[str, bool], ...]] = {
    "Patient": (("birthDate", True), ("deceasedDateTime", False)),
    "RelatedPerson": (("period.start", True), ("period.end", True)),
    "Encounter": (("period.start", False), ("period.end", False)),
    "Composition": (("date", False),),
    "DocumentReference": (("date", False),),
    "Condition": (("recordedDate", False), ("onsetDateTime", False)),
    "Observation": (("effectiveDateTime", False), ("issued", False)),
    "DiagnosticReport": (("effectiveDateTime", False), ("issued", False)),
    "MedicationStatement": (("effectivePeriod.start", False), ("effectiveDateTime", False)),
    "MedicationRequest": (("authoredOn", False),),
    "Immunization": (("occurrenceDateTime", False), ("recorded", False)),
    "AllergyIntolerance": (("recordedDate", False), ("onsetDateTime", False)),
    "ServiceRequest": (("authoredOn", False),),
    "Appointment": (("start", False), ("end", False)),
    "CarePlan": (("period.start", True), ("period.end", True), ("created", False)),
}
# When the entry happened: the first present of these; one is required.
EFFECTIVE: dict[str, tuple[str, ...]] = {
    "Encounter": ("period.start",),
    "Composition": ("date",),
    "DocumentReference": ("date",),
    "Condition": ("onsetDateTime", "recordedDate"),
    "Observation": ("effectiveDateTime", "issued"),
    "DiagnosticReport": ("effectiveDateTime", "issued"),
    "MedicationStatement": ("effectivePeriod.start", "effectiveDateTime"),
    "MedicationRequest": ("authoredOn",),
    "Immunization": ("occurrenceDateTime", "recorded"),
    "AllergyIntolerance": ("recordedDate", "onsetDateTime"),
    "ServiceRequest": ("authoredOn",),
    "Appointment": ("start",),
}
# The same paths as steps, split once: they are read for every resource.
DATE_STEPS = {kind: tuple((path, tuple(path.split(".")), is_date) for path, is_date in paths)
              for kind, paths in DATES.items()}
EFFECTIVE_STEPS = {kind: tuple(tuple(path.split(".")) for path in paths) for kind, paths in EFFECTIVE.items()}
MAX_STRING = 100_000
MAX_NAME = 200
RELATIONSHIP_CODES = {
    ("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "GUARD"): "guardian",
    (fhir.CS + "representative", "god_man"): "god_man",
    (fhir.CS + "representative", "forvaltare"): "forvaltare",
    (fhir.CS + "representative", "fullmakt"): "fullmakt",
}


@dataclass(frozen=True)
class Problem:
    reason: str
    element: str
    message: str


def validate(resource: Any, json_length: int | None = None) -> list[Problem]:
    """Every contract rule the resource breaks (empty when it may be stored).

    ``json_length``, when the caller has the resource's JSON text, spares the walk for over-long strings.
    """
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        return [Problem("not-fhir", "resourceType", "not a FHIR resource: no resourceType")]
    kind = resource["resourceType"]
    if kind not in fhir.KNOWN_TYPES:
        return [Problem("unknown-resource-type", "resourceType", "this resource type is not read")]
    problems = _common(resource, kind, json_length)
    if problems or is_entered_in_error(resource):
        return problems
    problems.extend(_dates(resource, kind))
    problems.extend(_patient(resource, kind))
    check = TYPE_CHECKS.get(kind)
    if check:
        problems.extend(check(resource))
    return problems


def is_entered_in_error(resource: dict[str, Any]) -> bool:
    if resource.get("status") == "entered-in-error":
        return True
    status = resource.get("verificationStatus")
    return status is not None and fhir.has_code(status, None, "entered-in-error")


def _common(resource: dict[str, Any], kind: str, json_length: int | None) -> list[Problem]:
    rid = resource.get("id")
    if rid is None:
        return [Problem("missing-element", f"{kind}.id", "id is required")]
    if not isinstance(rid, str) or not ID_PATTERN.match(rid):
        return [Problem("invalid-value", f"{kind}.id", "id must be 1-64 of A-Z, a-z, 0-9, '-' and '.'")]
    meta = resource.get("meta")
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        return [Problem("invalid-value", f"{kind}.meta", "meta must be an object")]
    version = meta.get("versionId")
    if version is not None and (not isinstance(version, str) or not ID_PATTERN.match(version)):
        return [Problem("invalid-value", f"{kind}.meta.versionId", "versionId must be an id")]
    try:
        fhir.sortable_instant(meta.get("lastUpdated"))
    except fhir.BadDate as error:
        return [Problem("invalid-date", f"{kind}.meta.lastUpdated", str(error))]
    # No string is longer than the JSON text that holds it.
    too_long = _first_long_string(resource, kind) if json_length is None or json_length > MAX_STRING else None
    if too_long:
        return [Problem("invalid-value", too_long, f"longer than {MAX_STRING} characters")]
    return []


def _first_long_string(value: Any, path: str) -> str | None:
    """The first element holding a string past the limit: a journal text is long, but not megabytes."""
    if isinstance(value, str):
        return path if len(value) > MAX_STRING else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _first_long_string(item, f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]")
        if found:
            return found
    return None


def _dates(resource: dict[str, Any], kind: str) -> list[Problem]:
    problems = []
    present = []  # the effective paths are among the dates read (a test holds it), so this is all they need
    for path, steps, is_date in DATE_STEPS.get(kind, ()):
        value = get(resource, *steps)
        if value is None:
            continue
        present.append(path)
        try:
            fhir.parse_date(value) if is_date else fhir.parse_datetime(value)
        except fhir.BadDate as error:
            problems.append(Problem("invalid-date", f"{kind}.{path}", str(error)))
    required = EFFECTIVE.get(kind)
    if required and not any(path in required for path in present):
        problems.append(Problem("missing-element", f"{kind}.{required[0]}", f"{required[0]} is required"))
    return problems


def _patient(resource: dict[str, Any], kind: str) -> list[Problem]:
    if kind == "Appointment":
        return _appointment_patient(resource)
    element = PATIENT_ELEMENT.get(kind)
    if element is None:
        return []
    return check_person_reference(resource.get(element), f"{kind}.{element}", "Patient")


def check_person_reference(value: Any, element: str, target: str | None) -> list[Problem]:
    """A ``Patient/<id>`` reference (when ``target`` allows it) or a personnummer identifier."""
    if value is None:
        return [Problem("missing-element", element, f"{element.split('.', 1)[1]} is required")]
    if target and fhir.reference_id(value, target):
        return []
    ident = get(value, "identifier")
    if isinstance(ident, dict):
        return check_personnummer(ident, f"{element}.identifier")
    return [Problem("invalid-value", element, "expected a Patient reference or a personnummer identifier")]


def check_personnummer(ident: dict[str, Any], element: str) -> list[Problem]:
    system = ident.get("system")
    if system not in PERSON_SYSTEMS:
        return [Problem("invalid-identifier", f"{element}.system", "expected a personnummer or samordningsnummer")]
    try:
        number = personnummer.parse(ident.get("value"))  # type: ignore[arg-type]
    except personnummer.InvalidPersonnummer as error:
        return [Problem("invalid-personnummer", f"{element}.value", str(error))]
    if number.system != system:
        return [Problem("invalid-identifier", f"{element}.system", "the number does not belong to this system")]
    return []


def _appointment_patient(resource: dict[str, Any]) -> list[Problem]:
    for index, participant in enumerate(fhir.as_list(resource.get("participant"))):
        actor = get(participant, "actor")
        if fhir.reference_id(actor, "Patient") or fhir.identifier_in(actor, PERSON_SYSTEMS):
            return check_person_reference(actor, f"Appointment.participant[{index}].actor", "Patient")
    return [Problem("missing-element", "Appointment.participant", "a Patient participant is required")]


def _check_patient(resource: dict[str, Any]) -> list[Problem]:
    idents = [
        (i, ident) for i, ident in enumerate(fhir.as_list(resource.get("identifier")))
        if isinstance(ident, dict) and ident.get("system") in PERSON_SYSTEMS
    ]
    if not idents:
        return [Problem("missing-element", "Patient.identifier", "a personnummer or samordningsnummer is required")]
    if len(idents) > 1:
        return [Problem("invalid-identifier", "Patient.identifier", "exactly one personnummer is allowed")]
    index, ident = idents[0]
    problems = check_personnummer(ident, f"Patient.identifier[{index}]") + _check_names(resource.get("name"))
    birth = resource.get("birthDate")
    if not problems and birth is not None:
        number = personnummer.parse(ident["value"])
        if _date_or_none(birth) not in (None, number.birth_date):
            problems.append(Problem("invalid-value", "Patient.birthDate", "birthDate does not match the number"))
    return problems


def _check_names(names: Any) -> list[Problem]:
    """``name`` is a list of HumanName; the parts the portal shows fit on a screen."""
    if names is None:
        return []
    if not isinstance(names, list) or not all(isinstance(name, dict) for name in names):
        return [Problem("invalid-value", "Patient.name", "name must be a list of HumanName objects")]
    for index, name in enumerate(names):
        parts = [name.get("family"), *fhir.as_list(name.get("given"))]
        if any(part is not None and (not isinstance(part, str) or len(part) > MAX_NAME) for part in parts):
            return [Problem("invalid-value", f"Patient.name[{index}]",
                            f"family and given must be strings of at most {MAX_NAME} characters")]
    return []


def _date_or_none(value: Any) -> Any:
    try:
        return fhir.parse_date(value)
    except fhir.BadDate:
        return None  # reported by the date check


def _check_organization(resource: dict[str, Any]) -> list[Problem]:
    for index, ident in enumerate(fhir.as_list(resource.get("identifier"))):
        if isinstance(ident, dict) and ident.get("system") == HSA_SYSTEM:
            return check_hsa(ident, f"Organization.identifier[{index}]")
    return [Problem("missing-element", "Organization.identifier", "an HSA-id identifier is required")]


def check_hsa(ident: Any, element: str) -> list[Problem]:
    value = get(ident, "value")
    if not isinstance(value, str) or not ID_PATTERN.match(value.replace("_", "-")):
        return [Problem("invalid-identifier", f"{element}.value", "an HSA-id is 1-64 letters, digits and '-'")]
    return []


def _check_related_person(resource: dict[str, Any]) -> list[Problem]:
    idents = [i for i in fhir.as_list(resource.get("identifier")) if isinstance(i, dict)]
    if not idents:
        return [Problem("missing-element", "RelatedPerson.identifier", "the proxy's personnummer is required")]
    problems = check_personnummer(idents[0], "RelatedPerson.identifier[0]")
    if relationship_kind(resource) is None:
        problems.append(Problem("invalid-value", "RelatedPerson.relationship", "no known relationship code"))
    return problems


def relationship_kind(resource: dict[str, Any]) -> str | None:
    for concept in fhir.as_list(resource.get("relationship")):
        for coding in fhir.codings(concept):
            kind = RELATIONSHIP_CODES.get((str(coding.get("system")), str(coding.get("code"))))
            if kind:
                return kind
    return None


def _check_consent(resource: dict[str, Any]) -> list[Problem]:
    if resource.get("status") != "active":
        return []
    code = get(resource, "scope", "coding", 0, "code")
    actor = get(resource, "provision", "actor", 0, "reference")
    element = "Consent.provision.actor[0].reference"
    if code == "seal":
        if actor is None:
            return [Problem("missing-element", element, "the sealed unit is required")]
        return check_hsa(get(actor, "identifier"), f"{element}.identifier")
    if code == "guardian-block":
        return check_person_reference(actor, element, None)
    return [Problem("invalid-value", "Consent.scope", "scope must be seal or guardian-block")]


def _check_care_plan(resource: dict[str, Any]) -> list[Problem]:
    problems = []
    follow_up = fhir.extension(resource, "follow-up", "valueDate")
    dates = [("CarePlan.extension('follow-up').valueDate", follow_up)]
    for index, item in enumerate(fhir.as_list(resource.get("contained"))):
        dates.append((f"CarePlan.contained[{index}].target[0].dueDate", get(item, "target", 0, "dueDate")))
    for element, value in dates:
        try:
            if value is not None:
                fhir.parse_date(value)
        except fhir.BadDate as error:
            problems.append(Problem("invalid-date", element, str(error)))
    return problems


def _check_appointment(resource: dict[str, Any]) -> list[Problem]:
    if not isinstance(resource.get("status"), str):
        return [Problem("missing-element", "Appointment.status", "status is required")]
    return []


TYPE_CHECKS: dict[str, Callable[[dict[str, Any]], list[Problem]]] = {
    "Patient": _check_patient,
    "Organization": _check_organization,
    "RelatedPerson": _check_related_person,
    "Consent": _check_consent,
    "Appointment": _check_appointment,
    "CarePlan": _check_care_plan,
}
