"""Care plans, the SIP shared by region and municipality among them, scoped by a Viewer and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.audit.log import record_read
from portal.config import Settings
from portal.policy.access import NotFound, require
from portal.policy.statements import cached
from portal.policy.viewer import Area, Viewer
from portal.policy.visibility import entry_shape, viewer_parameters, visible_care_plans
from portal.readmodel.models import CarePlan, CarePlanActivity
from portal.readmodel.provenance import Provenance, provenance_of, shown, unit_with_provider


@dataclass(frozen=True)
class Goal:
    description: str
    status: str | None
    due: date | None


@dataclass(frozen=True)
class Activity:
    description: str
    status: str | None
    responsible: str | None
    scheduled: str | None


@dataclass(frozen=True)
class CarePlanView:
    id: str
    title: str
    description: str
    status: str
    is_sip: bool
    period_start: date | None
    period_end: date | None
    next_follow_up: date | None
    participants: list[dict]
    goals: list[Goal]
    activities: list[Activity]
    provenance: Provenance


def _query(viewer: Viewer, settings: Settings):  # type: ignore[no-untyped-def]
    """Plans with what they show loaded; built once per viewer shape (run with ``viewer_parameters``)."""
    return cached(settings, ("care_plan_query", entry_shape(viewer)), lambda: select(CarePlan).where(
        visible_care_plans(viewer, settings)).options(
        unit_with_provider(CarePlan), selectinload(CarePlan.goals),
        selectinload(CarePlan.activities).joinedload(CarePlanActivity.responsible),
    ))


def list_care_plans(session: Session, viewer: Viewer, settings: Settings) -> list[CarePlanView]:
    require(viewer, Area.CARE_PLANS)
    rows = session.scalars(_query(viewer, settings).order_by(CarePlan.next_follow_up, CarePlan.id),
                           viewer_parameters(viewer, settings)).unique().all()
    record_read(session, viewer, "care_plans", [row.public_id for row in rows])
    return [view(row) for row in rows]


def follow_ups_due(session: Session, viewer: Viewer, settings: Settings, until: date) -> list[CarePlanView]:
    """Plans with a follow-up on or before ``until``, for the start page (the caller audits the page)."""
    if not viewer.may(Area.CARE_PLANS):
        return []
    rows = session.scalars(
        _query(viewer, settings).where(CarePlan.next_follow_up.is_not(None), CarePlan.next_follow_up <= until)
        .order_by(CarePlan.next_follow_up),
        viewer_parameters(viewer, settings),
    ).unique().all()
    return [view(row) for row in rows]


def get_care_plan(session: Session, viewer: Viewer, settings: Settings, plan_id: str) -> CarePlanView:
    require(viewer, Area.CARE_PLANS)
    query = _query(viewer, settings).where(CarePlan.public_id == plan_id)
    row = session.scalars(query, viewer_parameters(viewer, settings)).unique().first()
    if row is None:
        raise NotFound()
    record_read(session, viewer, "care_plan", [row.public_id])
    return view(row)


def view(row: CarePlan) -> CarePlanView:
    return CarePlanView(
        id=row.public_id, title=row.title, description=row.description, status=row.status, is_sip=row.is_sip,
        period_start=row.period_start, period_end=row.period_end, next_follow_up=row.next_follow_up,
        participants=list(row.participants or []),
        goals=[Goal(goal.description, goal.status, goal.due) for goal in row.goals],
        activities=[
            Activity(
                activity.description, activity.status,
                _responsible(activity), activity.scheduled,
            )
            for activity in row.activities
        ],
        provenance=provenance_of(row.unit, row.source_system),
    )


def _responsible(activity: CarePlanActivity) -> str | None:
    """The responsible organisation's name; the performer's own display when the organisation's is only a stand-in."""
    named = shown(activity.responsible.name) if activity.responsible else None
    return named or activity.responsible_name
