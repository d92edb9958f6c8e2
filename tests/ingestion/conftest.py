"""Ingestion fixtures: run the pipeline with the test app's session and key; make the database refuse a row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from portal import db
from portal.ingestion.pipeline import ingest
from portal.ingestion.report import IngestReport


@pytest.fixture
def run(app: Flask) -> Callable[..., IngestReport]:
    def _run(*items: Any, source: str = "ehr") -> IngestReport:
        return ingest(db.session(), list(items), source, secret_key=app.config["SECRET_KEY"], origin="test")
    return _run


@pytest.fixture
def rows(app: Flask) -> Callable[[Any], list[Any]]:
    def _rows(model: Any) -> list[Any]:
        session = db.session()
        session.expire_all()
        return list(session.execute(select(model)).scalars())
    return _rows


@pytest.fixture
def refuse(app: Flask) -> Iterator[Callable[[str, str, str], None]]:
    """Makes the database itself refuse an insert into ``table`` whose ``column`` is ``value``."""
    made: list[str] = []
    postgresql = db.engine().dialect.name == "postgresql"

    def _refuse(table: str, column: str, value: str) -> None:
        name = f"refuse_{table}"
        with db.engine().begin() as connection:
            if postgresql:
                connection.execute(text(
                    "CREATE OR REPLACE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"))
                connection.execute(text(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW "
                                        f"WHEN (NEW.{column} = '{value}') EXECUTE FUNCTION refuse()"))
            else:
                connection.execute(text(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} "
                                        f"WHEN NEW.{column} = '{value}' BEGIN SELECT RAISE(ABORT, 'refused'); END"))
        made.append(f"{name} ON {table}" if postgresql else name)

    yield _refuse
    with db.engine().begin() as connection:
        for trigger in made:
            connection.execute(text(f"DROP TRIGGER {trigger}"))
