"""Where a row came from, as the pages and the API show it next to every item."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select
from sqlalchemy.orm import aliased, joinedload

from portal.readmodel.models import PLACEHOLDER_HSA_PREFIX, Organisation, Origin, UnitKind


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


def provenance_of(unit: Organisation | None, source_system: str) -> Provenance:
    """Of a row whose unit is loaded with its parent, the care provider (``unit_with_provider``)."""
    provider = unit.parent if unit is not None else None
    return Provenance(
        provider=shown(provider.name) if provider else None,
        unit=shown(unit.name) if unit else None,
        unit_hsa_id=shown(unit.hsa_id) if unit else None,
        unit_kind=unit.kind if unit else None,
        origin=origin_of(unit),
        source_system=source_system,
    )


def shown(name_or_hsa_id: str | None) -> str | None:
    """None for a stand-in HSA-id (a placeholder's, and its name when nothing better was known): the pages then say
    the unit is unknown, rather than show a string that names nothing."""
    if name_or_hsa_id is not None and name_or_hsa_id.startswith(PLACEHOLDER_HSA_PREFIX):
        return None
    return name_or_hsa_id


def with_provenance_columns(query: Select, model: Any) -> Select:
    """``query`` (a select of ``model``'s columns, ``source_system`` among them) with its unit's and provider's
    columns joined on, for ``provenance_of_row``: a list needs no loaded organisations."""
    unit, provider = aliased(Organisation), aliased(Organisation)
    return (
        query.add_columns(provider.name.label("provider_name"), unit.name.label("unit_name"),
                          unit.hsa_id.label("unit_hsa_id"), unit.kind.label("unit_kind"),
                          unit.origin.label("unit_origin"))
        .outerjoin(unit, model.unit_id == unit.id)
        .outerjoin(provider, unit.parent_id == provider.id)
    )


def unit_with_provider(model: Any) -> Any:
    """The loader option for ``provenance_of``: the row's unit and the unit's parent, its care provider."""
    return joinedload(model.unit).joinedload(Organisation.parent)


def provenance_of_row(row: Row) -> Provenance:
    """The same as ``provenance_of``, from a row of a query ``with_provenance_columns``."""
    column = row._mapping  # by key: a Row's attribute lookup costs six times as much, on every row of a list
    unit_kind = column["unit_kind"]
    return Provenance(
        provider=shown(column["provider_name"]), unit=shown(column["unit_name"]),
        unit_hsa_id=shown(column["unit_hsa_id"]), unit_kind=unit_kind,
        origin=_origin(unit_kind, column["unit_origin"] or "") if unit_kind is not None else None,
        source_system=column["source_system"],
    )
