"""Grow a loaded base population N-fold in SQL: every copy gets new valid personnummer and fresh keys.

Each copy of a base person keeps their age, household, guardians and record (so every share of the demo
distributions holds exactly), with a new demo personnummer from the demo's own allocator (the birth date may move
a day when a day's serials are used up), a new opaque id and new source keys. The event log is not copied: the
HTTP cases read only the read model, and ingestion and rebuild are measured on their own.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, create_engine, inspect, text

from bench.common import log
from portal.demo.numbers import NumberAllocator

PERSON_REFS = ("person_id", "proxy_id", "subject_id", "blocked_person_id")
# Tables that belong to persons, parents before children; (table, column that bounds the base rows).
TABLES = (("patient_link", "person_id"), ("relationship", "id"), ("consent_directive", "id"),
          ("access_exception", "id"), ("care_plan", "id"), ("care_plan_goal", "id"),
          ("care_plan_activity", "id"), ("appointment", "id"), ("journal_entry", "id"))


def replicate(url: str, copies: int) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA cache_size=-1000000")
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
        columns = {name: [c["name"] for c in inspect(connection).get_columns(name)]
                   for name in ("person", *(t for t, _ in TABLES))}
        bounds = {name: _max(connection, name, "id") for name in ("person", "care_plan", *(t for t, _ in TABLES))
                  if "id" in columns[name]}
        allocator = NumberAllocator(tuple(connection.execute(text("SELECT personnummer FROM person")).scalars()))
        base = connection.execute(text("SELECT * FROM person WHERE id <= :top ORDER BY id"),
                                  {"top": bounds["person"]}).mappings().all()
        for copy in range(1, copies):
            _persons(connection, base, copy, bounds["person"], allocator)
            for table, bound in TABLES:
                _rows(connection, table, columns[table], bound, copy, bounds)
            log(f"  copy {copy}/{copies - 1} done")
        if engine.dialect.name == "postgresql":
            for table in ("person", *(t for t, _ in TABLES if "id" in columns[t])):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    engine.dispose()


def _max(connection: Connection, table: str, column: str) -> int:
    return int(connection.execute(text(f"SELECT coalesce(max({column}), 0) FROM {table}")).scalar() or 0)


def _persons(connection: Connection, base: list, copy: int, top: int, allocator: NumberAllocator) -> None:
    rows = []
    for person in base:
        row = dict(person)
        birth = row["birth_date"] if isinstance(row["birth_date"], date) else date.fromisoformat(row["birth_date"])
        number, birth = allocator.allocate(birth, row["gender"] == "female", bool(row["is_coordination_number"]))
        row.update(id=row["id"] + copy * top, public_id=f"{row['public_id']}c{copy}", personnummer=number,
                   birth_date=birth)
        rows.append(row)
    names = list(rows[0])
    connection.execute(text(f"INSERT INTO person ({', '.join(map(_quoted, names))}) VALUES "
                            f"({', '.join(':' + n for n in names)})"), rows)


def _rows(connection: Connection, table: str, names: list[str], bound: str, copy: int,
          bounds: dict[str, int]) -> None:
    expressions = [_expression(name, table, copy, bounds) for name in names]
    top = bounds["person"] if bound == "person_id" else bounds[table]
    connection.execute(text(f"INSERT INTO {table} ({', '.join(map(_quoted, names))}) SELECT {', '.join(expressions)} "
                            f"FROM {table} WHERE {bound} <= :top"), {"top": top})


def _expression(name: str, table: str, copy: int, bounds: dict[str, int]) -> str:
    if name == "id":
        return f"id + {copy * bounds[table]}"
    if name in PERSON_REFS:
        return f"{name} + {copy * bounds['person']}"
    if name == "care_plan_id":
        return f"care_plan_id + {copy * bounds['care_plan']}"
    if name == "public_id":
        return f"public_id || 'c{copy}'"
    if name in ("source_key", "relationship_key"):
        return f"{name} || '#c{copy}'"
    return _quoted(name)


def _quoted(name: str) -> str:
    return f'"{name}"'  # "end" and friends are reserved words in PostgreSQL
