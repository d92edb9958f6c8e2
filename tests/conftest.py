"""Fixtures: a migrated database (SQLite, or PostgreSQL when PORTAL_TEST_DATABASE_URL is set), the app, a client."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.orm import close_all_sessions

from portal import create_app, db
from portal.db import Base, make_engine
from portal.migrations import upgrade

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.db'}"
    )
    if url.startswith("postgresql"):
        _drop_everything(url)
    upgrade(url)
    yield url


def _drop_everything(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def app_config(database_url: str, tmp_path) -> dict:
    """Overrides on the environment's settings; tests change rules here, as a region would."""
    return {"env": "test", "secret_key": TEST_SECRET, "database_url": database_url}


@pytest.fixture
def app(app_config: dict) -> Iterator[Flask]:
    application = create_app(app_config)
    application.config["TESTING"] = True
    application.before_request(_fresh_request_globals)
    with application.app_context():
        yield application
        close_all_sessions()
        _empty_tables()
    application.extensions["db_engine"].dispose()


def _fresh_request_globals() -> None:
    # The fixture keeps one app context for the whole test, so ``g`` outlives requests; in production every
    # request has its own. Drop what extensions cache per request, or two test clients share a CSRF token.
    for name in ("csrf_token", "_login_user"):
        g.pop(name, None)


def _empty_tables() -> None:
    engine = db.engine()
    names = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # The audit table refuses TRUNCATE by trigger; tests run as superuser and step around it.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                connection.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - table names from metadata


class Sent(NamedTuple):
    """One statement as the driver got it."""

    alone: bool | None  # the driver in autocommit (PostgreSQL); None on SQLite, whose driver here has no such flag
    statement: str
    connection: int  # which connection sent it


@pytest.fixture
def statements(app: Flask):
    """A block's statements (``Sent``), on every connection of the app's engine."""
    engine = app.extensions["db_engine"]

    @contextmanager
    def watch() -> Iterator[list[Sent]]:
        seen: list[Sent] = []

        def note(connection, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
            dbapi = connection.connection.dbapi_connection
            seen.append(Sent(getattr(dbapi, "autocommit", None), statement, id(dbapi)))

        event.listen(engine, "before_cursor_execute", note)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", note)

    return watch


def reads_went_alone(seen: list[Sent]) -> bool:
    """Whether the reads among ``seen`` took no write transaction (``db.read_alone``): on PostgreSQL every statement
    in autocommit; on SQLite deferred BEGINs, and the write lock (BEGIN IMMEDIATE) only for audit appends."""
    if db.on_postgresql(db.session()):
        return all(sent.alone for sent in seen)
    writing: dict[int, bool] = {}
    for sent in seen:
        if sent.statement.startswith("BEGIN"):
            writing[sent.connection] = sent.statement == "BEGIN IMMEDIATE"
        elif writing.get(sent.connection) and "audit_" not in sent.statement:
            return False
    return any(sent.statement == "BEGIN IMMEDIATE" for sent in seen)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def make(app: Flask):
    """Read-model rows, made directly (the ingestion path has its own tests)."""
    from tests.factories import Factory

    return Factory(db.session())


@pytest.fixture
def settings(app: Flask):
    return app.config["SETTINGS"]


@pytest.fixture
def login(client: FlaskClient):
    """Put a signed-in user in the client's server-side session, as sign-in would (sign-in has its own tests)."""
    from portal import clock

    def sign_in(person, roles: tuple[str, ...] = ()) -> None:
        with client.session_transaction() as session:
            session["auth"] = {
                "sub": f"test-{person.public_id}", "person_id": person.public_id, "name": person.display_name,
                "roles": list(roles), "login_at": clock.now().isoformat(), "auth_time": None,
            }
            session["_user_id"] = person.public_id
            session["_fresh"] = True
        db.session().commit()

    return sign_in


@pytest.fixture
def frozen(monkeypatch):
    """Freeze portal.clock at the factories' NOW so ages and delays are exact."""
    from portal import clock
    from tests.factories import NOW

    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW
