"""A psycopg cursor that describes a result's columns only when asked.

psycopg builds ``cursor.description`` (one ``Column`` per column, each decoding its name and looking up its type)
every time it is read, and SQLAlchemy reads it after every statement. Once SQLAlchemy has a statement's result
metadata cached, it only asks whether the description is None: a 20-column journal row cost 19 µs of CPU for a
list nobody read, about 50 µs per API request.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import psycopg
from psycopg.pq import ExecStatus
from psycopg.pq.abc import PGresult

_TUPLES = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class DescribeLaterCursor(psycopg.Cursor[Any]):
    """A ``psycopg.Cursor`` whose ``description`` is a sequence built on first use (same None-ness, same columns)."""

    @property
    def description(self) -> Sequence[psycopg.Column] | None:  # type: ignore[override]
        result = self.pgresult
        if result and (result.nfields or result.status in _TUPLES):  # psycopg's own rule, "SELECT ;" included
            return _Description(self, result)
        return None


class _Description(Sequence[psycopg.Column]):
    __slots__ = ("_columns", "_count", "_cursor", "_result")

    def __init__(self, cursor: DescribeLaterCursor, result: PGresult) -> None:
        self._cursor, self._result, self._count = cursor, result, result.nfields
        self._columns: list[psycopg.Column] | None = None

    def _built(self) -> list[psycopg.Column]:
        if self._columns is None:
            if self._cursor.pgresult is not self._result:
                raise RuntimeError("the cursor has moved on to another result: read its description before that")
            self._columns = [psycopg.Column(self._cursor, index) for index in range(self._count)]
        return self._columns

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> psycopg.Column: ...

    @overload
    def __getitem__(self, index: slice) -> list[psycopg.Column]: ...

    def __getitem__(self, index: int | slice) -> psycopg.Column | list[psycopg.Column]:
        return self._built()[index]

    def __iter__(self) -> Iterator[psycopg.Column]:
        return iter(self._built())

    def __repr__(self) -> str:
        return repr(self._built())
