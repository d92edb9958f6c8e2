"""``readmodel rebuild``: empty the projected tables and replay the event log into the same read model.

Replays the current version of every key (the one event per key not superseded), type group by type
group in dependency order, in arrival order within a group, in pages, with batched inserts and one commit.
Organizations come first. One whose current version is entered in error or deleted has its bare row made first,
as live ingestion left it: under the HSA-id of the last version applied, or its placeholder HSA-id if none was.
The HSA-ids that earlier applied versions had name the unit afterwards (``UnitAlias``), as live ingestion kept them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy import Row, delete, select
from sqlalchemy.orm import Session

from portal.ingestion import fhir
from portal.ingestion.eventlog import Version
from portal.ingestion.models import EventStatus, ResourceEvent
from portal.projection.context import Meta, Projection, Waiting, placeholder_hsa
from portal.projection.organisations import hsa_of, keep_alias, retracts
from portal.projection.projector import DEPENDENCY_ORDER, project
from portal.readmodel.models import READ_MODEL_TABLES

PAGE = 2000
# Plain rows, not ORM objects: a replay only reads them once.
EVENT_COLUMNS = (ResourceEvent.id, ResourceEvent.source, ResourceEvent.resource_type, ResourceEvent.resource_id,
                 ResourceEvent.last_updated, ResourceEvent.received_at, ResourceEvent.payload)
# Organization key -> its events (rows of EVENT_COLUMNS with version, status and deleted), in arrival order.
Histories = dict[str, list[Any]]


@dataclass
class RebuildReport:
    replayed: int = 0
    applied: int = 0
    waiting: int = 0


def rebuild(session: Session, secret_key: str) -> RebuildReport:
    from portal.db import Base

    for name in READ_MODEL_TABLES:
        session.execute(delete(Base.metadata.tables[name]))
    projection = Projection(session, secret_key, fresh=True)
    histories = _organization_histories(session)
    for key, hsa in _retracted_units(histories).items():
        projection.create_org(hsa, hsa, key)
    report = RebuildReport()
    for kinds in DEPENDENCY_ORDER:
        _replay(projection, kinds, report)
        if kinds == ("Organization",):
            _keep_aliases(projection, histories)
    projection.sync()
    session.commit()
    return report


def _replay(p: Projection, kinds: tuple[str, ...], report: RebuildReport) -> None:
    last_id = 0
    while True:
        rows = p.execute(
            select(*EVENT_COLUMNS).where(
                ResourceEvent.id > last_id, ResourceEvent.resource_type.in_(kinds),
                ResourceEvent.status != EventStatus.SUPERSEDED, ResourceEvent.deleted.is_(False),
            ).order_by(ResourceEvent.id).limit(PAGE)
        ).all()
        if not rows:
            return
        for row in rows:
            _one(p, row, report)
        last_id = rows[-1].id
        p.sync()
        p.session.expunge_all()  # the care plans added as objects


def _organization_histories(session: Session) -> Histories:
    """Every Organization event, in arrival order, by key."""
    rows = session.execute(select(*EVENT_COLUMNS, ResourceEvent.version_id, ResourceEvent.status, ResourceEvent.deleted)
                           .where(ResourceEvent.resource_type == "Organization").order_by(ResourceEvent.id)).all()
    histories: Histories = {}
    for row in rows:
        histories.setdefault(f"{row.source}|Organization|{row.resource_id}", []).append(row)
    return histories


def _retracted_units(histories: Histories) -> dict[str, str]:
    """Organization keys whose current version is entered in error or deleted, with the HSA-id of their bare row:
    that of the last version applied before it, or the key's placeholder HSA-id if none was."""
    retracted = {}
    for key, events in histories.items():
        current = next((row for row in events if row.status != EventStatus.SUPERSEDED), None)
        if current is not None and retracts(current):
            applied = _applied_hsa_ids(events)
            retracted[key] = applied[-1][1] if applied else placeholder_hsa(key)
    return retracted


def _keep_aliases(p: Projection, histories: Histories) -> None:
    """Each HSA-id an Organization's earlier applied version had names its unit, unless an Organization has it now.
    In arrival order of the renames, as live ingestion kept them: the last unit to leave an HSA-id keeps it."""
    renames = []
    for events in histories.values():
        applied = _applied_hsa_ids(events)
        renames += [(event_id, earlier, applied[-1][1])
                    for (_, earlier), (event_id, later) in pairwise(applied) if earlier != later]
    for _, earlier, now in sorted(renames):
        unit_id = p.org(now)
        if unit_id is not None and p.org(earlier) is None:
            keep_alias(p, earlier, unit_id)


def _applied_hsa_ids(events: list[Row[Any]]) -> list[tuple[int, str]]:
    """The event id and HSA-id of each version applied (not a retraction), in order. Replays the versions in
    arrival order as ingestion decided them (``Version.is_older_than``)."""
    current: Version | None = None
    applied = []
    for row in events:
        version = Version(row.version_id, row.last_updated or "", row.status, row.deleted)
        if current is not None and version.is_older_than(current):
            continue  # arrived late: superseded on arrival, never applied
        current = version
        hsa = None if retracts(row) else hsa_of(json.loads(row.payload))
        if hsa is not None:
            applied.append((row.id, hsa))
    return applied


def _one(p: Projection, row: Row[Any], report: RebuildReport) -> None:
    report.replayed += 1
    meta = Meta(row.source, f"{row.source}|{row.resource_type}|{row.resource_id}", row.received_at,
                fhir.parse_datetime(row.last_updated) if row.last_updated else None)
    try:
        project(p, json.loads(row.payload), meta, replaces=False)
    except Waiting:
        report.waiting += 1
        return
    report.applied += 1
    p.released.clear()  # waiting events are replayed in their own turn
