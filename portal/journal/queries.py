"""Journal queries: one timeline across region and municipality, always scoped by a Viewer and audited."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Integer, Row, Select, String, and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from portal.audit.log import record_read
from portal.collation import swedish
from portal.config import Settings
from portal.db import UTCDateTime
from portal.identity.age import SWEDISH_TIME
from portal.policy.access import NotFound, require
from portal.policy.statements import cached
from portal.policy.viewer import Area, Viewer
from portal.policy.visibility import EntryShape, entry_shape, viewer_parameters, visible_entries, visible_entries_for
from portal.readmodel.models import EntryKind, JournalEntry, Organisation, UnitKind
from portal.readmodel.provenance import (
    Provenance,
    provenance_of,
    provenance_of_row,
    shown,
    unit_with_provider,
    with_provenance_columns,
)

ORIGINS = ("region", "municipality", "school_health")
MAX_PAGE = 100
SERIES_KINDS = (EntryKind.LAB_RESULT, EntryKind.GROWTH)


class BadFilter(ValueError):
    """A filter or cursor the user sent cannot be understood."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field_name = field_name


@dataclass(frozen=True)
class JournalFilters:
    kinds: tuple[str, ...] = ()
    unit: str | None = None  # HSA-id of a unit or of a care provider
    origin: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    text: str | None = None

    def check(self) -> JournalFilters:
        unknown = [kind for kind in self.kinds if kind not in EntryKind.ALL]
        if unknown:
            raise BadFilter("kind", f"unknown kind {unknown[0]!r}")
        if self.origin and self.origin not in ORIGINS:
            raise BadFilter("origin", f"expected one of {', '.join(ORIGINS)}")
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise BadFilter("from", "the period starts after it ends")
        if self.text and len(self.text) > 200:
            raise BadFilter("q", "at most 200 characters")
        return self


@dataclass(frozen=True)
class EntrySummary:
    id: str
    kind: str
    title: str
    effective_at: datetime
    recorded_at: datetime
    status: str | None
    author_name: str | None
    author_role: str | None
    value: float | None
    value_text: str | None
    value_unit: str | None
    provenance: Provenance


@dataclass(frozen=True)
class SeriesPoint:
    at: datetime
    value: float
    entry_id: str


@dataclass(frozen=True)
class EntryDetail(EntrySummary):
    text: str = ""
    category: str | None = None
    code_system: str | None = None
    code: str | None = None
    signed_at: datetime | None = None
    reference_low: float | None = None
    reference_high: float | None = None
    reference_text: str | None = None
    sealed: bool = False
    details: dict = field(default_factory=dict)
    series: tuple[SeriesPoint, ...] = ()


@dataclass(frozen=True)
class JournalPage:
    entries: list[EntrySummary]
    next_cursor: str | None


def _base_query(viewer: Viewer, settings: Settings) -> Select[JournalEntry]:
    return (
        select(JournalEntry)
        .where(visible_entries(viewer, settings))
        .options(unit_with_provider(JournalEntry))
    )


def list_entries(
    session: Session, viewer: Viewer, settings: Settings, filters: JournalFilters,
    cursor: str | None = None, limit: int = 20,
) -> JournalPage:
    """Newest first; ``cursor`` continues after the last entry of the previous page."""
    require(viewer, Area.JOURNAL)
    filters.check()
    limit = max(1, min(limit, MAX_PAGE))
    position = decode_cursor(cursor) if cursor else None
    shape = _ListShape.of(viewer, filters, position is not None)
    query = cached(settings, shape, lambda: _list_statement(settings, shape))
    parameters = {**viewer_parameters(viewer, settings), **_filter_parameters(filters), "limit": limit + 1}
    if position:
        parameters.update(after_at=position[0], after_id=position[1])
    rows = session.connection().execute(query, parameters).all()  # plain rows: no ORM result machinery
    page, more = rows[:limit], len(rows) > limit
    record_read(session, viewer, "journal", [row.public_id for row in page])
    next_cursor = encode_cursor(page[-1]) if more and page else None
    return JournalPage([_listed(row) for row in page], next_cursor)


@dataclass(frozen=True)
class _ListShape:
    """Which conditions a journal list carries; one statement per shape, the values go in as parameters."""

    entries: EntryShape
    kinds: bool
    unit: bool
    origin: str | None
    period_from: bool
    period_to: bool
    text: bool
    cursor: bool

    @classmethod
    def of(cls, viewer: Viewer, filters: JournalFilters, cursor: bool) -> _ListShape:
        return cls(entry_shape(viewer), bool(filters.kinds), bool(filters.unit), filters.origin,
                   filters.period_from is not None, filters.period_to is not None, bool(filters.text), cursor)


def _list_statement(settings: Settings, shape: _ListShape) -> Select:
    query = _LIST_COLUMNS.where(visible_entries_for(settings, shape.entries), *_filter_conditions(shape))
    if shape.cursor:
        query = query.where(_after())
    return (query.order_by(JournalEntry.effective_at.desc(), JournalEntry.id.desc())
            .limit(bindparam("limit", type_=Integer(), required=True)))


def _list_columns() -> Select:
    """What a list shows, as columns: a page of summaries needs no ORM objects or loaded organisations."""
    return with_provenance_columns(
        select(JournalEntry.id, JournalEntry.public_id, JournalEntry.kind, JournalEntry.title,
               JournalEntry.effective_at, JournalEntry.recorded_at, JournalEntry.status, JournalEntry.author_name,
               JournalEntry.author_role, JournalEntry.value, JournalEntry.value_text, JournalEntry.value_unit,
               JournalEntry.source_system),
        JournalEntry,
    )


_LIST_COLUMNS = _list_columns()


def _listed(row: Row) -> EntrySummary:
    column = row._mapping  # by key, as in provenance_of_row
    return EntrySummary(
        id=column["public_id"], kind=column["kind"], title=column["title"], effective_at=column["effective_at"],
        recorded_at=column["recorded_at"], status=column["status"], author_name=column["author_name"],
        author_role=column["author_role"], value=column["value"], value_text=column["value_text"],
        value_unit=column["value_unit"], provenance=provenance_of_row(row),
    )


def get_entry(session: Session, viewer: Viewer, settings: Settings, entry_id: str) -> EntryDetail:
    require(viewer, Area.JOURNAL)
    query = _base_query(viewer, settings).where(JournalEntry.public_id == entry_id)
    row = session.scalars(query, viewer_parameters(viewer, settings)).first()
    if row is None:
        raise NotFound()
    series = _series(session, viewer, settings, row) if row.kind in SERIES_KINDS and row.code else ()
    read = [row.public_id, *[point.entry_id for point in series if point.entry_id != row.public_id]]
    record_read(session, viewer, "journal_entry", read)
    return detail(row, series)


def _series(session: Session, viewer: Viewer, settings: Settings, row: JournalEntry) -> tuple[SeriesPoint, ...]:
    """The same analysis or measurement over time, oldest first, as far as the viewer may see."""
    query = (
        select(JournalEntry.effective_at, JournalEntry.value, JournalEntry.public_id)
        .where(visible_entries(viewer, settings), JournalEntry.code == row.code, JournalEntry.kind == row.kind)
        .where(JournalEntry.value.is_not(None))
        .order_by(JournalEntry.effective_at.desc())
        .limit(60)
    )
    found = session.execute(query, viewer_parameters(viewer, settings))
    points = [SeriesPoint(at, value, public_id) for at, value, public_id in found if value is not None]
    return tuple(reversed(points))


def _filter_conditions(shape: _ListShape) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if shape.kinds:
        conditions.append(JournalEntry.kind.in_(bindparam("kinds", expanding=True)))
    if shape.unit or shape.origin:
        conditions.append(JournalEntry.unit_id.in_(_unit_ids(shape)))
    if shape.period_from:
        conditions.append(JournalEntry.effective_at >= bindparam("period_from", type_=UTCDateTime(), required=True))
    if shape.period_to:
        conditions.append(JournalEntry.effective_at < bindparam("period_to", type_=UTCDateTime(), required=True))
    if shape.text:
        pattern = bindparam("pattern", type_=String(), required=True)
        conditions.append(
            or_(JournalEntry.title.ilike(pattern, escape="\\"), JournalEntry.text.ilike(pattern, escape="\\"))
        )
    return conditions


def _filter_parameters(filters: JournalFilters) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if filters.kinds:
        found["kinds"] = list(filters.kinds)
    if filters.unit:
        found["unit"] = filters.unit
    if filters.period_from:
        found["period_from"] = start_of_day(filters.period_from)
    if filters.period_to:
        found["period_to"] = start_of_day(filters.period_to, next_day=True)
    if filters.text:
        found["pattern"] = f"%{_escape_like(filters.text.strip())}%"
    return found


def _unit_ids(shape: _ListShape):  # type: ignore[no-untyped-def]
    parent = aliased(Organisation)
    query = select(Organisation.id).outerjoin(parent, Organisation.parent_id == parent.id)
    if shape.unit:
        unit = bindparam("unit", type_=String(), required=True)
        query = query.where(or_(Organisation.hsa_id == unit, parent.hsa_id == unit))
    if shape.origin == "school_health":
        query = query.where(Organisation.kind == UnitKind.SCHOOL_HEALTH)
    elif shape.origin:
        query = query.where(Organisation.origin == shape.origin, Organisation.kind != UnitKind.SCHOOL_HEALTH)
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def start_of_day(day: date, next_day: bool = False) -> datetime:
    """Midnight in Swedish time, as UTC: periods are the days the user sees."""
    if next_day:
        day = date.fromordinal(day.toordinal() + 1)
    return datetime.combine(day, time.min, tzinfo=SWEDISH_TIME).astimezone(UTC)


def encode_cursor(row: JournalEntry | Row) -> str:
    raw = f"{row.effective_at.astimezone(UTC).isoformat()}|{row.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, row_id = raw.split("|")
        at = datetime.fromisoformat(stamp)
        if at.tzinfo is None:
            raise ValueError("naive")
        return at, int(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadFilter("cursor", "not a cursor this portal gave out") from None


def _after() -> ColumnElement[bool]:
    at = bindparam("after_at", type_=UTCDateTime(), required=True)
    row_id = bindparam("after_id", type_=Integer(), required=True)
    return or_(JournalEntry.effective_at < at, and_(JournalEntry.effective_at == at, JournalEntry.id < row_id))


def _summary_fields(row: JournalEntry) -> dict:
    return dict(
        id=row.public_id, kind=row.kind, title=row.title, effective_at=row.effective_at,
        recorded_at=row.recorded_at, status=row.status, author_name=row.author_name, author_role=row.author_role,
        value=row.value, value_text=row.value_text, value_unit=row.value_unit,
        provenance=provenance_of(row.unit, row.source_system),
    )


def detail(row: JournalEntry, series: tuple[SeriesPoint, ...]) -> EntryDetail:
    return EntryDetail(
        **_summary_fields(row), text=row.text, category=row.category, code_system=row.code_system,
        code=row.code, signed_at=row.signed_at, reference_low=row.reference_low,
        reference_high=row.reference_high, reference_text=row.reference_text, sealed=row.sealed,
        details=row.details or {}, series=series,
    )


def entry_units(session: Session, viewer: Viewer, settings: Settings) -> list[tuple[str, str | None]]:
    """(HSA-id, name) of the units and care providers behind the entries the viewer may see: the unit filter's
    choices (None for a name that is only a stand-in). Names only, no content; the page that shows them audits its
    own read."""
    require(viewer, Area.JOURNAL)
    shape = entry_shape(viewer)
    query = cached(settings, ("entry_units", shape), lambda: _entry_units(settings, shape))
    rows = session.connection().execute(query, viewer_parameters(viewer, settings))
    found = [(hsa_id, shown(name)) for hsa_id, name in rows]
    # Sorted here, not by the database, whose collation need not be Swedish; the unknown ones last.
    return sorted(found, key=lambda unit: (unit[1] is None, swedish(unit[1] or unit[0])))


def _entry_units(settings: Settings, shape: EntryShape) -> Select:
    visible = visible_entries_for(settings, shape)
    units = select(JournalEntry.unit_id).where(visible)
    providers = select(Organisation.parent_id).where(Organisation.id.in_(units))
    return (select(Organisation.hsa_id, Organisation.name)
            .where(or_(Organisation.id.in_(units), Organisation.id.in_(providers))))
