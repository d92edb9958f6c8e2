"""Units named before their Organization arrived (placeholders): their name, and whether they are kept.

The rule depends only on the current events, so live ingestion and a rebuild reach it whatever order the events
arrived, waited or are replayed in:

- every reference to a placeholder by a current, applied version is one ``UnitNaming`` row (its display, if any);
- the placeholder is named by the least of those displays (in string order), or by its HSA-id when none has one;
- a placeholder no such row names is not kept.

An Organization that fills the row, or that is entered in error or deleted (a bare row), ends the rule for it.
An HSA-id that an Organization had in an earlier version names that Organization's unit, never a placeholder
(``UnitAlias``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update

from portal.ingestion import fhir
from portal.readmodel.models import Organisation, UnitNaming

if TYPE_CHECKING:
    from portal.projection.context import Projection


def display_of(reference: Any) -> str | None:
    display = fhir.get(reference, "display")
    return display[:300] if isinstance(display, str) and display else None


def named(p: Projection, unit_id: int, key: str, display: str | None) -> None:
    """A current version ``key`` names the placeholder ``unit_id``."""
    p.add(UnitNaming, {"unit_id": unit_id, "source_key": key, "display": display})
    name = p.placeholders[unit_id]
    if display is not None and (name is None or display < name):
        p.execute(update(Organisation).where(Organisation.id == unit_id).values(name=display), keeps_lookups=True)
        p.placeholders[unit_id] = display


def unname(p: Projection, key: str) -> None:
    """The version ``key`` had applied is retracted or replaced: its placeholders are named again, or dropped."""
    units = p.execute(delete(UnitNaming).where(UnitNaming.source_key == key).returning(UnitNaming.unit_id),
                      keeps_lookups=True).scalars().all()
    for unit_id in sorted(set(units)):
        _rename_or_drop(p, unit_id)


def close(p: Projection, unit_id: int) -> None:
    """An Organization now fills the row or leaves it bare: references no longer name it."""
    if p.placeholders.pop(unit_id, False) is not False:
        p.execute(delete(UnitNaming).where(UnitNaming.unit_id == unit_id), keeps_lookups=True)


def _rename_or_drop(p: Projection, unit_id: int) -> None:
    displays = p.execute(select(UnitNaming.display).where(UnitNaming.unit_id == unit_id)).scalars().all()
    unit = p.execute(select(Organisation.hsa_id, Organisation.source_key).where(Organisation.id == unit_id)).one()
    if not displays:
        _drop(p, unit_id, unit.hsa_id, unit.source_key)
        return
    name = min((display for display in displays if display), default=None)
    p.execute(update(Organisation).where(Organisation.id == unit_id).values(name=name or unit.hsa_id),
              keeps_lookups=True)
    p.placeholders[unit_id] = name


def _drop(p: Projection, unit_id: int, hsa: str, key: str | None) -> None:
    # Only a unit the retracted version named points here (its partOf); the handler that replaces it sets its own.
    p.execute(update(Organisation).where(Organisation.parent_id == unit_id).values(parent_id=None))
    p.execute(delete(Organisation).where(Organisation.id == unit_id))
    p.orgs.pop(hsa, None)
    p.placeholders.pop(unit_id, None)
    if key:
        p.org_keys.pop(key, None)
