"""The event log's JSON text is json.dumps' sorted, compact text, character for character, whatever it holds."""

from __future__ import annotations

import json
import random
import struct
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from portal.demo.generator import generate
from portal.ingestion.canonical import canonical_json


def _reference(value: Any) -> str | None:
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return None


def _random_floats(count: int) -> list[float]:
    generator = random.Random(8)  # noqa: S311 - test data
    floats = [struct.unpack("<d", generator.randbytes(8))[0] for _ in range(count)]
    return floats + [m * 10.0 ** e for e in range(-12, 25) for m in (1.0, 2.5, -7.125)]


class _Text(str):
    pass


@dataclass
class _Point:
    x: int


ODD_VALUES = [
    "\x00\x01\x1f\x7f \u2028\u2029 \"\\/ \b\f\n\r\t", "é ÅÄÖ 🙂 \uffff", "\ud800 lone surrogate",
    float("nan"), float("inf"), -float("inf"), -0.0, 2**64, -(2**63), True, None, [], {},
    {"b": 1, "a": {"é": 1, "z": 2, "A": 3, "🙂": 4}}, {1: "int key"}, (1, 2), _Text("subclass"),
    datetime(2024, 1, 1, tzinfo=UTC), date(2024, 1, 1), _Point(1), {"x": {1, 2}},
    ":1e5,null[0.00001", "text", 12, 0.1, 123456789.123,
    "id-3e4f-9E2a", ":1.e5 x:2..E7", ["a1e5", 1e-07, "0.00001"], {"id": "0e0", "v": 1e16, "w": "nullable"},
    [1.5e300, "9e9", -2.5e-05, 0.00001234], {"nested": [{"x": [7e22]}], "text": ":0.0000"},
]


@pytest.mark.parametrize("value", ODD_VALUES, ids=range(len(ODD_VALUES)))
def test_odd_values_are_written_as_json_writes_them_or_refused_as_json_refuses_them(value):
    assert canonical_json({"resourceType": "Observation", "value": value}) == _reference(
        {"resourceType": "Observation", "value": value})


def test_floats_of_every_magnitude_are_written_as_json_writes_them():
    for number in _random_floats(20_000):
        assert canonical_json({"v": number, "w": [number]}) == _reference({"v": number, "w": [number]})


def test_a_demo_population_is_written_as_json_writes_it():
    for _source, resource in generate(6, 3, date(2025, 3, 15)):
        assert canonical_json(resource) == _reference(resource)


def test_what_is_not_an_object_or_too_deep_has_no_canonical_text():
    deep: dict[str, Any] = {}
    for _ in range(5000):
        deep = {"a": deep}
    assert canonical_json([1]) is None and canonical_json("x") is None and canonical_json(deep) is None
