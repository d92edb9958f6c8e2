"""Support sessions the citizen controls: a one-time code they make, an agent who redeems it, a time box.

The citizen's code is the consent; without a fresh, unused code for that very person no session starts.
Every step is audited with both identities. The session itself only ever yields a read-only Viewer
(``portal.policy.access.viewer_for_support``); it never issues tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from portal.audit.log import Action, record
from portal.config import Settings
from portal.identity.personnummer import InvalidPersonnummer
from portal.policy.access import may_be_supported
from portal.policy.viewer import Actor
from portal.readmodel.models import Person
from portal.readmodel.persons import person_by_number
from portal.support.models import SupportCode, SupportSession

CODE_DIGITS = 8
MIN_REASON = 10
FRESH_LOGIN_MINUTES = 15


class SupportRefused(Exception):
    """The session cannot start; ``reason`` is a code the page translates (never personal data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Agent:
    actor: Actor
    sub: str
    login_at: datetime


def _digest(secret: str, person_id: int, code: str) -> str:
    return hmac.new(secret.encode(), f"{person_id}:{code}".encode(), hashlib.sha256).hexdigest()


def issue_code(session: Session, person: Person, actor: Actor, secret: str, settings: Settings, now: datetime) -> str:
    """A new one-time code for ``person``; any older unused code stops working."""
    session.execute(
        update(SupportCode).where(SupportCode.person_id == person.id, SupportCode.used_at.is_(None)).values(used_at=now)
    )
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    expires = now + timedelta(minutes=settings.support_code_minutes)
    session.add(SupportCode(person_id=person.id, code_hash=_digest(secret, person.id, code), created_at=now,
                            expires_at=expires))
    record(session, Action.SUPPORT_CODE, actor, channel="web", subject_id=person.public_id, mode="self",
           resource="support_code")
    return code


def start(
    session: Session, agent: Agent, personnummer: str, code: str, reason: str, ticket: str, secret: str,
    settings: Settings, now: datetime,
) -> SupportSession:
    """Check everything, redeem the code, open the session; raises SupportRefused."""
    _check_agent(agent, now)
    reason, ticket = reason.strip(), ticket.strip()
    if len(reason) < MIN_REASON:
        raise SupportRefused("reason_too_short")
    if not ticket or len(ticket) > 100:
        raise SupportRefused("ticket_missing")
    person = _subject(session, personnummer)
    if person is not None and not may_be_supported(person, agent.actor):
        # Answered like a wrong code: the agent must not learn that someone is staff or protected.
        _refuse(session, agent, person, "code_invalid", audited_as="subject_not_allowed")
    grant = _redeem(session, person, code.replace(" ", "").replace("-", ""), secret, now)
    if person is None or grant is None:
        return _refuse(session, agent, person, "code_invalid")
    support = SupportSession(
        id=secrets.token_urlsafe(24), person_id=person.id, agent_sub=agent.sub, agent_name=agent.actor.name,
        agent_org=agent.actor.organisation or "", reason=reason[:1000], ticket_id=ticket, started_at=now,
        expires_at=now + timedelta(minutes=settings.support_session_minutes),
    )
    session.add(support)
    record(session, Action.SUPPORT_START, agent.actor, channel="web", subject_id=person.public_id, mode="support",
           support_session_id=support.id, resource="support_session", details={"ticket": ticket, "reason": reason})
    return support


def _check_agent(agent: Agent, now: datetime) -> None:
    if "support" not in agent.actor.roles:
        raise SupportRefused("not_support")
    if now - agent.login_at > timedelta(minutes=FRESH_LOGIN_MINUTES):
        raise SupportRefused("login_not_fresh")


def _subject(session: Session, personnummer: str) -> Person | None:
    try:
        return person_by_number(session, personnummer)
    except InvalidPersonnummer:
        raise SupportRefused("personnummer_invalid") from None


def _redeem(session: Session, person: Person | None, code: str, secret: str, now: datetime) -> SupportCode | None:
    if person is None or not code.isdigit():
        return None
    wanted = _digest(secret, person.id, code)
    candidates = session.scalars(
        select(SupportCode).where(SupportCode.person_id == person.id, SupportCode.used_at.is_(None),
                                  SupportCode.expires_at > now)
    ).all()
    for candidate in candidates:
        if hmac.compare_digest(candidate.code_hash, wanted):
            candidate.used_at = now
            return candidate
    return None


def _refuse(session: Session, agent: Agent, person: Person | None, reason: str, audited_as: str = "") -> NoReturn:
    """Audit the refusal (committed: it must outlive the error) and raise."""
    record(session, Action.REFUSED, agent.actor, channel="web", subject_id=person.public_id if person else None,
           mode="support", resource="support_session", outcome=audited_as or reason)
    session.commit()
    raise SupportRefused(reason)


def active_for_agent(session: Session, support_id: str | None) -> SupportSession | None:
    return session.get(SupportSession, support_id) if support_id else None


def live_for_person(session: Session, person_id: int, now: datetime) -> Sequence[Row[str, str, str, datetime]]:
    """Open sessions on this citizen's account, for the live notice: the columns it shows, not whole rows (it is
    asked on every page, and almost always finds none): id, agent_name, agent_org, expires_at."""
    return session.execute(_LIVE, {"person_id": person_id, "now": now}).all()


_LIVE = (select(SupportSession.id, SupportSession.agent_name, SupportSession.agent_org, SupportSession.expires_at)
         .where(SupportSession.person_id == bindparam("person_id"), SupportSession.ended_at.is_(None),
                SupportSession.expires_at > bindparam("now")))


def end(session: Session, support: SupportSession, by: str, actor: Actor, now: datetime) -> None:
    """End it now (``by`` is "agent", "citizen" or "expiry"); a second end changes nothing."""
    if support.ended_at is not None:
        return
    support.ended_at, support.ended_by = now, by
    person = session.get(Person, support.person_id)
    record(session, Action.SUPPORT_END, actor, channel="web", subject_id=person.public_id if person else None,
           mode="support", support_session_id=support.id, resource="support_session", details={"ended_by": by})
