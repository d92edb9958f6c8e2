"""Waiting resources: applied when the Patient (or person) they wait for arrives."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from portal.ingestion import fhir
from portal.ingestion.eventlog import EventLog
from portal.ingestion.models import EventStatus, ResourceEvent
from portal.projection.context import Meta, Projection, Waiting
from portal.projection.projector import project


def release_waiting(p: Projection, log: EventLog) -> int:
    """Project every waiting event that the keys in ``p.released`` satisfy; returns how many applied."""
    applied = 0
    while p.released:
        keys, p.released = sorted(set(p.released)), []
        rows = p.execute(
            select(ResourceEvent).where(ResourceEvent.status == EventStatus.WAITING,
                                        ResourceEvent.waiting_for.in_(keys)).order_by(ResourceEvent.id)
        ).scalars().all()
        for row in rows:
            status, waiting_for = _project(p, row)
            p.execute(update(ResourceEvent).where(ResourceEvent.id == row.id).values(
                status=status, waiting_for=waiting_for))
            _remember(log, row, status)
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


def _remember(log: EventLog, row: ResourceEvent, status: str) -> None:
    if row.source != log.source:
        return
    for version in log.known.get((row.resource_type, row.resource_id), []):
        if version.version_id == row.version_id:
            version.status = status
