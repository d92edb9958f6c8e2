"""The event log as the pipeline sees it: known versions per key, loaded in batches, new rows inserted in batches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, text, update
from sqlalchemy.orm import Session

from portal.db import on_postgresql
from portal.ingestion.models import EventStatus, ResourceEvent
from portal.projection.bulk import insert_rows

DELETED_PREFIX = "deleted-"
EVENTS: Table = ResourceEvent.__table__  # type: ignore[assignment]
VERSION_COLUMNS = (ResourceEvent.resource_type, ResourceEvent.resource_id, ResourceEvent.version_id,
                   ResourceEvent.last_updated, ResourceEvent.status, ResourceEvent.deleted)
# One index probe per key, whatever the planner knows: a filter over every event of the type would grow with the
# log, and a prepared (generic) plan cannot hash thousands of ids. OFFSET 0 keeps the probe from becoming a join.
# All types in one query: a chunk of the demo names about fifteen, each a round trip the loader waits for.
VERSIONS_BY_PROBE = text("""
    SELECT e.resource_type, e.resource_id, e.version_id, e.last_updated, e.status, e.deleted
    FROM unnest(CAST(:kinds AS text[]), CAST(:ids AS text[])) AS wanted(kind, id)
    CROSS JOIN LATERAL (
        SELECT resource_type, resource_id, version_id, last_updated, status, deleted FROM resource_event
        WHERE source = :source AND resource_type = wanted.kind AND resource_id = wanted.id OFFSET 0
    ) AS e
""")


@dataclass
class Version:
    version_id: str
    last_updated: str
    status: str
    deleted: bool
    row: dict[str, Any] | None = None  # the insert not yet sent, while there is one

    @property
    def order(self) -> tuple[str, int]:
        """Newest ``lastUpdated`` wins, then the larger numeric versionId."""
        number = self.version_id.removeprefix(DELETED_PREFIX)
        return self.last_updated, int(number) if number.isdigit() else -1

    def is_older_than(self, current: Version) -> bool:
        """Whether this version, arriving after ``current``, is superseded on arrival instead of applied."""
        return self.order < current.order


class EventLog:
    def __init__(self, session: Session, source: str) -> None:
        self.session = session
        self.source = source
        self.known: dict[tuple[str, str], list[Version]] = {}
        self.pending: list[Version] = []
        # Called before an update of a stored row, which a chunk still being stored may have written.
        self.settle: Callable[[], None] = lambda: None

    def preload(self, keys: Iterable[tuple[str, str]]) -> None:
        wanted = sorted({key for key in keys if key not in self.known})
        for key in wanted:
            self.known[key] = []
        for kind, rid, version_id, last_updated, status, deleted in self._stored(wanted):
            self.known[(kind, rid)].append(Version(version_id, last_updated, status, deleted))

    def _stored(self, wanted: list[tuple[str, str]]) -> list[Any]:
        """The stored versions of ``wanted`` keys: one query on PostgreSQL, one per type elsewhere."""
        if not wanted:
            return []
        if on_postgresql(self.session):
            return list(self.session.execute(VERSIONS_BY_PROBE, {
                "source": self.source, "kinds": [kind for kind, _ in wanted], "ids": [rid for _, rid in wanted]}))
        by_type: dict[str, list[str]] = defaultdict(list)
        for kind, rid in wanted:
            by_type[kind].append(rid)
        return [row for kind, ids in by_type.items() for row in self.session.execute(select(*VERSION_COLUMNS).where(
            ResourceEvent.source == self.source, ResourceEvent.resource_type == kind,
            ResourceEvent.resource_id.in_(ids)))]

    def cached(self) -> int:
        """How many keys the log holds versions of."""
        return len(self.known)

    def versions(self, kind: str, rid: str) -> list[Version]:
        if (kind, rid) not in self.known:
            self.preload([(kind, rid)])
        return self.known[(kind, rid)]

    def current(self, kind: str, rid: str) -> Version | None:
        return next((v for v in self.versions(kind, rid) if v.status != EventStatus.SUPERSEDED), None)

    def add(self, kind: str, rid: str, version: Version, payload: str, received_at: datetime,
            waiting_for: str | None = None) -> None:
        version.row = {
            "source": self.source, "resource_type": kind, "resource_id": rid, "version_id": version.version_id,
            "last_updated": version.last_updated, "deleted": version.deleted, "status": version.status,
            "waiting_for": waiting_for, "received_at": received_at, "payload": payload,
        }
        self.versions(kind, rid).append(version)
        self.pending.append(version)

    def set_status(self, kind: str, rid: str, version: Version, status: str) -> None:
        version.status = status
        if version.row is not None:
            version.row["status"] = status
            return
        self.settle()
        self.session.execute(update(ResourceEvent).where(
            ResourceEvent.source == self.source, ResourceEvent.resource_type == kind,
            ResourceEvent.resource_id == rid, ResourceEvent.version_id == version.version_id,
        ).values(status=status))

    def flush(self) -> None:
        insert_rows(self.session, EVENTS, self.take())

    def take(self) -> list[dict[str, Any]]:
        """The rows not yet sent, which the log forgets (their versions count as stored): the taker inserts them."""
        rows = [version.row for version in self.pending if version.row is not None]
        for version in self.pending:
            version.row = None
        self.pending.clear()
        return rows

    def forget(self) -> None:
        """After a rollback: what was known may not be stored."""
        self.known.clear()
        self.pending.clear()
