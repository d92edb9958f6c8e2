"""Alembic migrations, run programmatically by ``portal db upgrade``."""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", HERE)
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
