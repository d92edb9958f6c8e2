"""Many rows in one go: inserted by COPY on PostgreSQL (one executemany elsewhere), or looked up by one array.

The values pass through each column type's own bind processing first, so a row stores exactly what an
``insert()`` of the same dict would (UTC instants, JSON text, the refusal of naive datetimes). COPY sends them in
binary, typed as the database's columns are: nothing is formatted as text and parsed back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import JSON, ColumnElement, Connection, String, Table, any_, bindparam, insert, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session

from portal.db import on_postgresql

Row = dict[str, Any]
COLUMN_TYPES = text("SELECT attname, atttypid FROM pg_attribute "
                    "WHERE attrelid = CAST(:table AS regclass) AND attnum > 0 AND NOT attisdropped")
Processor = Callable[[Any], Any] | None
TEXT_OID = 25  # JSON columns are sent as their text: the binary form of json is that text
EMPTY_JSON: dict[type, str] = {list: "[]", dict: "{}"}


def insert_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``."""
    if not rows:
        return
    connection = session.connection()
    columns = list(rows[0])
    if connection.dialect.name != "postgresql" or any(len(row) != len(columns) for row in rows):
        connection.execute(insert(table), list(rows))
        return
    _copy(connection, table, columns, rows)


def _copy(connection: Connection, table: Table, columns: list[str], rows: Sequence[Row]) -> None:
    import psycopg
    from psycopg import sql

    values = _bound_values(connection, table, columns, rows)
    types = _column_types(connection, table)
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
    driver = cast("psycopg.Connection[Any]", connection.connection.driver_connection)  # the dialect is psycopg's
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types([TEXT_OID if _is_json(table, name) else types[name] for name in columns])
            for row in values:
                copy.write_row(row)
    except psycopg.Error as error:
        raise DBAPIError.instance(f"COPY {table.name}", None, error, psycopg.Error, hide_parameters=True) from error


def _column_types(connection: Connection, table: Table) -> dict[str, int]:
    """The type oid of each column of ``table``, read once per database connection."""
    known = connection.info.setdefault("column_types", {})
    if table.name not in known:
        known[table.name] = {name: oid for name, oid in connection.execute(COLUMN_TYPES, {"table": table.name})}
    return known[table.name]  # type: ignore[no-any-return]


def _bound_values(connection: Connection, table: Table, columns: list[str], rows: Sequence[Row]) -> list[list[Any]]:
    """Each row as the driver would get it from an insert; a value the type refuses fails as an insert would."""
    processed = [(index, process) for index, process in enumerate(_processors(connection, table, columns))
                 if process is not None]
    pick = itemgetter(*columns)
    values = [list(pick(row)) for row in rows] if len(columns) > 1 else [[row[columns[0]]] for row in rows]
    try:
        for index, process in processed:
            for row_values in values:
                row_values[index] = process(row_values[index])
    except (ValueError, TypeError) as error:
        raise StatementError(str(error), f"COPY {table.name}", None, error) from error  # type: ignore[arg-type]
    return values


def _processors(connection: Connection, table: Table, columns: list[str]) -> list[Processor]:
    dialect = connection.dialect
    return [_json_text if _is_json(table, name) else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in columns]


def _is_json(table: Table, name: str) -> bool:
    return isinstance(table.c[name].type, JSON)


def _json_text(value: Any) -> str:
    """What SQLAlchemy's JSON type sends for ``value`` (``json.dumps``; None is JSON null); the empty ones known."""
    if not value and type(value) in EMPTY_JSON:
        return EMPTY_JSON[type(value)]
    return json.dumps(value)


def among(session: Session, column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL one array parameter (``= ANY``), not thousands of parameters."""
    if on_postgresql(session):
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]
