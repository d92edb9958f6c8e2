"""FHIR R4 vocabulary the contract (docs/fhir-mapping.md) reads: systems, types, dates, references."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from portal.identity.personnummer import PERSONNUMMER_SYSTEM, SAMORDNINGSNUMMER_SYSTEM

HSA_SYSTEM = "urn:oid:1.2.752.29.4.19"
PERSON_SYSTEMS = (PERSONNUMMER_SYSTEM, SAMORDNINGSNUMMER_SYSTEM)
SENSITIVITY_SYSTEM = "https://portal.example/fhir/CodeSystem/sensitivity"
CONFIDENTIALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
EXT = "https://portal.example/fhir/StructureDefinition/"
CS = "https://portal.example/fhir/CodeSystem/"
SWEDEN = ZoneInfo("Europe/Stockholm")
ID_PATTERN = re.compile(r"^[A-Za-z0-9\-.]{1,64}\Z")  # \Z: "$" would let a trailing newline through

# The element naming the patient, by resource type; Patient and Organization have none.
PATIENT_ELEMENT: dict[str, str] = {
    "RelatedPerson": "patient",
    "Encounter": "subject",
    "Composition": "subject",
    "DocumentReference": "subject",
    "Condition": "subject",
    "Observation": "subject",
    "DiagnosticReport": "subject",
    "MedicationStatement": "subject",
    "MedicationRequest": "subject",
    "Immunization": "patient",
    "AllergyIntolerance": "patient",
    "ServiceRequest": "subject",
    "CarePlan": "subject",
    "Consent": "patient",
}
KNOWN_TYPES = frozenset({"Patient", "Organization", "Appointment", *PATIENT_ELEMENT})

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?\Z")


class BadDate(ValueError):
    """Not a FHIR date or dateTime, or a date that does not exist."""


def parse_date(value: Any) -> date:
    """A FHIR ``date`` (YYYY, YYYY-MM or YYYY-MM-DD); partial dates take the first day."""
    if not isinstance(value, str):
        raise BadDate("expected a date")
    return _parse_date(value)


def parse_datetime(value: Any) -> datetime:
    """A FHIR ``dateTime`` or ``instant`` in UTC; dates and times without a zone are Swedish time."""
    if not isinstance(value, str):
        raise BadDate("expected a dateTime")
    return _parse_datetime(value)


def sortable_instant(value: Any) -> str:
    """``meta.lastUpdated`` as text that sorts in time order ("" when absent)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadDate("expected a dateTime")
    return _sortable_instant(value)


# Cached: each value is read by validation, then by the projection, and sources repeat dates a lot.
# The results are immutable; a failure (BadDate) is not cached.
@lru_cache(maxsize=4096)
def _sortable_instant(value: str) -> str:
    moment = _parse_datetime(value)
    # Four digits of year always (strftime writes none of the leading zeros), so the text sorts and reads back.
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second, moment.microsecond)


@lru_cache(maxsize=4096)
def _parse_date(value: str) -> date:
    match = _DATE.match(value)
    if not match:
        if _DATETIME.match(value):
            return _parse_datetime(value).astimezone(SWEDEN).date()
        raise BadDate("expected a date")
    year, month, day = match.groups()
    try:
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise BadDate("the date does not exist") from None


@lru_cache(maxsize=4096)
def _parse_datetime(value: str) -> datetime:
    if "T" not in value and _DATE.match(value):
        day = _parse_date(value)
        return _in_utc(datetime(day.year, day.month, day.day, tzinfo=SWEDEN))
    if not _DATETIME.match(value):
        raise BadDate("expected a dateTime")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadDate("the date or time does not exist") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SWEDEN)
    return _in_utc(moment)


def _in_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; BadDate unless it falls within the years 1 to 9999 both in UTC and in Swedish time, where
    the pages show it."""
    try:
        moment.astimezone(SWEDEN)
        return moment.astimezone(UTC)
    except OverflowError:
        raise BadDate("the date or time is out of range") from None


def get(resource: Any, *path: str | int) -> Any:
    """Walk dicts and lists; None as soon as a step is missing or of the wrong kind."""
    value = resource
    for step in path:
        if value.__class__ is dict and step.__class__ is str:  # parsed JSON, read the most: checked first, cheaply
            value = value.get(step)
        elif isinstance(step, int):
            value = value[step] if isinstance(value, list) and len(value) > step else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def codings(concept: Any) -> list[dict[str, Any]]:
    return [c for c in as_list(get(concept, "coding")) if isinstance(c, dict)]


def has_code(concepts: Any, system: str | None, code: str) -> bool:
    items = concepts if isinstance(concepts, list) else [concepts]
    return any(
        c.get("code") == code and (system is None or c.get("system") == system)
        for concept in items for c in codings(concept)
    )


def concept_text(concept: Any) -> str | None:
    """A CodeableConcept's text, else its first coding's display, else its first code."""
    text = get(concept, "text")
    if isinstance(text, str) and text:
        return text
    for coding in codings(concept):
        if coding.get("display") or coding.get("code"):
            return str(coding.get("display") or coding.get("code"))
    return None


def identifier_in(value: Any, systems: tuple[str, ...]) -> str | None:
    """The value of a Reference's or Identifier's identifier in one of ``systems``."""
    ident = get(value, "identifier") if isinstance(get(value, "identifier"), dict) else value
    if isinstance(ident, dict) and ident.get("system") in systems and isinstance(ident.get("value"), str):
        return str(ident["value"])
    return None


def reference_id(reference: Any, resource_type: str) -> str | None:
    """The id in ``{"reference": "Type/id"}`` (a relative reference of the same source)."""
    text = get(reference, "reference")
    if not isinstance(text, str):
        return None
    parts = text.split("/")
    if len(parts) >= 2 and parts[-2] == resource_type and ID_PATTERN.match(parts[-1]):
        return parts[-1]
    return None


def extension(resource: Any, name: str, kind: str) -> Any:
    for item in as_list(get(resource, "extension")):
        if isinstance(item, dict) and item.get("url") == EXT + name:
            return item.get(kind)
    return None
