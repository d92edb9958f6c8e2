"""Patient → person (merged across sources by personnummer), RelatedPerson → relationship, Consent → directive."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, select, update

from portal.identity import personnummer
from portal.ingestion import fhir
from portal.ingestion.fhir import PERSON_SYSTEMS, SENSITIVITY_SYSTEM, get
from portal.ingestion.validation import relationship_kind
from portal.projection.context import NO_BLOCKS, Meta, Projection, person_waiting_key
from portal.readmodel.models import ConsentDirective, PatientLink, Person, Relationship

SCOPES = ("journal", "appointments", "care_plans")


def project_patient(p: Projection, resource: dict[str, Any], meta: Meta) -> None:
    ident = next(i for i in resource["identifier"] if isinstance(i, dict) and i.get("system") in PERSON_SYSTEMS)
    number = personnummer.parse(ident["value"])
    values = _person_values(resource, number)
    person_id = p.person_id(number.value)
    if person_id is None:
        person_id = p.persons[number.value] = p.add_person(
            {"personnummer": number.value, "public_id": p.public_id(number.value), **values})
        if not p.fresh:  # fresh: a person not cached has no blocks anyway
            p.guardian_blocks[person_id] = NO_BLOCKS  # no Consent can have named a person made just now
    else:
        p.execute(update(Person).where(Person.id == person_id).values(**values), keeps_lookups=True)
    _link(p, meta.key, person_id)
    p.released += [meta.key, person_waiting_key(p.public_id(number.value))]


def patient_number(resource: dict[str, Any]) -> str | None:
    """The personnummer a Patient is merged by; None when it has none that parses (validation says why)."""
    ident = next((i for i in fhir.as_list(resource.get("identifier"))
                  if isinstance(i, dict) and i.get("system") in PERSON_SYSTEMS), None)
    value = ident.get("value") if ident else None
    try:
        return personnummer.parse(value).value if isinstance(value, str) else None
    except personnummer.InvalidPersonnummer:
        return None


def _person_values(resource: dict[str, Any], number: personnummer.PersonalNumber) -> dict[str, Any]:
    name = get(resource, "name", 0) or {}
    deceased_at = resource.get("deceasedDateTime")
    return {
        "is_coordination_number": number.is_coordination,
        "given_name": " ".join(g for g in fhir.as_list(name.get("given")) if isinstance(g, str))[:200],
        "family_name": str(name.get("family") or "")[:200],
        "birth_date": number.birth_date,
        "gender": str(resource["gender"])[:20] if resource.get("gender") else None,
        "protected_identity": any(
            isinstance(c, dict) and c.get("system") == SENSITIVITY_SYSTEM and c.get("code") == "protected-identity"
            for c in fhir.as_list(get(resource, "meta", "security"))
        ),
        "deceased": bool(resource.get("deceasedBoolean")) or deceased_at is not None,
        "deceased_at": fhir.parse_datetime(deceased_at) if deceased_at else None,
        "municipality": _text(get(resource, "address", 0, "city"), 100),
    }


def _link(p: Projection, key: str, person_id: int) -> None:
    current = p.linked_person(key)
    if current == person_id:
        return
    if current is None:
        p.add(PatientLink, {"source_key": key, "person_id": person_id})
    else:
        p.execute(update(PatientLink).where(PatientLink.source_key == key).values(person_id=person_id),
                  keeps_lookups=True)
    p.links[key] = person_id


def retract_patient(p: Projection, key: str) -> None:
    person_id = p.linked_person(key)
    if person_id is None:
        return
    p.execute(delete(PatientLink).where(PatientLink.source_key == key))
    p.links.pop(key, None)
    if not p.execute(select(exists().where(PatientLink.person_id == person_id))).scalar():
        p.execute(delete(Person).where(Person.id == person_id))
        p.persons = {pnr: pid for pnr, pid in p.persons.items() if pid != person_id}
        p.links = {k: pid for k, pid in p.links.items() if pid != person_id}


def project_related_person(p: Projection, resource: dict[str, Any], meta: Meta) -> None:
    subject_id = p.person_for(resource["patient"], meta.source)
    proxy_id = p.person_for(resource["identifier"][0], meta.source)
    if resource.get("active") is False:
        return
    start, end = get(resource, "period", "start"), get(resource, "period", "end")
    p.add(Relationship, {
        "public_id": p.public_id(meta.key),
        "proxy_id": proxy_id,
        "subject_id": subject_id,
        "kind": relationship_kind(resource),
        "valid_from": fhir.parse_date(start) if start else None,
        "valid_to": fhir.parse_date(end) if end else None,
        "scope": _scope(resource),
        "blocked": _is_blocked(p, subject_id, proxy_id),
        "source_key": meta.key,
    })


def _scope(resource: dict[str, Any]) -> list[str]:
    raw = fhir.extension(resource, "scope", "valueString")
    if not isinstance(raw, str):
        return list(SCOPES)
    return [part.strip() for part in raw.split(",") if part.strip() in SCOPES]


def _is_blocked(p: Projection, subject_id: int, proxy_id: int) -> bool:
    return proxy_id in _blocked_by(p, subject_id)


def _blocked_by(p: Projection, subject_id: int) -> frozenset[int]:
    """The persons blocked as ``subject_id``'s guardian, cached per run (a rebuild starts with none)."""
    if subject_id not in p.guardian_blocks:
        if p.fresh:
            return NO_BLOCKS
        p.guardian_blocks[subject_id] = _stored_blocks(p, subject_id)
    return p.guardian_blocks[subject_id]


def _stored_blocks(p: Projection, subject_id: int) -> frozenset[int]:
    p.sync(ConsentDirective)
    return frozenset(p.lookup(select(ConsentDirective.blocked_person_id).where(
        ConsentDirective.person_id == subject_id, ConsentDirective.kind == "guardian_block")).scalars())


def _refresh_block(p: Projection, subject_id: int, proxy_id: int) -> None:
    p.execute(
        update(Relationship)
        .where(Relationship.subject_id == subject_id, Relationship.proxy_id == proxy_id)
        .values(blocked=_is_blocked(p, subject_id, proxy_id)),
        keeps_lookups=True,
    )


def project_consent(p: Projection, resource: dict[str, Any], meta: Meta) -> None:
    person_id = p.person_for(resource["patient"], meta.source)
    if resource.get("status") != "active":
        return
    actor = get(resource, "provision", "actor", 0, "reference")
    row = {"person_id": person_id, "source_key": meta.key, "unit_id": None, "blocked_person_id": None}
    if get(resource, "scope", "coding", 0, "code") == "seal":
        row.update(kind="seal", unit_id=p.unit_for(actor, meta))
        p.add(ConsentDirective, row)
        return
    blocked_id = p.person_for(actor, meta.source)
    row.update(kind="guardian_block", blocked_person_id=blocked_id)
    p.guardian_blocks[person_id] = _blocked_by(p, person_id) | {blocked_id}
    p.add(ConsentDirective, row)
    _refresh_block(p, person_id, blocked_id)


def retract_consent(p: Projection, key: str) -> None:
    directive = select(ConsentDirective.person_id, ConsentDirective.blocked_person_id).where(
        ConsentDirective.source_key == key)
    found = p.execute(directive, keeps_lookups=True).first()
    if found is None:
        return
    person_id, blocked_id = tuple(found)
    p.execute(delete(ConsentDirective).where(ConsentDirective.source_key == key), keeps_lookups=True)
    if blocked_id is not None:
        p.guardian_blocks[person_id] = _stored_blocks(p, person_id)  # another Consent may block the same guardian
        _refresh_block(p, person_id, blocked_id)


def retract_relationship(p: Projection, key: str) -> None:
    p.execute(delete(Relationship).where(Relationship.source_key == key), keeps_lookups=True)


def _text(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if value else None
