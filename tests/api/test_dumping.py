"""Compiled response schemas give exactly what marshmallow gives, for every response schema of the API."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from marshmallow import Schema, fields

from portal.api import schemas
from portal.api.dumping import CompiledSchema

RESPONSE_SCHEMAS = [cls for _name, cls in inspect.getmembers(schemas, inspect.isclass)
                    if issubclass(cls, CompiledSchema) and cls is not CompiledSchema]


def sample(field: fields.Field, variant: int) -> Any:
    """A value for ``field``; ``variant`` picks None, edge values or plain ones."""
    if variant == 0 and field.allow_none:
        return None
    kind = type(field)
    if kind is fields.Nested:
        return build(field.nested, variant, as_dict=variant % 2 == 0)
    if kind is fields.List:
        return [sample(field.inner, variant + 1), sample(field.inner, variant + 2)]
    values = {
        fields.String: ['Åsa "Ö" Ek\n\u2603', "", "plain"],
        fields.Integer: [0, 7, -3],
        fields.Float: [1.5, 2, 0.1 + 0.2],
        fields.Boolean: [True, False, 1],
        fields.DateTime: [datetime(2026, 11, 26, 8, 30, tzinfo=UTC),
                          datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=1))),
                          datetime(2000, 1, 1, tzinfo=UTC)],
        fields.Date: [date(2024, 2, 29), date(1900, 1, 1), date(2026, 11, 26)],
        fields.Dict: [{"ids": ["a", "b"]}, {}, {"nested": {"x": 1}}],
        fields.Raw: [{"x": [1, 2]}, "text", 3],
    }[kind]
    return values[variant % len(values)]


def build(schema_class: type[Schema], variant: int, as_dict: bool) -> Any:
    values = {field.attribute or name: sample(field, variant) for name, field in schema_class().dump_fields.items()}
    if variant == 2 and values:
        values.pop(sorted(values)[0])  # an attribute that is not there is left out, as marshmallow does
    return values if as_dict else SimpleNamespace(**values)


@pytest.mark.parametrize("schema_class", RESPONSE_SCHEMAS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("variant", [0, 1, 2, 3])
def test_compiled_dump_equals_marshmallow(schema_class, variant):
    obj = build(schema_class, variant, as_dict=variant == 3)
    schema = schema_class()
    assert schema.dump(obj) == Schema.dump(schema, obj)
    assert schema_class(many=True).dump([obj, obj]) == Schema.dump(schema_class(many=True), [obj, obj])


def test_every_response_schema_is_compiled():
    assert len(RESPONSE_SCHEMAS) >= 15
    assert schemas.JournalPageSchema in RESPONSE_SCHEMAS
