"""Grow a loaded base population N-fold in SQL: every copy gets a new personnummer and fresh keys.

Each copy of a base person keeps their age, household, guardians and record (so every share of the demo
distributions holds exactly), with a new demo personnummer from the demo's own allocator (the birth date may move
a day when a day's serials are used up), a new opaque id and new source keys. The demo's numbers (serials 980-999,
twenty a day) run out near a million persons: where no free one is left within a year of a person's birth date
(from about 200 copies of the base on), the copy gets that date and a demo serial with a deliberately wrong check
digit, a number no real person can hold (``_Numbers``); such persons are never picked to sign in. The event log is
not copied: the HTTP cases read only the read model, and ingestion and rebuild are measured on their own.

Copies are written as a bulk load: secondary indexes set aside and rebuilt at the end (bench/indexes.py), base
rows read from a snapshot (a growing table is never scanned), copy after copy so that each copy's rows lie
together on disk as a loaded population's do. On PostgreSQL the two largest tables are emptied and written anew
from the snapshot, base rows first: with the bench cluster's ``wal_level = minimal`` (bench/pg.py) rows written
into a table emptied in the same transaction skip the WAL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import Connection, MetaData, Table, create_engine, insert, inspect, select, text

from bench import indexes
from bench.common import log
from portal.demo.numbers import SERIALS, NumberAllocator
from portal.identity.personnummer import make

PERSON_REFS = ("person_id", "proxy_id", "subject_id", "blocked_person_id")
# Tables that belong to persons (all their rows are the base's until the copy starts).
TABLES = ("patient_link", "relationship", "consent_directive", "access_exception", "care_plan", "care_plan_goal",
          "care_plan_activity", "appointment", "journal_entry")
REWRITTEN = ("appointment", "journal_entry")  # no foreign key points at them, so TRUNCATE may empty them


def replicate(url: str, copies: int) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        restore = _bulk_mode(connection)
        _copy(connection, copies)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        restore(connection)
        # On PostgreSQL VACUUM too: a copy never vacuumed has an empty visibility map, and autovacuum would then
        # work through the whole journal (35 GB at 1,000,000 persons) during the measurements.
        connection.exec_driver_sql("VACUUM (ANALYZE)" if connection.dialect.name == "postgresql" else "ANALYZE")
    engine.dispose()


def _copy(connection: Connection, copies: int) -> None:
    person = Table("person", MetaData(), autoload_with=connection)
    columns = {name: [c["name"] for c in inspect(connection).get_columns(name)] for name in TABLES}
    keyed = ("person", *(name for name in TABLES if "id" in columns[name]))
    bounds = {name: _max(connection, name) for name in keyed}
    rebuild = indexes.set_aside(connection, ("person", *TABLES))
    _persons(connection, person, copies, bounds["person"])
    for table in TABLES:
        _table(connection, table, columns[table], copies, bounds)
    started = time.monotonic()
    indexes.rebuild(connection, rebuild)
    log(f"  {len(rebuild)} indexes rebuilt in {time.monotonic() - started:.0f} s")
    if connection.dialect.name == "postgresql":
        for table in keyed:
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))


def _bulk_mode(connection: Connection) -> Callable[[Connection], None]:
    """Settings for one large write; returns what puts back the ones that outlive the transaction."""
    if connection.dialect.name == "postgresql":
        # Foreign key triggers off: a copy refers only to rows of its own copy, which exist by construction.
        for setting in ("session_replication_role = replica", "synchronous_commit = off",
                        "maintenance_work_mem = '1GB'", "temp_buffers = '512MB'"):
            connection.exec_driver_sql(f"SET LOCAL {setting}")
        return lambda _connection: None
    journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000", "temp_store = MEMORY"):
        connection.exec_driver_sql(f"PRAGMA {pragma}")
    return lambda later: later.exec_driver_sql(f"PRAGMA journal_mode = {journal}")


def _max(connection: Connection, table: str) -> int:
    return int(connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar() or 0)


def _persons(connection: Connection, person: Table, copies: int, top: int) -> None:
    started = time.monotonic()
    base = connection.execute(select(person).order_by(person.c.id)).mappings().all()
    numbers = _Numbers(tuple(row["personnummer"] for row in base))
    rows = []
    for copy in range(1, copies):
        for row in base:
            number, birth = numbers.allocate(row["id"], row["birth_date"], row["gender"] == "female",
                                             bool(row["is_coordination_number"]))
            rows.append({**row, "id": row["id"] + copy * top, "public_id": f"{row['public_id']}c{copy}",
                         "personnummer": number, "birth_date": birth})
    connection.execute(insert(person), rows)
    log(f"  person: {len(rows):,} rows in {time.monotonic() - started:.0f} s "
        f"({numbers.unusable:,} with a deliberately invalid number)")


class _Numbers:
    """The demo's allocator while it has a number within a year of the birth date, then invalid demo numbers.

    Once a base person's year is full it stays full (numbers are never given back), so their later copies go
    straight to the fallback instead of scanning a full year again: without that, a million persons take an hour
    here. The fallback keeps the date and a demo serial and takes one of the nine wrong check digits, so it cannot
    be anyone's real number nor collide with a valid one; a full date moves a day earlier, as the allocator does.
    """

    def __init__(self, reserved: tuple[str, ...]) -> None:
        self._allocator = NumberAllocator(reserved)
        self._full: set[int] = set()  # base persons whose year of valid numbers is used up
        self._taken: dict[tuple[date, bool, bool], int] = {}  # invalid numbers handed out per date and kind
        self.unusable = 0

    def allocate(self, person: int, birth: date, female: bool, coordination: bool) -> tuple[str, date]:
        if person not in self._full:
            try:
                return self._allocator.allocate(birth, female, coordination)
            except RuntimeError:
                self._full.add(person)
        serials = [s for s in SERIALS if s % 2 == (0 if female else 1)]
        day = birth
        while self._taken.get((day, female, coordination), 0) >= 9 * len(serials):
            day -= timedelta(days=1)
        taken = self._taken.get((day, female, coordination), 0)
        self._taken[(day, female, coordination)] = taken + 1
        valid = make(day, serials[taken % len(serials)], coordination)
        self.unusable += 1
        return f"{valid[:-1]}{(int(valid[-1]) + 1 + taken // len(serials)) % 10}", day


def _table(connection: Connection, table: str, names: list[str], copies: int, bounds: dict[str, int]) -> None:
    started = time.monotonic()
    key = ", ".join(map(_quoted, inspect(connection).get_pk_constraint(table)["constrained_columns"]))
    connection.exec_driver_sql(f"CREATE TEMP TABLE base_{table} AS SELECT * FROM {table} ORDER BY {key}")
    first = 1
    if connection.dialect.name == "postgresql" and table in REWRITTEN:
        connection.exec_driver_sql(f"TRUNCATE {table}")
        first = 0  # the base's own rows, as they were
    for copy in range(first, copies):
        expressions = ", ".join(_expression(name, table, copy, bounds) for name in names)
        connection.exec_driver_sql(f"INSERT INTO {table} ({', '.join(map(_quoted, names))}) "
                                   f"SELECT {expressions} FROM base_{table}")
    connection.exec_driver_sql(f"DROP TABLE base_{table}")
    log(f"  {table}: {copies - 1} copies in {time.monotonic() - started:.0f} s")


def _expression(name: str, table: str, copy: int, bounds: dict[str, int]) -> str:
    if copy == 0:
        return _quoted(name)
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
