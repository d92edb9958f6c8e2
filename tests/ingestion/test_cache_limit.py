"""One ingest of a long input (a large folder): its caches start empty past the limit, and what it stores and
reports is exactly what an unbounded run stores and reports."""

from __future__ import annotations

from typing import Any

from portal import db
from portal.ingestion import caches
from portal.ingestion.pipeline import SourceRun, ingest
from tests.conftest import _empty_tables
from tests.ingestion.test_stream import _edge_chunks, _residents, _stored

LIMIT = 30
CHUNK = 4  # items per transaction: here one adds at most a dozen lookups


def _one_source(chunks: list[tuple[str, list[Any]]]) -> list[Any]:
    return [item for source, items in chunks if source == "ehr" for item in items]


def _held(run: SourceRun) -> int:
    """Lookups the run's caches hold, counted here, not by the code under test."""
    p = run.projection
    return (sum(len(log.known) for log in run.logs.values()) + len(run.logged_waits) + len(p.persons)
            + len(p.links) + len(p.orgs) + len(p.org_keys) + len(p.placeholders) + len(p.guardian_blocks))


def test_one_ingest_past_the_cache_limit_stores_and_reports_what_an_unbounded_one_does_and_stays_bounded(
        app, refuse, monkeypatch):
    items = _one_source([*_edge_chunks(1), *_residents(60)])
    refuse("journal_entry", "source_key", "ehr|Observation|o25")  # its chunk is retried item by item
    unbounded = ingest(db.session(), items, "ehr", secret_key=app.config["SECRET_KEY"], chunk_size=CHUNK)
    unbounded_stored = _stored()
    db.session().close()
    _empty_tables()

    monkeypatch.setattr(caches, "CACHE_LIMIT", LIMIT)
    peaks: list[int] = []
    chunk = SourceRun.chunk

    def measured(self: SourceRun, chunk_items: list[Any]) -> None:
        chunk(self, chunk_items)
        peaks.append(_held(self))

    monkeypatch.setattr(SourceRun, "chunk", measured)
    bounded = ingest(db.session(), items, "ehr", secret_key=app.config["SECRET_KEY"], chunk_size=CHUNK)

    assert bounded == unbounded
    assert _stored() == unbounded_stored
    assert bounded.quarantined >= 2 and len(unbounded_stored["person"]) > 60
    assert max(peaks) <= LIMIT + 12  # the limit and what one chunk adds
    assert sum(later < earlier for earlier, later in zip(peaks, peaks[1:], strict=False)) >= 5  # emptied
