"""Who is looking, at whom, in which mode: the value every query is scoped by.

Only the policy builds Viewers (``portal.policy.access``), so a query that has one has
already been allowed; what it may show is decided by ``portal.policy.visibility``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


class Mode:
    SELF = "self"
    GUARDIAN = "guardian"
    REPRESENTATIVE = "representative"
    SUPPORT = "support"

    PROXIES = (GUARDIAN, REPRESENTATIVE)


class Area:
    JOURNAL = "journal"
    APPOINTMENTS = "appointments"
    CARE_PLANS = "care_plans"
    ACCESS_LOG = "access_log"

    RECORD = (JOURNAL, APPOINTMENTS, CARE_PLANS)


@dataclass(frozen=True)
class Actor:
    """The signed-in user. Staff without a person row have ``person_id`` None."""

    public_id: str
    name: str
    person_id: int | None = None
    roles: frozenset[str] = frozenset()
    organisation: str | None = None


@dataclass(frozen=True)
class Subject:
    """The person whose record is read."""

    id: int
    public_id: str
    name: str
    birth_date: date
    protected_identity: bool = False
    deceased: bool = False


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    subject: Subject
    mode: str
    areas: frozenset[str]
    now: datetime
    channel: str = "web"
    unit_hsa_ids: frozenset[str] | None = None  # set when a per-unit exception is all that allows access
    relationship_key: str | None = None
    support_session_id: str | None = None
    hide_recent: bool = False
    read_only: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_proxy(self) -> bool:
        return self.mode in Mode.PROXIES

    @property
    def sees_protected_entries(self) -> bool:
        """Sealed and proxy-hidden entries: the patient alone."""
        return self.mode == Mode.SELF

    @property
    def may_change(self) -> bool:
        """Whether the viewer may ask for changes (a cancel request): never in support or a per-unit exception."""
        return not self.read_only

    def may(self, area: str) -> bool:
        return area in self.areas
