"""Reading FHIR: dates and dateTimes (partial dates take the first day, times without a zone are Swedish time,
instants are kept in UTC, what does not exist is refused with the reason) and walking elements."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from portal.ingestion import fhir

NOT_A_DATE = "expected a date", "expected a dateTime"
NO_SUCH_DATE = "the date does not exist", "the date does not exist"
NO_SUCH_TIME = "the date or time does not exist", "the date or time does not exist"
OUT_OF_RANGE = "the date or time is out of range"
# value -> (parse_date, parse_datetime): a result, or the BadDate message
CASES: dict[Any, tuple[Any, Any]] = {
    "2024": (date(2024, 1, 1), datetime(2023, 12, 31, 23, tzinfo=UTC)),
    "2024-05": (date(2024, 5, 1), datetime(2024, 4, 30, 22, tzinfo=UTC)),
    "2024-05-17": (date(2024, 5, 17), datetime(2024, 5, 16, 22, tzinfo=UTC)),
    "2024-02-29": (date(2024, 2, 29), datetime(2024, 2, 28, 23, tzinfo=UTC)),
    "2024-05-17T10:30": (date(2024, 5, 17), datetime(2024, 5, 17, 8, 30, tzinfo=UTC)),
    "2024-05-17T10:30:00": (date(2024, 5, 17), datetime(2024, 5, 17, 8, 30, tzinfo=UTC)),
    "2024-05-17T10:30:00Z": (date(2024, 5, 17), datetime(2024, 5, 17, 10, 30, tzinfo=UTC)),
    "2024-05-17T10:30:00.5Z": (date(2024, 5, 17), datetime(2024, 5, 17, 10, 30, 0, 500000, tzinfo=UTC)),
    "2024-05-17T10:30:00.123456789+05:30": (date(2024, 5, 17), datetime(2024, 5, 17, 5, 0, 0, 123456, tzinfo=UTC)),
    "2024-05-17T23:30:00-03:00": (date(2024, 5, 18), datetime(2024, 5, 18, 2, 30, tzinfo=UTC)),
    "2024-01-01T00:00:00+14:00": (date(2023, 12, 31), datetime(2023, 12, 31, 10, tzinfo=UTC)),
    "2024-03-31T02:30:00": (date(2024, 3, 31), datetime(2024, 3, 31, 1, 30, tzinfo=UTC)),  # clocks skip it
    "2024-10-27T02:30:00": (date(2024, 10, 27), datetime(2024, 10, 27, 0, 30, tzinfo=UTC)),  # clocks repeat it
    "2023-02-29": NO_SUCH_DATE,
    "2024-13": NO_SUCH_DATE,
    "2024-00": NO_SUCH_DATE,
    "2024-05-17T25:00:00Z": NO_SUCH_TIME,
    "2024-05-17T10:30:60Z": NO_SUCH_TIME,
    "2024-05-17T10:30:00+25:00": NO_SUCH_TIME,
    "0001-01-01": (date(1, 1, 1), OUT_OF_RANGE),  # midnight in Stockholm is the year 0 in UTC
    "0001-01-01T00:30:00+01:00": (OUT_OF_RANGE, OUT_OF_RANGE),
    "9999-12-31T22:59:59Z": (date(9999, 12, 31), datetime(9999, 12, 31, 22, 59, 59, tzinfo=UTC)),
    "9999-12-31T23:00:00Z": (OUT_OF_RANGE, OUT_OF_RANGE),  # the year 10000 in Stockholm, where the pages show it
    "2024-05-17 10:30": NOT_A_DATE,
    "2024-05-17\n": NOT_A_DATE,
    "2024-05-17T10:30:00Z\n": NOT_A_DATE,
    "2024-05-17T10:30:00z": NOT_A_DATE,
    "yesterday": NOT_A_DATE,
    "": NOT_A_DATE,
    20240517: NOT_A_DATE,
    None: NOT_A_DATE,
    ("2024",): NOT_A_DATE,
}


@pytest.mark.parametrize("value", list(CASES), ids=[repr(v) for v in CASES])
def test_a_date_or_datetime_is_read_as_fhir_defines_it_or_refused_with_the_reason(value):
    for parse, expected in zip((fhir.parse_date, fhir.parse_datetime), CASES[value], strict=True):
        if isinstance(expected, str):
            with pytest.raises(fhir.BadDate) as refused:
                parse(value)
            assert str(refused.value) == expected
        else:
            assert parse(value) == expected


INSTANTS = ["2024", "2024-05-17", "2024-05-17T10:30", "2024-05-17T10:30:00.5Z", "2024-12-31T23:59:59.999999-01:00",
            "2024-05-17T10:30:00.123456789+05:30", "0005-06-01T12:00:00Z", "0999-06-01", "1000-01-01T00:30:00+01:00",
            "1000-01-01T01:30:00+01:00", "1999-12-31T23:00:00Z", "9999-12-31T22:59:59Z"]


@pytest.mark.parametrize("value", INSTANTS)
def test_last_updated_is_its_instant_in_utc_with_four_digits_of_year(value):
    expected = fhir.parse_datetime(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ").rjust(27, "0")
    assert fhir.sortable_instant(value) == expected
    assert fhir.parse_datetime(fhir.sortable_instant(value)) == fhir.parse_datetime(value)  # and reads back


def test_last_updated_texts_sort_as_their_instants():
    assert sorted(INSTANTS, key=fhir.sortable_instant) == sorted(INSTANTS, key=fhir.parse_datetime)


def test_a_missing_last_updated_sorts_first_and_a_bad_one_is_refused():
    assert fhir.sortable_instant(None) == ""
    with pytest.raises(fhir.BadDate, match="expected a dateTime"):
        fhir.sortable_instant(20240517)
    with pytest.raises(fhir.BadDate, match="the date or time does not exist"):
        fhir.sortable_instant("2024-02-30T10:00:00Z")


class _Element(dict):  # type: ignore[type-arg]
    pass


@pytest.mark.parametrize(("resource", "path", "expected"), [
    ({"a": {"b": 1}}, ("a", "b"), 1),
    ({"a": {"b": 1}}, ("a", "c"), None),
    ({"a": [{"b": 1}, {"b": 2}]}, ("a", 1, "b"), 2),
    ({"a": [{"b": 1}]}, ("a", -1, "b"), 1),
    ({"a": [{"b": 1}]}, ("a", 1, "b"), None),
    ({"a": {0: "int key"}}, ("a", 0), None),
    ({"a": "text"}, ("a", "b"), None),
    ({"a": "text"}, ("a", 0), None),
    ({"a": [1]}, ("a", "b"), None),
    ({"a": False}, ("a",), False),
    ({"a": 0}, ("a",), 0),
    (_Element(a=_Element(b=3)), ("a", "b"), 3),
    (None, ("a",), None),
    ([{"a": 1}], (0, "a"), 1),
    ({"a": 1}, (), {"a": 1}),
], ids=str)
def test_get_walks_dicts_and_lists_and_is_none_as_soon_as_a_step_is_missing_or_of_the_wrong_kind(
        resource, path, expected):
    assert fhir.get(resource, *path) == expected
