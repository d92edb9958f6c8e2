"""Where a row came from, as the pages and the API show it next to every item."""

from __future__ import annotations

from dataclasses import dataclass

from portal.readmodel.models import Organisation, Origin, UnitKind


@dataclass(frozen=True)
class Provenance:
    provider: str | None
    unit: str | None
    unit_hsa_id: str | None
    unit_kind: str | None
    origin: str | None  # region, municipality, school_health
    source_system: str


def origin_of(unit: Organisation | None) -> str | None:
    return _origin(unit.kind, unit.origin) if unit is not None else None


def _origin(unit_kind: str, unit_origin: str) -> str:
    if unit_kind == UnitKind.SCHOOL_HEALTH:
        return "school_health"
    return Origin.MUNICIPALITY if unit_origin == Origin.MUNICIPALITY else Origin.REGION


def provenance_of(provider: Organisation | None, unit: Organisation | None, source_system: str) -> Provenance:
    return Provenance(
        provider=provider.name if provider else None,
        unit=unit.name if unit else None,
        unit_hsa_id=unit.hsa_id if unit else None,
        unit_kind=unit.kind if unit else None,
        origin=origin_of(unit),
        source_system=source_system,
    )


def provenance_from(provider_name: str | None, unit_name: str | None, unit_hsa_id: str | None,
                    unit_kind: str | None, unit_origin: str | None, source_system: str) -> Provenance:
    """The same as ``provenance_of``, from columns a list query selected instead of loaded organisations."""
    return Provenance(
        provider=provider_name, unit=unit_name, unit_hsa_id=unit_hsa_id, unit_kind=unit_kind,
        origin=_origin(unit_kind, unit_origin or "") if unit_kind is not None else None,
        source_system=source_system,
    )
