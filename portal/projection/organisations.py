"""Organization → organisation: a unit or care provider by HSA-id, filling in any placeholder made earlier."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select, update

from portal.ingestion import fhir
from portal.ingestion.fhir import CS, HSA_SYSTEM, get
from portal.ingestion.models import EventStatus, ResourceEvent
from portal.ingestion.validation import is_entered_in_error
from portal.projection import placeholders
from portal.projection.context import Meta, Projection, placeholder_hsa
from portal.readmodel.models import (
    PLACEHOLDER_HSA_PREFIX,
    Appointment,
    CarePlan,
    CarePlanActivity,
    ConsentDirective,
    JournalEntry,
    Organisation,
    Origin,
    UnitAlias,
    UnitKind,
)

CURRENT_COLUMNS = (ResourceEvent.id, ResourceEvent.source, ResourceEvent.resource_id, ResourceEvent.received_at,
                   ResourceEvent.last_updated, ResourceEvent.deleted, ResourceEvent.payload)
KINDS = {value for name, value in vars(UnitKind).items() if name.isupper()}
PROVENANCE_TABLES = (JournalEntry, Appointment, CarePlan)


def project_organization(p: Projection, resource: dict[str, Any], meta: Meta) -> None:
    hsa = hsa_of(resource)
    if hsa is None:  # validation refuses an Organization without one
        raise ValueError("an Organization without an HSA-id")
    row_id = _claim_row(p, hsa, meta.key)
    placeholders.close(p, row_id)
    parent_id = p.unit_for(resource["partOf"], meta) if resource.get("partOf") else None
    if parent_id == row_id:
        parent_id = None
    values = _values(resource, hsa)
    p.execute(update(Organisation).where(Organisation.id == row_id).values(
        parent_id=parent_id, source_key=meta.key, **values
    ), keeps_lookups=True)  # the caches follow below
    p.orgs[hsa] = row_id
    p.org_keys[meta.key] = hsa


def hsa_of(resource: dict[str, Any]) -> str | None:
    """An Organization's HSA-id: the value of its identifier in the HSA system."""
    return next((str(i["value"]) for i in fhir.as_list(resource.get("identifier"))
                 if isinstance(i, dict) and i.get("system") == HSA_SYSTEM and i.get("value")), None)


def _claim_row(p: Projection, hsa: str, key: str) -> int:
    """The row for this HSA-id, merging in a placeholder made from a reference to this resource."""
    by_hsa = p.org(hsa)
    by_key_hsa = p.org_hsa_by_key(key) or placeholder_hsa(key)
    by_key = p.org(by_key_hsa) if by_key_hsa != hsa else None
    if by_hsa is None:
        _forget_alias(p, hsa)
    if by_key_hsa.startswith(PLACEHOLDER_HSA_PREFIX):  # no row is this Organization's own
        _forget_alias(p, by_key_hsa)
        if by_key is None and by_hsa is not None:
            _take_over(p, by_hsa, key)
    if by_key is None:
        return by_hsa if by_hsa is not None else p.create_org(hsa, hsa, None)
    if by_hsa is None:
        p.execute(update(Organisation).where(Organisation.id == by_key).values(hsa_id=hsa))
        p.orgs[hsa] = by_key
        by_hsa = by_key
    else:
        _merge(p, by_key, by_hsa)
    p.orgs.pop(by_key_hsa, None)
    keep_alias(p, by_key_hsa, by_hsa)
    return by_hsa


def _take_over(p: Projection, unit_id: int, key: str) -> None:
    """The Organization ``key`` fills a unit another Organization with its HSA-id filled: references to that one
    name the unit still, by its stand-in HSA-id (the row keeps one Organization id, the last to fill it)."""
    previous = _filled_last_by(p, unit_id)
    if previous is not None and previous != key:
        _alias(p, placeholder_hsa(previous), unit_id, previous)


def keep_alias(p: Projection, earlier_hsa: str, unit_id: int) -> None:
    """The unit's Organization had ``earlier_hsa`` in a version applied before: entries naming it show the unit.
    (A placeholder's stand-in HSA-id is no HSA-id anything names.)"""
    if not earlier_hsa.startswith(PLACEHOLDER_HSA_PREFIX):
        _alias(p, earlier_hsa, unit_id)


def _alias(p: Projection, hsa: str, unit_id: int, key: str | None = None) -> None:
    _forget_alias(p, hsa)
    p.add(UnitAlias, {"hsa_id": hsa, "unit_id": unit_id, "source_key": key})
    p.aliases[hsa] = unit_id


def _forget_alias(p: Projection, hsa: str) -> None:
    """An Organization has ``hsa`` now: it names that Organization's unit, no longer the one that had it."""
    if p.renamed_unit(hsa) is not None:
        p.execute(delete(UnitAlias).where(UnitAlias.hsa_id == hsa), keeps_lookups=True)
        p.aliases[hsa] = None


def _merge(p: Projection, old: int, new: int) -> None:
    placeholders.close(p, old)
    for table in PROVENANCE_TABLES:
        p.execute(update(table).where(table.unit_id == old).values(unit_id=new))
    p.execute(update(CarePlanActivity).where(CarePlanActivity.responsible_id == old).values(responsible_id=new))
    p.execute(update(ConsentDirective).where(ConsentDirective.unit_id == old).values(unit_id=new))
    p.execute(update(UnitAlias).where(UnitAlias.unit_id == old).values(unit_id=new), keeps_lookups=True)
    p.aliases.update({hsa: new for hsa, unit_id in p.aliases.items() if unit_id == old})
    p.execute(update(Organisation).where(Organisation.parent_id == old).values(parent_id=new))
    p.execute(delete(Organisation).where(Organisation.id == old))


def _values(resource: dict[str, Any], hsa: str) -> dict[str, Any]:
    kind, origin = UnitKind.OTHER, Origin.REGION
    for concept in fhir.as_list(resource.get("type")):
        for coding in fhir.codings(concept):
            if coding.get("system") == CS + "unit-kind" and coding.get("code") in KINDS:
                kind = coding["code"]
            if coding.get("system") == CS + "origin" and coding.get("code") in (Origin.REGION, Origin.MUNICIPALITY):
                origin = coding["code"]
    phone = next((t.get("value") for t in fhir.as_list(resource.get("telecom"))
                  if isinstance(t, dict) and t.get("system") == "phone"), None)
    address = get(resource, "address", 0, "text")
    return {
        "name": str(resource.get("name") or hsa)[:300],
        "kind": kind,
        "origin": origin,
        "address": str(address)[:300] if address else None,
        "phone": str(phone)[:50] if phone else None,
    }


def retract_organization(p: Projection, key: str) -> None:
    """Back to a bare HSA-id, still the row of its key: every entry that names the unit, before or after, shares it.
    Unless another current Organization has the HSA-id: that one's description stands, or fills the row again.

    One never applied nor named yet gets its bare placeholder row now: entries that arrive later, or that waited
    for their patient past this retraction, then land on the row an entry applied at once would have made bare.
    (A rebuild, which never sees the retracted version's forerunners applied, makes the same row from the event
    log: ``rebuild._retracted_units``.)
    """
    hsa = p.org_hsa_by_key(key) or placeholder_hsa(key)
    row_id = p.org(hsa) or p.renamed_unit(hsa)
    if row_id is None:
        p.create_org(hsa, hsa, key)
        return
    if _filled_last_by(p, row_id) not in (key, None) or _fill_from_twin(p, row_id):
        return  # another Organization with its HSA-id describes the unit
    p.execute(update(Organisation).where(Organisation.id == row_id).values(
        name=hsa, kind=UnitKind.OTHER, origin=Origin.REGION, address=None, phone=None, parent_id=None,
    ))
    placeholders.close(p, row_id)


def _filled_last_by(p: Projection, unit_id: int) -> str | None:
    """The Organization that filled the unit last (or whose retraction left it bare)."""
    return p.execute(select(Organisation.source_key).where(Organisation.id == unit_id), keeps_lookups=True).scalar()


def _fill_from_twin(p: Projection, unit_id: int) -> bool:
    """The newest current version of another Organization that filled the unit with the same HSA-id fills it again."""
    twins = p.execute(select(UnitAlias.source_key).where(UnitAlias.unit_id == unit_id,
                                                         UnitAlias.source_key.is_not(None)),
                      keeps_lookups=True).scalars().all()
    current = [event for event in (_current_version(p, twin) for twin in twins) if event is not None]
    if not current:
        return False
    event = max(current, key=lambda event: event.id)
    meta = Meta(event.source, f"{event.source}|Organization|{event.resource_id}", event.received_at,
                fhir.parse_datetime(event.last_updated) if event.last_updated else None)
    placeholders.unname(p, meta.key)
    project_organization(p, json.loads(event.payload), meta)
    return True


def _current_version(p: Projection, key: str) -> Any:
    """The event of the Organization ``key``'s current version, unless it is entered in error or deleted."""
    source, _, resource_id = key.rsplit("|", 2)
    event = p.execute(select(*CURRENT_COLUMNS).where(
        ResourceEvent.source == source, ResourceEvent.resource_type == "Organization",
        ResourceEvent.resource_id == resource_id, ResourceEvent.status != EventStatus.SUPERSEDED,
    ).order_by(ResourceEvent.id.desc()).limit(1), keeps_lookups=True).first()
    return None if event is None or retracts(event) else event


def retracts(event: Any) -> bool:
    """Whether a logged event (a row with ``deleted`` and ``payload``) takes its resource back."""
    return bool(event.deleted) or is_entered_in_error(json.loads(event.payload))
