"""Database engine and sessions: one SQLAlchemy session per request (or per CLI command)."""

from __future__ import annotations

import functools
import os
import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, request
from sqlalchemy import DateTime, Dialect, Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from portal.pg_cursor import DescribeLaterCursor


class Base(DeclarativeBase):
    """Declarative base of every table."""


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; read back aware, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the portal stores instants, give a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object):  # type: ignore[no-untyped-def]
        if dialect.name == "postgresql":
            return _in_utc  # the driver reads timestamptz in the connection's zone: UTC (``_connection_settings``)
        return super().result_processor(dialect, coltype)


def _in_utc(value: datetime | None) -> datetime | None:
    # A journal page reads some forty of these; the usual answer is the value itself.
    if value is None or value.tzinfo is UTC:
        return value
    return value.astimezone(UTC)


def make_engine(url: str) -> Engine:
    engine = _make_engine(url)
    event.listen(engine, "before_cursor_execute", _refuse_statements_that_write_alone)
    os.register_at_fork(after_in_child=_forget_pooled_connections(weakref.ref(engine)))
    return engine


def _forget_pooled_connections(engine_ref: weakref.ref[Engine]):  # type: ignore[no-untyped-def]
    # A forked child (a gunicorn worker of a preloaded app) must not talk on its parent's connections: two
    # processes on one socket mix their answers. It drops them unclosed, because closing would end them for the
    # parent too, and opens its own.
    def forget() -> None:
        engine = engine_ref()
        if engine is not None:
            engine.dispose(close=False)

    return forget


def _make_engine(url: str) -> Engine:
    # hide_parameters: SQL logging (an operator's DEBUG) and error messages never show values (personnummer, text).
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # No pre-ping: it costs a round trip on every request. After a database restart the first use of each dead
    # connection fails once and SQLAlchemy renews the pool; pool_recycle retires connections before proxies and
    # firewalls drop them silently (docs/production.md).
    engine = create_engine(url, pool_recycle=1800, pool_size=5, max_overflow=5, hide_parameters=True,
                           connect_args={"cursor_factory": DescribeLaterCursor})
    event.listen(engine, "connect", _connection_settings)
    return engine


def _connection_settings(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Generic plans: every read of the portal is one person's rows through an index on person_id, the same plan
    # for everyone. Left to choose, PostgreSQL planned the journal read again on every execution at 1,000,000
    # persons (its generic estimate looked worse than the custom ones), and planning cost three times the execution.
    # UTC: instants are stored and handed on in UTC, so the driver reads them as they are, with no zone lookup.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.commit()


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # The driver's own transaction handling is turned off so that ``begin`` below decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    # A transaction that may write takes the write lock up front: deferred, it would fail at once with SQLITE_BUSY
    # when another process wrote between its first read and its first write; immediate, it waits its turn. Reads
    # alone (``read_alone``) write nothing, so they take no lock and wait for no one (WAL).
    connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(READS_ALONE) else "BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_reading_engine"] = engine.execution_options(**_reading_options(engine))
    app.extensions["db_sessionmaker"] = makers = sessionmaker(engine, expire_on_commit=False)
    event.listen(makers, "before_flush", _refuse_writes_without_transaction)
    app.after_request(_release_for_response)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def session() -> Session:
    """The session of this request or app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def new_session() -> Session:
    """A session of its own beside this context's: for work that keeps two transactions open at once."""
    return current_app.extensions["db_sessionmaker"]()  # type: ignore[no-any-return]


def _release_for_response(response: Response) -> Response:
    # Views commit what they write. Whatever is still open is a read: end it before the response is
    # finished, because saving the web session writes on another connection and SQLite has one writer.
    _close_session(None)
    return response


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
        db_session.bind = current_app.extensions["db_engine"]  # the next user of this session writes in transactions


def on_postgresql(db_session: Session) -> bool:
    """Whether ``db_session`` talks to PostgreSQL (where a few paths take a faster, PostgreSQL-only form)."""
    return db_session.get_bind().dialect.name == "postgresql"


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")  # HTTP's safe methods: a request with one of them only reads


def safe_requests_read_alone() -> None:
    """If this request only reads (a safe method), its reads go alone (``read_alone``)."""
    if request.method in SAFE_METHODS:
        read_alone(session())


def read_alone(db_session: Session) -> None:
    """Let ``db_session``'s reads go without the write transaction a change needs; its writes are refused.

    For a request that only reads, whose one write is its audit row, appended on its own and before the data goes
    out. On PostgreSQL each statement commits alone, no BEGIN and no COMMIT (two round trips fewer per read): under
    READ COMMITTED every statement has a snapshot of its own inside a transaction too, so the reads see nothing
    different, and the audit append is one statement, atomic alone. On SQLite the reads share a deferred
    transaction, which takes no write lock, so a read waits for no writer and no other read (the audit row gets a
    transaction of its own, which does). Call before the session's first statement.
    """
    if not db_session.in_transaction():
        db_session.bind = current_app.extensions["db_reading_engine"]


def reads_alone(db_session: Session) -> bool:
    """Whether ``db_session``'s reads go alone (``read_alone``)."""
    return bool(db_session.get_bind().get_execution_options().get(READS_ALONE))


def _reading_options(engine: Engine) -> dict[str, object]:
    autocommit = {"isolation_level": "AUTOCOMMIT"} if engine.dialect.name == "postgresql" else {}
    return {READS_ALONE: True, **autocommit}


def _refuse_writes_without_transaction(db_session: Session, _context: object, _instances: object) -> None:
    # Rows written by a flush belong together; without a transaction a failure would leave half of them.
    if reads_alone(db_session) and (db_session.new or db_session.dirty or db_session.deleted):
        raise RuntimeError("a read that goes alone wrote rows: write inside db.transaction()")


READS_ALONE = "reads_alone"  # execution option of the engine ``read_alone`` binds to
# Execution option of a statement that writes and is whole by itself (the audit append): it may go alone.
WHOLE_ALONE = "whole_alone"
_WRITES = re.compile(r"\b(?:INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE|COPY\s+\S+\s+FROM)\b",
                     re.IGNORECASE)


def _refuse_statements_that_write_alone(  # type: ignore[no-untyped-def]
    connection, _cursor, statement: str, _parameters, context, _executemany: bool,
) -> None:
    # The flush guard above sees the ORM's writes; this one sees every statement, Core and text alike. A write
    # that commits alone cannot be taken back with the rest of its work if what follows fails (and on SQLite one
    # in a deferred transaction can fail at once when another process wrote first).
    if not connection.get_execution_options().get(READS_ALONE):
        return
    if context is not None and context.execution_options.get(WHOLE_ALONE):
        return
    if _writes(statement):
        raise RuntimeError("a read that goes alone sent a write: write inside db.transaction()")


@functools.lru_cache(maxsize=4096)  # a few hundred distinct statements, each string made once by the compiled cache
def _writes(statement: str) -> bool:
    return bool(_WRITES.search(statement))


def hold(db_session: Session, row: object) -> None:
    """Keep ``row`` in ``db_session``'s identity map while the session lives.

    The identity map holds rows weakly: a person looked up to know who is asking would otherwise be gone, and
    the policy's ``session.get`` of the same person a moment later would query again.
    """
    db_session.info.setdefault("held", []).append(row)


@contextmanager
def transaction() -> Iterator[Session]:
    """A transaction for writes: commits when the block ends and rolls back on any error.

    In a request whose reads go alone, the session goes back to transactions for the rest of the request.
    """
    db_session = session()
    if reads_alone(db_session):
        db_session.commit()  # ends the stretch of reads; nothing is pending
        db_session.bind = current_app.extensions["db_engine"]
    with _committed(db_session):
        yield db_session


@contextmanager
def reading() -> Iterator[Session]:
    """A block that reads (and appends its audit rows): committed at its end, rolled back on any error.

    In a request with a safe method its reads go alone (``read_alone``).
    """
    with _committed(session()) as db_session:
        yield db_session


@contextmanager
def _committed(db_session: Session) -> Iterator[Session]:
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise
