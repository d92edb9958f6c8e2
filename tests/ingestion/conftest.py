"""Ingestion fixtures: run the pipeline with the test app's session and key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

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
