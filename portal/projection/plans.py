"""Appointment → appointment; CarePlan (with contained Goals and activities) → care plan."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from portal.ingestion import fhir
from portal.ingestion.fhir import CS, HSA_SYSTEM, PERSON_SYSTEMS, as_list, concept_text, get
from portal.projection.common import fallback_time, provenance, text, when
from portal.projection.context import Child, Meta, Projection
from portal.readmodel.models import Appointment, CarePlan, CarePlanActivity, CarePlanGoal

APPOINTMENT_KINDS = ("in_person", "video", "home_visit", "phone")
Fields = dict[str, Any]


def appointment(p: Projection, r: Fields, meta: Meta) -> None:
    actors = [get(participant, "actor") for participant in as_list(r.get("participant"))]
    patient = next(a for a in actors if fhir.reference_id(a, "Patient") or fhir.identifier_in(a, PERSON_SYSTEMS))
    unit = next((a for a in actors if _names_unit(a)), None)
    practitioner = next((a for a in actors if str(get(a, "reference") or "").startswith("Practitioner")), None)
    kind = get(r, "appointmentType", "coding", 0, "code")
    row = provenance(p, r, meta, patient, unit)
    row.update(
        status=str(r["status"])[:30],
        kind=kind if kind in APPOINTMENT_KINDS else "in_person",
        title=(text(get(r, "serviceType", 0, "text")) or text(r.get("description")) or "Besök")[:300],
        description=text(r.get("description")) or "",
        preparation=text(r.get("comment")) or "",
        start=fhir.parse_datetime(r["start"]),
        end=fhir.parse_datetime(r["end"]) if r.get("end") else None,
        place=text(fhir.extension(r, "place", "valueString"), 300),
        video_url=text(fhir.extension(r, "video-url", "valueUrl"), 500),
        practitioner=text(get(practitioner, "display"), 200),
    )
    p.add(Appointment, row)


def _names_unit(actor: Any) -> bool:
    ref = str(get(actor, "reference") or "")
    return bool(fhir.identifier_in(actor, (HSA_SYSTEM,)) or ref.startswith(("Organization/", "Location/")))


def care_plan(p: Projection, r: Fields, meta: Meta) -> None:
    row = provenance(p, r, meta, r["subject"], r.get("author"))
    start, end = get(r, "period", "start"), get(r, "period", "end")
    follow_up = fhir.extension(r, "follow-up", "valueDate")
    goals = _goals(r)
    activities = [_activity(p, meta, i, a) for i, a in enumerate(as_list(r.get("activity")))]
    row.update(
        title=(text(r.get("title")) or "Vårdplan")[:300],
        description=text(r.get("description")) or "",
        status=str(r.get("status") or "unknown")[:30],
        is_sip=fhir.has_code(r.get("category"), CS + "careplan-category", "sip"),
        period_start=fhir.parse_date(start) if start else None,
        period_end=fhir.parse_date(end) if end else None,
        next_follow_up=fhir.parse_date(follow_up) if isinstance(follow_up, str) else None,
        participants=[{"name": str(c["display"])} for c in as_list(r.get("contributor"))
                      if isinstance(c, dict) and c.get("display")],
        recorded_at=when(r.get("created"), fallback_time(meta)),
    )
    children = [Child(model, "care_plan_id", values)
                for model, rows in ((CarePlanGoal, goals), (CarePlanActivity, activities)) for values in rows]
    p.add_with_children(CarePlan, row, children)


def _goals(r: Fields) -> list[Fields]:
    contained = {c.get("id"): c for c in as_list(r.get("contained")) if get(c, "resourceType") == "Goal"}
    goals = []
    for position, ref in enumerate(as_list(r.get("goal"))):
        goal = contained.get(str(get(ref, "reference") or "").lstrip("#"))
        if goal is None:
            continue
        due = get(goal, "target", 0, "dueDate")
        goals.append({
            "position": position,
            "description": text(get(goal, "description", "text")) or "",
            "status": text(goal.get("lifecycleStatus"), 40),
            "due": fhir.parse_date(due) if isinstance(due, str) else None,
        })
    return goals


def _activity(p: Projection, meta: Meta, position: int, activity: Any) -> Fields:
    detail = get(activity, "detail") or {}
    performer = get(detail, "performer", 0)
    responsible_id = p.unit_for(performer, meta) if performer is not None else None
    return {
        "position": position,
        "description": text(detail.get("description")) or concept_text(detail.get("code")) or "",
        "status": text(detail.get("status"), 40),
        "responsible_id": responsible_id,
        "responsible_name": text(get(performer, "display"), 300),
        "scheduled": text(detail.get("scheduledString"), 200),
    }


def retract_appointment(p: Projection, key: str) -> None:
    p.execute(delete(Appointment).where(Appointment.source_key == key), keeps_lookups=True)


def retract_care_plan(p: Projection, key: str) -> None:
    p.execute(delete(CarePlan).where(CarePlan.source_key == key), keeps_lookups=True)
