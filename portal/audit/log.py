"""Writing audit rows: every read of a person's data, and the events around access.

Rows go into the caller's transaction, so a read and its audit row commit together or not at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from portal import clock
from portal.audit.chain import append
from portal.policy.viewer import Actor, Viewer


class Action:
    READ = "read"
    LOGIN = "login"
    LOGOUT = "logout"
    REFUSED = "refused"
    SWITCH = "switch"
    SUPPORT_START = "support_start"
    SUPPORT_END = "support_end"
    SUPPORT_CODE = "support_code"
    PRUNE = "prune"
    CANCEL_REQUEST = "cancel_request"


def record_read(session: Session, viewer: Viewer, resource: str, ids: list[str] | None = None) -> None:
    """One row for one read of ``viewer.subject``'s data: page or resource type, and the ids shown."""
    record(
        session, Action.READ, viewer.actor, channel=viewer.channel, subject_id=viewer.subject.public_id,
        mode=viewer.mode, resource=resource, support_session_id=viewer.support_session_id,
        details={"ids": ids} if ids else None,
    )


def record(
    session: Session,
    action: str,
    actor: Actor | None,
    *,
    channel: str,
    subject_id: str | None = None,
    mode: str | None = None,
    resource: str = "",
    outcome: str = "ok",
    support_session_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    append(
        session,
        occurred_at=clock.now(),
        action=action,
        actor_id=actor.public_id if actor else None,
        actor_name=actor.name if actor else None,
        actor_org=actor.organisation if actor else None,
        subject_id=subject_id,
        mode=mode,
        support_session_id=support_session_id,
        channel=channel,
        resource=resource,
        outcome=outcome,
        details=details,
    )
