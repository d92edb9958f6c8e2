"""Keeps personal data out of library logs an operator may turn up to DEBUG.

SQL parameters are hidden by the engine (``hide_parameters`` in portal/db.py); at DEBUG SQLAlchemy also logs
every result row, which holds personnummer and journal text, so those records are dropped here. Request lines
lose OAuth codes and state in portal/auth/logfilter.py; authlib is held at INFO in portal/auth/__init__.py.
"""

from __future__ import annotations

import logging

from flask import Flask

SQL_LOGGER = "sqlalchemy.engine.Engine"


class DropResultRows(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


def init_app(app: Flask) -> None:
    logger = logging.getLogger(SQL_LOGGER)
    if not any(isinstance(existing, DropResultRows) for existing in logger.filters):
        logger.addFilter(DropResultRows())
