"""JSON answers written by orjson hold the same values Flask's own provider writes."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from portal.json_provider import OrjsonProvider


@dataclass
class Point:
    at: date
    value: float


VALUES = {"ö": "Åsa Öberg", "b": [1, 2.5, 1e-7, None, True], "a": {"z": 1, "y": Point(date(2026, 1, 2), 0.1)},
          "when": datetime(2026, 11, 26, 8, 30, tzinfo=UTC), "big": 2**70}


def _both(app: Flask, obj):  # type: ignore[no-untyped-def]
    return OrjsonProvider(app).dumps(obj), DefaultJSONProvider(app).dumps(obj)


def test_same_values_as_flasks_provider(app):
    ours, flasks = _both(app, VALUES)
    assert json.loads(ours) == json.loads(flasks)
    assert list(json.loads(ours)) == sorted(VALUES)  # keys sorted, as Flask sorts them
    assert json.loads(ours)["when"] == "Thu, 26 Nov 2026 08:30:00 GMT"  # dates through Flask's default


def test_what_orjson_refuses_is_written_by_flask(app):
    ours, flasks = _both(app, {2: "two", 1: "one"})
    assert ours == flasks


def test_nan_is_null_rather_than_invalid_json(app):
    assert json.loads(OrjsonProvider(app).dumps({"x": math.nan})) == {"x": None}


def test_answers_are_utf8_json_with_a_newline(app):
    with app.test_request_context():
        response = OrjsonProvider(app).response({"namn": "Åsa"})
    assert response.mimetype == "application/json"
    assert response.get_data() == '{"namn":"Åsa"}\n'.encode()


def test_the_app_answers_through_it(app, client):
    assert isinstance(app.json, OrjsonProvider)
    assert client.get("/healthz").get_json() == {"status": "ok"}
