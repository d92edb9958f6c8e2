"""The projection: resource type → handler (apply a version) and → retractor (remove its rows).

Handlers resolve every reference (raising Waiting) before they add a row, so a waiting
resource leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portal.ingestion.validation import is_entered_in_error
from portal.projection import journal, organisations, persons, placeholders, plans
from portal.projection.context import Meta, Projection

Handler = Callable[[Projection, dict[str, Any], Meta], None]
Retractor = Callable[[Projection, str], None]

HANDLERS: dict[str, Handler] = {
    "Patient": persons.project_patient,
    "RelatedPerson": persons.project_related_person,
    "Consent": persons.project_consent,
    "Organization": organisations.project_organization,
    "Appointment": plans.appointment,
    "CarePlan": plans.care_plan,
    **journal.HANDLERS,
}
RETRACTORS: dict[str, Retractor] = {
    "Patient": persons.retract_patient,
    "RelatedPerson": persons.retract_relationship,
    "Consent": persons.retract_consent,
    "Organization": organisations.retract_organization,
    "Appointment": plans.retract_appointment,
    "CarePlan": plans.retract_care_plan,
    **{kind: journal.retract for kind in journal.HANDLERS},
}
# These update their row in place (others point at it); the rest are removed and added again.
UPDATED_IN_PLACE = frozenset({"Patient", "Organization"})
# Their resources name no unit: nothing of theirs names a placeholder.
NAMES_NO_UNIT = frozenset({"Patient", "RelatedPerson"})
# Replay order for a rebuild: what others point at comes first.
DEPENDENCY_ORDER: tuple[tuple[str, ...], ...] = (
    ("Organization",),
    ("Patient",),
    ("RelatedPerson",),
    tuple(sorted(set(HANDLERS) - {"Organization", "Patient", "RelatedPerson", "Consent"})),
    ("Consent",),
)


def project(p: Projection, resource: dict[str, Any], meta: Meta, replaces: bool) -> None:
    """Apply one version; ``replaces`` when an earlier version of the same key was applied. May raise Waiting."""
    kind = resource["resourceType"]
    if is_entered_in_error(resource):
        # Only a version that was applied left rows of its own (a placeholder unit may stand for an Organization).
        if replaces or kind in UPDATED_IN_PLACE:
            retract(p, kind, meta.key)
        return
    if replaces and kind not in UPDATED_IN_PLACE:
        retract(p, kind, meta.key)
    elif replaces and kind not in NAMES_NO_UNIT:
        placeholders.unname(p, meta.key)
    HANDLERS[kind](p, resource, meta)


def retract(p: Projection, kind: str, key: str) -> None:
    RETRACTORS[kind](p, key)
    if kind not in NAMES_NO_UNIT:
        placeholders.unname(p, key)
