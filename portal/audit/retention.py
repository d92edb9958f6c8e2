"""Retention: rows older than the region's retention period leave the chain, and the chain stays verifiable.

The last removed row becomes the anchor the first remaining row must follow. On PostgreSQL the append-only
trigger lets a DELETE through only in a transaction that names the cutoff, and only for rows older than it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from portal.audit.chain import lock_chain
from portal.audit.log import Action, record
from portal.audit.models import AuditEvent, AuditHead
from portal.db import on_postgresql


@dataclass(frozen=True)
class Pruned:
    removed: int
    through_seq: int
    cutoff: datetime


def cutoff_for(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def prune(session: Session, years: int, now: datetime) -> Pruned:
    """Remove every row older than ``years`` (in seq order, so no gap opens in what stays), inside one transaction."""
    cutoff = cutoff_for(now, years)
    lock_chain(session)
    if on_postgresql(session):
        session.execute(text("SELECT set_config('portal.audit_prune_before', :cutoff, true)"),
                        {"cutoff": cutoff.isoformat()})
    head = session.get(AuditHead, 1, populate_existing=True)
    first_kept = session.scalar(select(func.min(AuditEvent.seq)).where(AuditEvent.occurred_at >= cutoff))
    through = (first_kept - 1) if first_kept is not None else (head.seq if head else 0)
    if head is None or through <= head.anchor_seq:
        return Pruned(0, head.anchor_seq if head else 0, cutoff)
    last_removed = session.get(AuditEvent, through)
    removed = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq <= through))
    session.execute(delete(AuditEvent).where(AuditEvent.seq <= through))
    if last_removed is not None:
        head.anchor_seq, head.anchor_hash = through, last_removed.row_hash
    record(session, Action.PRUNE, None, channel="cli", resource="audit_event",
           details={"removed_through_seq": through, "cutoff": cutoff.isoformat(), "years": years})
    return Pruned(int(removed or 0), through, cutoff)
