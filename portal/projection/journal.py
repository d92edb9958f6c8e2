"""Clinical resources → journal entries: one handler per resource type, one row per resource."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete

from portal.ingestion import fhir
from portal.ingestion.fhir import as_list, concept_text, get
from portal.projection.common import (
    code_of,
    display,
    effective,
    provenance,
    sensitivity,
    strip_tags,
    text,
    when,
)
from portal.projection.context import Meta, Projection
from portal.readmodel.models import EntryKind, JournalEntry

LOINC = "http://loinc.org"
GROWTH_CODES = {"8302-2", "29463-7", "39156-5", "8287-5"}
Fields = dict[str, Any]


def _row(p: Projection, resource: Fields, meta: Meta, person: Any, unit: Any, **fields: Any) -> None:
    """Add one journal entry: provenance and sensitivity, then the type's own fields."""
    row: Fields = {
        "category": None, "text": "", "code_system": None, "code": None, "value": None, "value_text": None,
        "value_unit": None, "reference_low": None, "reference_high": None, "reference_text": None,
        "author_name": None, "author_role": None, "signed_at": None, "details": {}, "recorded_at": None,
        "status": text(resource.get("status"), 40), "effective_at": effective(resource, meta),
    }
    row.update(provenance(p, resource, meta, person, unit))
    row.update(sensitivity(resource))
    row.update(fields)
    row["title"] = (row.get("title") or "")[:500]
    if row["recorded_at"] is None:
        row["recorded_at"] = row["effective_at"]
    p.add(JournalEntry, row)


def encounter(p: Projection, r: Fields, meta: Meta) -> None:
    _row(p, r, meta, r["subject"], r.get("serviceProvider"), kind=EntryKind.CARE_CONTACT,
         title=concept_text(get(r, "type", 0)) or text(get(r, "class", "display")) or "Vårdkontakt",
         author_name=display(get(r, "participant", 0, "individual")),
         text=text(get(r, "reasonCode", 0, "text")) or "")


def composition(p: Projection, r: Fields, meta: Meta) -> None:
    is_certificate = fhir.has_code(r.get("type"), LOINC, "64297-5") or "intyg" in (
        str(get(r, "type", "text") or "").lower()
    )
    sections = (strip_tags(get(section, "text", "div")) for section in as_list(r.get("section")))
    date = when(r.get("date"), effective(r, meta))
    _row(p, r, meta, r["subject"], r.get("custodian"),
         kind=EntryKind.CERTIFICATE if is_certificate else EntryKind.NOTE,
         title=text(r.get("title")) or concept_text(r.get("type")) or "Anteckning",
         text="\n\n".join(s for s in sections if s), author_name=display(get(r, "author", 0)),
         **code_of(r.get("type")), signed_at=date if r.get("status") in ("final", "amended") else None)


def document_reference(p: Projection, r: Fields, meta: Meta) -> None:
    attachment = get(r, "content", 0, "attachment") or {}
    _row(p, r, meta, r["subject"], r.get("custodian"), kind=EntryKind.NOTE,
         title=text(r.get("description")) or text(attachment.get("title")) or "Dokument",
         text=_decoded(attachment), author_name=display(get(r, "author", 0)), **code_of(r.get("type")))


def _decoded(attachment: Fields) -> str:
    if not str(attachment.get("contentType", "text/plain")).startswith("text/plain"):
        return ""
    try:
        return base64.b64decode(str(attachment.get("data") or ""), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""


def condition(p: Projection, r: Fields, meta: Meta) -> None:
    _row(p, r, meta, r["subject"], _unit_in(r.get("recorder")), kind=EntryKind.DIAGNOSIS,
         title=concept_text(r.get("code")) or "Diagnos", **code_of(r.get("code")),
         text=text(get(r, "note", 0, "text")) or "", author_name=display(r.get("recorder")),
         recorded_at=when(r.get("recordedDate"), effective(r, meta)),
         status=text(concept_text(r.get("clinicalStatus")), 40))


def observation(p: Projection, r: Fields, meta: Meta) -> None:
    category = next((c.get("code") for concept in as_list(r.get("category")) for c in fhir.codings(concept)), None)
    kind = EntryKind.OTHER_RESULT
    if category == "laboratory":
        kind = EntryKind.LAB_RESULT
    elif category == "vital-signs" and any(c.get("code") in GROWTH_CODES for c in fhir.codings(r.get("code"))):
        kind = EntryKind.GROWTH
    quantity, low, high = r.get("valueQuantity") or {}, get(r, "referenceRange", 0, "low", "value"), get(
        r, "referenceRange", 0, "high", "value")
    _row(p, r, meta, r["subject"], get(r, "performer", 0), kind=kind, category=text(category, 40),
         title=concept_text(r.get("code")) or "Resultat", **code_of(r.get("code")),
         value=_number(quantity.get("value")), value_unit=text(quantity.get("unit") or quantity.get("code"), 50),
         value_text=text(r.get("valueString"), 500), reference_low=_number(low), reference_high=_number(high),
         reference_text=text(get(r, "referenceRange", 0, "text"), 200),
         text=text(get(r, "note", 0, "text")) or "", recorded_at=when(r.get("issued"), effective(r, meta)),
         details=_compact(interpretation=concept_text(get(r, "interpretation", 0))))


def diagnostic_report(p: Projection, r: Fields, meta: Meta) -> None:
    is_lab = fhir.has_code(r.get("category"), None, "LAB")
    is_pathology = fhir.has_code(r.get("category"), None, "PAT")
    _row(p, r, meta, r["subject"], get(r, "performer", 0),
         kind=EntryKind.LAB_RESULT if is_lab else EntryKind.OTHER_RESULT,
         category="pathology" if is_pathology else ("laboratory" if is_lab else None),
         title=concept_text(r.get("code")) or "Svar", **code_of(r.get("code")),
         text=text(r.get("conclusion")) or "", recorded_at=when(r.get("issued"), effective(r, meta)))


def medication(p: Projection, r: Fields, meta: Meta) -> None:
    source = r.get("informationSource") or r.get("requester")
    dosage = get(r, "dosage", 0, "text") or get(r, "dosageInstruction", 0, "text")
    _row(p, r, meta, r["subject"], _unit_in(source), kind=EntryKind.MEDICATION,
         title=concept_text(r.get("medicationCodeableConcept")) or "Läkemedel",
         **code_of(r.get("medicationCodeableConcept")), text=text(dosage) or "", author_name=display(source))


def immunization(p: Projection, r: Fields, meta: Meta) -> None:
    _row(p, r, meta, r["patient"], get(r, "performer", 0, "actor"), kind=EntryKind.VACCINATION,
         title=concept_text(r.get("vaccineCode")) or "Vaccination", **code_of(r.get("vaccineCode")),
         recorded_at=when(r.get("recorded"), effective(r, meta)),
         details=_compact(lot_number=text(r.get("lotNumber"), 100)))


def allergy(p: Projection, r: Fields, meta: Meta) -> None:
    _row(p, r, meta, r["patient"], _unit_in(r.get("recorder")), kind=EntryKind.ALLERGY,
         title=concept_text(r.get("code")) or "Allergi", **code_of(r.get("code")),
         text=text(get(r, "reaction", 0, "manifestation", 0, "text")) or "", author_name=display(r.get("recorder")),
         status=text(concept_text(r.get("clinicalStatus")), 40),
         details=_compact(criticality=text(r.get("criticality"), 40)))


def service_request(p: Projection, r: Fields, meta: Meta) -> None:
    _row(p, r, meta, r["subject"], r.get("requester"), kind=EntryKind.REFERRAL,
         title=text(get(r, "code", "text")) or concept_text(r.get("code")) or "Remiss", **code_of(r.get("code")),
         text=text(get(r, "reasonCode", 0, "text")) or "", author_name=display(r.get("requester")),
         details=_compact(receiving_unit=display(get(r, "performer", 0)),
                          receiving_hsa_id=fhir.identifier_in(get(r, "performer", 0), (fhir.HSA_SYSTEM,))))


def _unit_in(reference: Any) -> Any:
    """A reference that names an organisation (HSA-id or Organization), else None."""
    if fhir.identifier_in(reference, (fhir.HSA_SYSTEM,)) or fhir.reference_id(reference, "Organization"):
        return reference
    return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _compact(**values: Any) -> Fields:
    return {name: value for name, value in values.items() if value is not None}


def retract(p: Projection, key: str) -> None:
    p.execute(delete(JournalEntry).where(JournalEntry.source_key == key), keeps_lookups=True)


HANDLERS: dict[str, Callable[[Projection, Fields, Meta], None]] = {
    "Encounter": encounter,
    "Composition": composition,
    "DocumentReference": document_reference,
    "Condition": condition,
    "Observation": observation,
    "DiagnosticReport": diagnostic_report,
    "MedicationStatement": medication,
    "MedicationRequest": medication,
    "Immunization": immunization,
    "AllergyIntolerance": allergy,
    "ServiceRequest": service_request,
}
