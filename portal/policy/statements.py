"""Statements the policy builds once per settings and shape, and reuses with each request's parameters.

Building a policy-scoped select costs more than running it; a statement object that is reused also keeps
SQLAlchemy's cache key, so only the parameters change from one request to the next.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from portal.config import Settings

T = TypeVar("T")
MAX_SETTINGS = 16  # apps in one process: one in production, a few hundred over a test run

# id(settings) -> (settings, statements). Holding the settings keeps its id from being reused by another object.
_BUILT: dict[int, tuple[Settings, dict[Hashable, Any]]] = {}


def cached(settings: Settings, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once for these ``settings`` and ``key``; the same object afterwards."""
    held = _BUILT.get(id(settings))
    if held is None or held[0] is not settings:
        if len(_BUILT) >= MAX_SETTINGS:
            _BUILT.clear()
        held = _BUILT[id(settings)] = (settings, {})
    statements = held[1]
    if key not in statements:
        statements[key] = build()
    return statements[key]  # type: ignore[no-any-return]
