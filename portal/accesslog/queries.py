"""The citizen's access log: who read their record, when, what, through which channel."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, not_, select
from sqlalchemy.orm import Session

from portal.audit.log import Action, record_read
from portal.audit.models import AuditEvent
from portal.config import Settings
from portal.journal.queries import BadFilter, start_of_day
from portal.policy.access import require
from portal.policy.viewer import Area, Viewer

SHOWN_ACTIONS = (Action.READ, Action.CANCEL_REQUEST, Action.SUPPORT_START, Action.SUPPORT_END, Action.SWITCH)


@dataclass(frozen=True)
class AccessLogEntry:
    at: datetime
    actor: str
    actor_organisation: str | None
    mode: str | None
    channel: str
    action: str
    what: str
    support_session: bool


@dataclass(frozen=True)
class AccessLogPage:
    entries: list[AccessLogEntry]
    next_cursor: str | None


def access_log(
    session: Session, viewer: Viewer, settings: Settings, period_from: date | None = None,
    period_to: date | None = None, who: str | None = None, cursor: str | None = None, limit: int = 50,
) -> AccessLogPage:
    """Newest first. Only the subject themself may read it (not proxies, not support)."""
    require(viewer, Area.ACCESS_LOG)
    query = select(AuditEvent).where(
        AuditEvent.subject_id == viewer.subject.public_id, AuditEvent.action.in_(SHOWN_ACTIONS),
        # Reading one's own log is audited like any read, but listing it would fill the log with itself.
        not_(and_(AuditEvent.resource == "access_log", AuditEvent.mode == "self")),
    )
    if period_from:
        query = query.where(AuditEvent.occurred_at >= start_of_day(period_from))
    if period_to:
        query = query.where(AuditEvent.occurred_at < start_of_day(period_to, next_day=True))
    if who:
        query = query.where(AuditEvent.mode == who)
    if cursor:
        query = query.where(AuditEvent.seq < _decode(cursor))
    rows = session.scalars(query.order_by(AuditEvent.seq.desc()).limit(limit + 1)).all()
    page = rows[:limit]
    record_read(session, viewer, "access_log")
    next_cursor = _encode(page[-1].seq) if len(rows) > limit and page else None
    return AccessLogPage([_entry(row) for row in page], next_cursor)


def _entry(row: AuditEvent) -> AccessLogEntry:
    return AccessLogEntry(
        at=row.occurred_at, actor=row.actor_name or "", actor_organisation=row.actor_org, mode=row.mode,
        channel=row.channel, action=row.action, what=row.resource, support_session=bool(row.support_session_id),
    )


def _encode(seq: int) -> str:
    return base64.urlsafe_b64encode(f"log|{seq}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        prefix, seq = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        if prefix != "log":
            raise ValueError(prefix)
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadFilter("cursor", "not a cursor this portal gave out") from None
