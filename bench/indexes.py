"""Secondary indexes of tables about to grow in bulk: set aside before the copy, rebuilt after.

Building an index once over all rows is many times faster than updating it row by row. The list is read from the
database itself, so it follows the migrations; what is rebuilt has the same names and definitions. Primary keys
stay (appending increasing keys is cheap). SQLite cannot drop the indexes behind UNIQUE constraints in a table's
definition; only its CREATE INDEX ones are set aside.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

POSTGRESQL_UNIQUE = text(
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE conrelid = CAST(:table AS regclass) AND contype = 'u' ORDER BY conname")
POSTGRESQL_INDEXES = text(
    "SELECT CAST(i.indexrelid AS regclass)::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
    "WHERE i.indrelid = CAST(:table AS regclass) AND NOT i.indisprimary AND NOT EXISTS ("
    "  SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid) "
    "ORDER BY 1")
SQLITE_INDEXES = text(
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL "
    "ORDER BY name")


def set_aside(connection: Connection, tables: Iterable[str]) -> list[str]:
    """Drop the secondary indexes (and, on PostgreSQL, unique constraints) of ``tables``; return what rebuilds them."""
    rebuild: list[str] = []
    for table in tables:
        if connection.dialect.name == "postgresql":
            rebuild += _postgresql(connection, table)
        else:
            rebuild += _sqlite(connection, table)
    return rebuild


def rebuild(connection: Connection, statements: list[str]) -> None:
    for statement in statements:
        connection.exec_driver_sql(statement)


def _postgresql(connection: Connection, table: str) -> list[str]:
    statements = []
    for name, definition in connection.execute(POSTGRESQL_UNIQUE, {"table": table}).all():
        connection.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        statements.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for name, definition in connection.execute(POSTGRESQL_INDEXES, {"table": table}).all():
        connection.exec_driver_sql(f"DROP INDEX {name}")  # regclass text: already quoted where needed
        statements.append(definition)
    return statements


def _sqlite(connection: Connection, table: str) -> list[str]:
    statements = []
    for name, definition in connection.execute(SQLITE_INDEXES, {"table": table}).all():
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
        statements.append(definition)
    return statements
