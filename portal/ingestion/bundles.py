"""Bundles: which types are read, their entries, DELETE entries, and the keys they touch."""

from __future__ import annotations

from typing import Any

from portal.ingestion import fhir
from portal.ingestion.fhir import ID_PATTERN, KNOWN_TYPES
from portal.ingestion.validation import Problem, validate

BUNDLE_TYPES = ("transaction", "batch", "collection", "searchset")


class BundleRejected(Exception):  # noqa: N818 - an outcome, carried to the quarantine
    def __init__(self, problem: Problem, count: int) -> None:
        super().__init__(problem.message)
        self.problem = problem
        self.count = count


def entries_of(bundle: dict[str, Any]) -> list[tuple[int, Any]]:
    """The indexed entries of a readable Bundle; raises BundleRejected for a Bundle that is not."""
    entries = bundle.get("entry", [])
    count = len(entries) if isinstance(entries, list) else 1
    if bundle.get("type") not in BUNDLE_TYPES:
        raise BundleRejected(Problem("invalid-value", "Bundle.type", "type must be one of " + ", ".join(
            BUNDLE_TYPES)), count)
    if not isinstance(entries, list):
        raise BundleRejected(Problem("invalid-value", "Bundle.entry", "entry must be a list"), 1)
    return list(enumerate(entries))


def delete_target(entry: Any) -> tuple[str, str] | None:
    """(type, id) of a DELETE entry, None for any other entry (a malformed url gives ("", ""))."""
    if fhir.get(entry, "request", "method") != "DELETE":
        return None
    url = fhir.get(entry, "request", "url")
    parts = str(url).split("?")[0].split("/") if isinstance(url, str) else []
    if len(parts) < 2 or parts[-2] not in KNOWN_TYPES or not ID_PATTERN.match(parts[-1]):
        return "", ""
    return parts[-2], parts[-1]


def entry_problems(index: int, entry: Any) -> list[Problem]:
    target = delete_target(entry)
    if target == ("", ""):
        return [Problem("invalid-value", f"Bundle.entry[{index}].request.url", "expected Type/id of a read type")]
    if target is not None:
        return []
    if fhir.get(entry, "resource") is None:
        return [Problem("missing-element", f"Bundle.entry[{index}].resource", "resource is required")]
    return validate(entry["resource"])


def resource_keys(document: Any) -> list[tuple[str, str]]:
    """(type, id) of every resource a document names, to load their versions in one go."""
    if not isinstance(document, dict):
        return []
    if document.get("resourceType") != "Bundle":
        kind, rid = document.get("resourceType"), document.get("id")
        return [(kind, rid)] if isinstance(kind, str) and isinstance(rid, str) else []
    keys = []
    for entry in fhir.as_list(document.get("entry")):
        target = delete_target(entry)
        keys.extend([target] if target and target[0] else resource_keys(fhir.get(entry, "resource")))
    return keys


def resources_in(document: Any) -> list[dict[str, Any]]:
    """The resources a document holds: itself, or its entries' (to look up what they name in one go)."""
    if not isinstance(document, dict):
        return []
    if document.get("resourceType") != "Bundle":
        return [document]
    return [r for entry in fhir.as_list(document.get("entry")) if isinstance(r := fhir.get(entry, "resource"), dict)]
