"""Which rows of a record a Viewer may see, as SQL conditions the queries add to every select.

The same rules, read back the other way, count what the citizen cannot see and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, false, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from portal.config import Settings
from portal.db import UTCDateTime
from portal.policy.statements import cached
from portal.policy.viewer import Viewer
from portal.readmodel.models import Appointment, CarePlan, ConsentDirective, JournalEntry, Organisation


def _excluded_units(settings: Settings):  # type: ignore[no-untyped-def]
    return select(Organisation.id).where(Organisation.kind.in_(settings.excluded_unit_kinds))


def _allowed_units():  # type: ignore[no-untyped-def]
    return select(Organisation.id).where(Organisation.hsa_id.in_(bindparam("visible_units", expanding=True)))


def _sealed_units():  # type: ignore[no-untyped-def]
    return select(ConsentDirective.unit_id).where(
        ConsentDirective.person_id == _subject(),
        ConsentDirective.kind == "seal",
        ConsentDirective.unit_id.is_not(None),
    )


def _subject():  # type: ignore[no-untyped-def]
    return bindparam("visible_subject", type_=Integer(), required=True)


def _unit_excluded(column, settings: Settings) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    if not settings.excluded_unit_kinds:
        return false()
    return and_(column.is_not(None), column.in_(_excluded_units(settings)))


def _delays(settings: Settings) -> list[tuple[str, int]]:
    return sorted((category, days) for category, days in settings.release_delay_days.items() if days > 0)


def excluded_entry(settings: Settings) -> ColumnElement[bool]:
    """Never shown to anyone: an excluded unit, or a keyword from the region's list."""
    keywords = [
        or_(JournalEntry.title.ilike(f"%{word}%"), JournalEntry.text.ilike(f"%{word}%"))
        for word in settings.excluded_keywords
    ]
    return or_(_unit_excluded(JournalEntry.unit_id, settings), *keywords)


def delayed_entry(settings: Settings) -> ColumnElement[bool]:
    """Recorded in a category the region releases later, and not released yet (cutoffs: ``viewer_parameters``)."""
    # coalesce: a NULL category must compare false, not unknown, or NOT(...) would hide the row.
    delays = [
        and_(
            func.coalesce(JournalEntry.category, "") == category,
            JournalEntry.recorded_at > bindparam(f"visible_delay_{index}", type_=UTCDateTime(), required=True),
        )
        for index, (category, _days) in enumerate(_delays(settings))
    ]
    return or_(false(), *delays)


def recent_entry() -> ColumnElement[bool]:
    return JournalEntry.recorded_at > bindparam("visible_recent", type_=UTCDateTime(), required=True)


def protected_entry() -> ColumnElement[bool]:
    """Sealed or proxy-hidden: for the patient's own eyes only."""
    return or_(
        JournalEntry.sealed.is_(True),
        JournalEntry.proxy_hidden.is_(True),
        and_(JournalEntry.unit_id.is_not(None), JournalEntry.unit_id.in_(_sealed_units())),
    )


@dataclass(frozen=True)
class EntryShape:
    """What decides the form of a viewer's journal condition; the values go in as parameters."""

    hide_recent: bool
    sees_protected: bool
    unit_limited: bool


def entry_shape(viewer: Viewer) -> EntryShape:
    return EntryShape(viewer.hide_recent, viewer.sees_protected_entries, viewer.unit_hsa_ids is not None)


def visible_entries_for(settings: Settings, shape: EntryShape) -> ColumnElement[bool]:
    """The condition every journal select carries, with its values left as parameters (``viewer_parameters``).

    Built once per settings and shape: the parameters are required, so a statement run without this viewer's
    values fails instead of reading with another's.
    """
    return cached(settings, ("entries", shape), lambda: _entry_condition(settings, shape))


def _entry_condition(settings: Settings, shape: EntryShape) -> ColumnElement[bool]:
    conditions = [JournalEntry.person_id == _subject(), not_(excluded_entry(settings)), not_(delayed_entry(settings))]
    if shape.hide_recent:
        conditions.append(not_(recent_entry()))
    if not shape.sees_protected:
        conditions.append(not_(protected_entry()))
    if shape.unit_limited:
        conditions.append(JournalEntry.unit_id.in_(_allowed_units()))
    return and_(*conditions)


def _time_parameters(settings: Settings, now: datetime) -> dict[str, Any]:
    cutoffs = {f"visible_delay_{index}": now - timedelta(days=days)
               for index, (_category, days) in enumerate(_delays(settings))}
    return {**cutoffs, "visible_recent": now - timedelta(days=settings.hide_recent_days)}


def viewer_parameters(viewer: Viewer, settings: Settings) -> dict[str, Any]:
    """This viewer's values for the conditions here (journal, appointments, care plans)."""
    found = {"visible_subject": viewer.subject.id, **_time_parameters(settings, viewer.now)}
    if viewer.unit_hsa_ids is not None:
        found["visible_units"] = sorted(viewer.unit_hsa_ids)
    return found


def visible_entries(viewer: Viewer, settings: Settings) -> ColumnElement[bool]:
    """The viewer's journal condition; run the select with ``viewer_parameters(viewer, settings)``."""
    return visible_entries_for(settings, entry_shape(viewer))


def _unit_conditions(column, shape: EntryShape, settings: Settings) -> list[ColumnElement[bool]]:  # type: ignore[no-untyped-def]
    """Appointments and plans carry no sensitivity flags of their own, so their unit decides: an excluded unit
    for everyone, and for anyone but the patient the units whose very visit tells too much (a youth clinic)."""
    conditions = [not_(_unit_excluded(column, settings))]
    if not shape.sees_protected and settings.proxy_hidden_unit_kinds:
        hidden = select(Organisation.id).where(Organisation.kind.in_(settings.proxy_hidden_unit_kinds))
        conditions.append(not_(and_(column.is_not(None), column.in_(hidden))))
    if shape.unit_limited:
        conditions.append(column.in_(_allowed_units()))
    return conditions


def visible_appointments(viewer: Viewer, settings: Settings) -> ColumnElement[bool]:
    """The viewer's appointment condition; run the select with ``viewer_parameters(viewer, settings)``."""
    return visible_appointments_for(settings, entry_shape(viewer))


def visible_appointments_for(settings: Settings, shape: EntryShape) -> ColumnElement[bool]:
    return cached(settings, ("appointments", shape), lambda: and_(
        Appointment.person_id == _subject(), *_unit_conditions(Appointment.unit_id, shape, settings)))


def visible_care_plans(viewer: Viewer, settings: Settings) -> ColumnElement[bool]:
    """The viewer's care plan condition; run the select with ``viewer_parameters(viewer, settings)``."""
    shape = entry_shape(viewer)
    return cached(settings, ("care_plans", shape), lambda: and_(
        CarePlan.person_id == _subject(), *_unit_conditions(CarePlan.unit_id, shape, settings)))


def hidden_counts(session: Session, viewer: Viewer, settings: Settings) -> dict[str, object]:
    """What the citizen cannot see of their own record, by reason; never any content. Empty for others.

    One pass over the person's entries: each reason is a filtered count, each delayed category a filtered minimum.
    """
    if not viewer.sees_protected_entries:
        return {}
    hide_recent = viewer.hide_recent
    query = cached(settings, ("hidden_counts", hide_recent), lambda: _hidden_counts(settings, hide_recent))
    row = session.connection().execute(query, viewer_parameters(viewer, settings)).one()
    firsts = [first + timedelta(days=days)
              for first, (_c, days) in zip(row[3:], _delays(settings), strict=True) if first]
    return {"excluded": row[0], "delayed": row[1], "recent": row[2], "delayed_until": min(firsts, default=None)}


def _hidden_counts(settings: Settings, hide_recent: bool) -> Select:
    excluded = excluded_entry(settings)
    delayed = and_(not_(excluded), delayed_entry(settings))
    recent = and_(not_(excluded), not_(delayed_entry(settings)), recent_entry())
    columns = [
        func.count().filter(excluded),
        func.count().filter(delayed),
        func.count().filter(recent) if hide_recent else literal(0),
        *[func.min(JournalEntry.recorded_at).filter(and_(delayed, JournalEntry.category == category))
          for category, _days in _delays(settings)],
    ]
    return select(*columns).where(JournalEntry.person_id == _subject())


__all__ = [
    "EntryShape", "delayed_entry", "entry_shape", "excluded_entry", "hidden_counts", "protected_entry",
    "recent_entry", "viewer_parameters", "visible_appointments", "visible_appointments_for",
    "visible_care_plans", "visible_entries", "visible_entries_for",
]
