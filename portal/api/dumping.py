"""Response schemas whose ``dump`` runs as plain functions, compiled once from the marshmallow fields.

Marshmallow walks every field of every item through several layers of calls; a journal page of 20 entries is some
360 field serialisations, more time than the database spends on the page. The schemas stay the contract (the
OpenAPI document and the field list come from them); only the walk is compiled. Field types we do not compile
(and any schema built with ``only`` or ``exclude``) go through marshmallow's own ``serialize``, so the output is the
same by construction, and a test holds the compiled output to marshmallow's for every response schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

from marshmallow import Schema, fields

Dumper = Callable[[Any], Any]
MISSING = object()


def _passthrough(value: Any) -> Any:
    return value


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _iso(value: Any) -> Any:
    return value.isoformat()


# Exact classes only: a subclass may serialise differently, so it falls back to marshmallow.
_SIMPLE: dict[type, Dumper] = {
    fields.String: _text, fields.Integer: int, fields.Float: float, fields.Boolean: bool,
    fields.DateTime: _iso, fields.Date: _iso, fields.Raw: _passthrough,
}


class CompiledSchema(Schema):
    """A marshmallow Schema whose ``dump`` is compiled on first use (see the module docstring)."""

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        if self.only is not None or self.exclude:
            return super().dump(obj, many=many)
        dump_one = _compiled(type(self))
        if self.many if many is None else many:
            return [dump_one(item) for item in obj]
        return dump_one(obj)


_COMPILED: dict[type, Dumper] = {}


def _compiled(schema_class: type[Schema]) -> Dumper:
    if schema_class not in _COMPILED:
        _COMPILED[schema_class] = _compile(schema_class())
    return _COMPILED[schema_class]


def _compile(schema: Schema) -> Dumper:
    plan = [(field.data_key or name, field.attribute or name, _field_dumper(name, field))
            for name, field in schema.dump_fields.items()]
    keys = tuple(key for key, _attribute, _convert in plan)
    converters = tuple(convert for _key, _attribute, convert in plan)
    read_all = attrgetter(*(attribute for _key, attribute, _convert in plan)) if len(plan) > 1 else None

    def dump_one(obj: Any) -> dict[str, Any]:
        # An object with every attribute is the usual case: all of them read in one call, not one lookup each.
        if read_all is not None and not isinstance(obj, Mapping):
            try:
                values = read_all(obj)
            except AttributeError:
                pass
            else:
                return {key: None if value is None else convert(value)
                        for key, convert, value in zip(keys, converters, values, strict=True)}
        get = obj.get if isinstance(obj, Mapping) else (lambda attribute, default: getattr(obj, attribute, default))
        found: dict[str, Any] = {}
        for key, attribute, convert in plan:
            value = get(attribute, MISSING)
            if value is MISSING:
                continue
            found[key] = None if value is None else convert(value)
        return found

    return dump_one


def _field_dumper(name: str, field: fields.Field) -> Dumper:
    kind = type(field)
    if kind in _SIMPLE and getattr(field, "format", None) in (None, "iso"):
        return _SIMPLE[kind]
    if isinstance(field, fields.Nested) and kind is fields.Nested and _compilable(field):
        inner = _compiled(field.nested)  # type: ignore[arg-type]
        return (lambda items: [inner(item) for item in items]) if field.many else inner
    if isinstance(field, fields.List) and kind is fields.List:
        item = _field_dumper(name, field.inner)
        return lambda items: [None if value is None else item(value) for value in items]
    return lambda value: field._serialize(value, name, None)


def _compilable(field: fields.Nested) -> bool:
    nested = field.nested
    return isinstance(nested, type) and issubclass(nested, CompiledSchema) and field.only is None \
        and not field.exclude
