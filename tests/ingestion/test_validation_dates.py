"""Every date a resource type is checked for: bad values are refused naming the element, and an entry needs one of
the dates that say when it happened."""

from __future__ import annotations

from typing import Any

import pytest

from portal.ingestion.fhir import PATIENT_ELEMENT
from portal.ingestion.validation import DATES, EFFECTIVE, validate

PATHS = [(kind, path, is_date) for kind, paths in DATES.items() for path, is_date in paths]
# value -> the message for a date element, the message for a dateTime element (None: accepted)
VALUES: dict[Any, tuple[str | None, str | None]] = {
    "2024": (None, None),
    "2024-05": (None, None),
    "2024-05-17": (None, None),
    "2024-05-17T10:30:00+01:00": (None, None),
    "2024-05-17T10:30:00.123Z": (None, None),
    "2024-03-31T02:30:00": (None, None),  # in the hour Swedish clocks skip
    "2024-02-30": ("the date does not exist", "the date does not exist"),
    "2024-13": ("the date does not exist", "the date does not exist"),
    "2024-05-17T25:00:00Z": ("the date or time does not exist", "the date or time does not exist"),
    "2024-05-17 10:30": ("expected a date", "expected a dateTime"),
    "yesterday": ("expected a date", "expected a dateTime"),
    20240517: ("expected a date", "expected a dateTime"),
}


def _resource(kind: str, dates: dict[str, Any] | None = None, **elements: Any) -> dict[str, Any]:
    """A resource of ``kind`` naming its patient, with ``dates`` set by dotted path."""
    resource: dict[str, Any] = {"resourceType": kind, "id": "x", **elements}
    if kind in PATIENT_ELEMENT:
        resource[PATIENT_ELEMENT[kind]] = {"reference": "Patient/p"}
    for path, value in (dates or {}).items():
        first, *rest = path.split(".")
        if rest:
            resource.setdefault(first, {})[rest[0]] = value
        else:
            resource[first] = value
    return resource


def _date_problems(resource: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(p.reason, p.element, p.message) for p in validate(resource)
            if p.reason == "invalid-date" or p.element.split(".", 1)[1] in EFFECTIVE.get(resource["resourceType"], ())]


@pytest.mark.parametrize(("kind", "path", "is_date"), PATHS, ids=[f"{k}.{p}" for k, p, _ in PATHS])
@pytest.mark.parametrize("value", list(VALUES), ids=[repr(v) for v in VALUES])
def test_a_date_element_is_refused_naming_it_unless_it_is_a_real_date(kind, path, is_date, value):
    effective = EFFECTIVE.get(kind, (path,))
    dates = {} if path in effective else {effective[0]: "2024-01-01T00:00:00Z"}
    message = VALUES[value][0 if is_date else 1]
    expected = [] if message is None else [("invalid-date", f"{kind}.{path}", message)]
    assert _date_problems(_resource(kind, {**dates, path: value})) == expected


def test_every_date_that_says_when_an_entry_happened_is_checked_as_a_date():
    for kind, paths in EFFECTIVE.items():
        assert set(paths) <= {path for path, _ in DATES[kind]}, kind


@pytest.mark.parametrize("kind", list(EFFECTIVE))
def test_an_entry_needs_one_of_its_effective_dates_and_any_one_will_do(kind):
    first = EFFECTIVE[kind][0]
    assert _date_problems(_resource(kind)) == [("missing-element", f"{kind}.{first}", f"{first} is required")]
    for path in EFFECTIVE[kind]:
        assert _date_problems(_resource(kind, {path: "2024-05-17T10:30:00Z"})) == []
    assert _date_problems(_resource(kind, {first: None})) != []


META_CASES: list[tuple[Any, list[tuple[str, str, str]]]] = [
    (None, []),
    ({}, []),
    ({"versionId": "7", "lastUpdated": "2024-05-17T10:30:00+02:00"}, []),
    ({"lastUpdated": "2024"}, []),
    ([], [("invalid-value", "Encounter.meta", "meta must be an object")]),
    ("", [("invalid-value", "Encounter.meta", "meta must be an object")]),
    (0, [("invalid-value", "Encounter.meta", "meta must be an object")]),
    ({"versionId": "not an id"}, [("invalid-value", "Encounter.meta.versionId", "versionId must be an id")]),
    ({"versionId": 7}, [("invalid-value", "Encounter.meta.versionId", "versionId must be an id")]),
    ({"lastUpdated": "2024-02-30T10:00:00Z"},
     [("invalid-date", "Encounter.meta.lastUpdated", "the date or time does not exist")]),
    ({"lastUpdated": 20240517}, [("invalid-date", "Encounter.meta.lastUpdated", "expected a dateTime")]),
    ({"lastUpdated": None}, []),
]


@pytest.mark.parametrize(("meta", "expected"), META_CASES, ids=[repr(m) for m, _ in META_CASES])
def test_meta_must_be_an_object_with_an_id_as_version_and_a_real_instant(meta, expected):
    resource = _resource("Encounter", {"period.start": "2024-05-17T10:30:00Z"}, meta=meta)
    assert [(p.reason, p.element, p.message) for p in validate(resource)] == expected
