"""What ``readmodel rebuild`` keeps in memory per person: the region's 1.7 million residents must fit."""

from __future__ import annotations

import tracemalloc
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from portal import db
from portal.identity.personnummer import make
from portal.ingestion.pipeline import ingest
from portal.projection.rebuild import rebuild
from tests.ingestion import fhir_factories as f

# Measured here, SQLite and PostgreSQL: 160 to 175 bytes for each further person (their personnummer and the source's
# Patient key, each with their id in a dict), 410 to 430 while every person also kept an empty set of guardian
# blocks. (Dicts grow in steps, so a larger population averages more: 270 at 3,000 persons of the demo.)
MOST_PER_PERSON = 300


def _patients(start: int, stop: int) -> list[dict]:
    return [f.patient(f"r{n}", make(date(1940, 1, 1) + timedelta(days=n), 981)) for n in range(start, stop)]


def _held_by_rebuild(app: Flask, monkeypatch: pytest.MonkeyPatch) -> int:
    """Bytes the rebuild holds when everything is replayed, just before it commits and lets go."""
    session = db.session()
    held: list[int] = []
    commit = session.commit

    def measured_commit(*args: Any) -> None:
        held.append(tracemalloc.get_traced_memory()[0])
        commit(*args)

    monkeypatch.setattr(session, "commit", measured_commit)
    tracemalloc.start()
    try:
        rebuild(session, app.config["SECRET_KEY"])
    finally:
        tracemalloc.stop()
        monkeypatch.undo()
    return held[-1]


def test_a_rebuild_keeps_at_most_300_bytes_for_each_further_person(app, monkeypatch):
    ingest(db.session(), _patients(0, 1000), "ehr", secret_key=app.config["SECRET_KEY"])
    with_1000 = _held_by_rebuild(app, monkeypatch)
    ingest(db.session(), _patients(1000, 4000), "ehr", secret_key=app.config["SECRET_KEY"])
    with_4000 = _held_by_rebuild(app, monkeypatch)
    assert (with_4000 - with_1000) / 3000 <= MOST_PER_PERSON
