"""Import every table so metadata is complete (migrations, tests)."""

from portal.audit.models import AuditEvent
from portal.auth.models import WebSession
from portal.ingestion.models import QuarantinedInput, ResourceEvent
from portal.readmodel.models import (
    AccessException,
    Appointment,
    CancelRequest,
    CarePlan,
    CarePlanActivity,
    CarePlanGoal,
    ConsentDirective,
    JournalEntry,
    Organisation,
    PatientLink,
    Person,
    Relationship,
)
from portal.support.models import SupportCode, SupportSession

__all__ = [
    "AccessException", "Appointment", "AuditEvent", "CancelRequest", "CarePlan", "CarePlanActivity",
    "CarePlanGoal", "ConsentDirective", "JournalEntry", "Organisation", "PatientLink", "Person",
    "QuarantinedInput", "Relationship", "ResourceEvent", "SupportCode", "SupportSession", "WebSession",
]
