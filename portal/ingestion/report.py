"""What one ingestion run did: counts that always add up, and the issues as a FHIR OperationOutcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REASON_SYSTEM = "https://portal.example/fhir/CodeSystem/quarantine-reason"
# FHIR issue-type codes for each quarantine reason.
ISSUE_CODES = {
    "not-json": "structure",
    "not-fhir": "structure",
    "unknown-resource-type": "not-supported",
    "missing-element": "required",
    "invalid-identifier": "value",
    "invalid-personnummer": "value",
    "invalid-date": "value",
    "invalid-value": "value",
    "too-large": "too-long",
    "bundle-rejected": "processing",
}
# Issues listed one by one in a report; past this many only the count grows. A batch of a million broken resources
# would otherwise hold a million issues in memory and answer with an OperationOutcome of hundreds of megabytes.
# Every quarantined item is kept in ``quarantined_input`` regardless.
MAX_LISTED_ISSUES = 1000


@dataclass(frozen=True)
class Issue:
    reason: str
    element: str
    message: str
    origin: str = ""


@dataclass
class IngestReport:
    """received = applied + unchanged + waiting + quarantined, always."""

    applied: int = 0
    unchanged: int = 0
    waiting: int = 0
    quarantined: int = 0
    issues: list[Issue] = field(default_factory=list)
    unlisted: int = 0  # issues past MAX_LISTED_ISSUES, counted only

    def add(self, issue: Issue) -> None:
        if len(self.issues) < MAX_LISTED_ISSUES:
            self.issues.append(issue)
        else:
            self.unlisted += 1

    @property
    def received(self) -> int:
        return self.applied + self.unchanged + self.waiting + self.quarantined

    def counts(self) -> dict[str, int]:
        return {
            "received": self.received, "applied": self.applied, "unchanged": self.unchanged,
            "waiting": self.waiting, "quarantined": self.quarantined,
        }

    def summary(self) -> str:
        return " ".join(f"{name}={value}" for name, value in self.counts().items())

    def to_operation_outcome(self) -> dict[str, Any]:
        issues = [_issue(item) for item in self.issues]
        if self.unlisted:
            issues.append({"severity": "information", "code": "informational", "diagnostics": (
                f"{self.unlisted} more issues are not listed here; every quarantined input is kept in the "
                "quarantine with its reason")})
        issues.append({"severity": "information", "code": "informational", "diagnostics": self.summary()})
        return {"resourceType": "OperationOutcome", "issue": issues}


def _issue(item: Issue) -> dict[str, Any]:
    issue: dict[str, Any] = {
        "severity": "error",
        "code": ISSUE_CODES.get(item.reason, "processing"),
        "details": {"coding": [{"system": REASON_SYSTEM, "code": item.reason}]},
        "diagnostics": f"{item.origin}: {item.message}" if item.origin else item.message,
    }
    if item.element:
        issue["expression"] = [item.element]
    return issue
