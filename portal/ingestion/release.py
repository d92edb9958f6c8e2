"""Waiting resources: applied when the Patient (or person) they wait for arrives."""

from __future__ import annotations

import json
from collections.abc import Mapping, Set

from sqlalchemy import select, update

from portal.ingestion import fhir
from portal.ingestion.eventlog import EventLog
from portal.ingestion.models import EventStatus, ResourceEvent
from portal.projection.context import Meta, Projection, Waiting
from portal.projection.projector import project


def release_waiting(p: Projection, logs: Mapping[str, EventLog], logged_waits: Set[str] | None = None) -> int:
    """Project every waiting event that the keys in ``p.released`` satisfy; returns how many applied.

    ``logs`` are the run's event logs by source. ``logged_waits`` are the keys this run's own events were logged
    waiting for (None: unknown): keys outside them can only be waited for by stored events, so the query needs
    neither the run's unsent rows nor the chunks still being stored.
    """
    applied = 0
    while p.released:
        keys, p.released = sorted(set(p.released)), []
        waiting = select(ResourceEvent).where(ResourceEvent.status == EventStatus.WAITING,
                                              ResourceEvent.waiting_for.in_(keys)).order_by(ResourceEvent.id)
        if logged_waits is not None and logged_waits.isdisjoint(keys):
            rows = p.lookup(waiting).scalars().all()
        else:
            for log in logs.values():
                log.flush()
            rows = p.execute(waiting).scalars().all()
        for row in rows:
            status, waiting_for = _project(p, row)
            p.execute(update(ResourceEvent).where(ResourceEvent.id == row.id).values(
                status=status, waiting_for=waiting_for))
            _remember(logs, row, status)
            applied += status == EventStatus.APPLIED
    return applied


def _project(p: Projection, row: ResourceEvent) -> tuple[str, str | None]:
    meta = Meta(row.source, f"{row.source}|{row.resource_type}|{row.resource_id}", row.received_at,
                fhir.parse_datetime(row.last_updated) if row.last_updated else None)
    try:
        project(p, json.loads(row.payload), meta, replaces=False)
    except Waiting as waiting:
        return EventStatus.WAITING, waiting.key
    return EventStatus.APPLIED, None


def _remember(logs: Mapping[str, EventLog], row: ResourceEvent, status: str) -> None:
    log = logs.get(row.source)
    if log is None:
        return
    for version in log.known.get((row.resource_type, row.resource_id), []):
        if version.version_id == row.version_id:
            version.status = status
