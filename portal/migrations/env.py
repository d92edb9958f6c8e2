"""Alembic environment: the metadata of every portal table."""

from __future__ import annotations

from alembic import context

import portal.models  # noqa: F401 - registers every table
from portal.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # Batch migrations rebuild a table by copy, drop and rename; with foreign keys enforced the
                # drop would cascade and delete every row that points at it (a person's whole journal).
                # The pragma only takes effect outside a transaction, so it goes straight to the driver.
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


run_migrations_online()
