"""ingest_many: chunks stored while the next is prepared store and report exactly what one ingest per chunk does,
and a chunk that fails to store never lets a later one commit before it."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal import db
from portal.demo.generator import generate_households
from portal.demo.output import batched, bundles
from portal.identity.personnummer import make
from portal.ingestion import caches, stream
from portal.ingestion.models import QuarantinedInput, ResourceEvent
from portal.ingestion.pipeline import ingest
from portal.ingestion.report import IngestReport
from portal.ingestion.stream import IngestStopped, ingest_many
from tests.conftest import _empty_tables
from tests.ingestion import fhir_factories as f
from tests.ingestion.readmodel_dump import dump_read_model
from tests.ingestion.test_batching import _edge_cases, _units_entered_in_error, _waiting_past_a_retraction

Chunk = tuple[str, list[Any]]


def _split(runs: list[Chunk], size: int) -> list[Chunk]:
    return [(source, items[start:start + size]) for source, items in runs for start in range(0, len(items), size)]


def _demo_chunks() -> list[Chunk]:
    """As the demo loader sends them: one chunk, a collection Bundle, per source of a few households."""
    households = batched(generate_households(40, 3, date(2025, 3, 15)), 6)
    return [(source, [bundle]) for batch in households
            for source, bundle in bundles([item for household in batch for item in household])]


def _edge_chunks(size: int) -> list[Chunk]:
    bad = [{"resourceType": "Bundle", "type": "document", "entry": []},
           f.bundle("transaction", f.encounter("t1"), f.observation("t2", status="nonsense")),
           f.observation("no-subject", subject=None)]
    return _split([*_edge_cases(), ("ehr", bad), *_units_entered_in_error(), *_waiting_past_a_retraction()], size)


def _waits_released_in_turn() -> list[Chunk]:
    """A RelatedPerson waits for the child, then (released) for the guardian, then applies; a Patient goes and
    comes back."""
    return [("ehr", [f.patient()]), ("ehr", [f.related_person()]), ("ehr", [f.patient("child", f.PNR_CHILD)]),
            ("ehr", [f.patient("g", f.PNR_GUARDIAN)]), ("ehr", [f.encounter("e9", subject={"reference": "Patient/g"})]),
            ("ehr", [f.bundle("batch", deletes=("Patient/g",))]),
            ("ehr", [f.patient("g", f.PNR_GUARDIAN, meta=f.meta("2", "2024-03-01T00:00:00Z"))]),
            ("ehr", [f.encounter("e10", subject={"reference": "Patient/g"})])]


def _residents(count: int) -> list[Chunk]:
    """Chunk n: resident n's Patient, Encounter and Observation, and an Encounter of resident n + 2, which waits."""
    def subject(n: int) -> dict:
        return {"reference": f"Patient/r{n}"}

    return [("ehr", [f.patient(f"r{n}", make(date(1950, 1, 1) + timedelta(days=n), 981)),
                     f.encounter(f"e{n}", subject=subject(n)), f.observation(f"o{n}", subject=subject(n)),
                     f.encounter(f"w{n + 2}", subject=subject(n + 2))]) for n in range(count)]


@pytest.fixture
def slow_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer takes its time over each chunk, so the next is prepared while it is surely not yet stored."""
    def store_slowly(*args: Any) -> None:
        time.sleep(0.03)
        store(*args)

    store = stream.store
    monkeypatch.setattr(stream, "store", store_slowly)


def _one_ingest_per_chunk(app: Flask, chunks: list[Chunk]) -> list[IngestReport]:
    return [ingest(db.session(), items, source, secret_key=app.config["SECRET_KEY"], chunk_size=len(items))
            for source, items in chunks]


def _streamed(app: Flask, chunks: Iterable[Chunk]) -> list[IngestReport]:
    return ingest_many(db.new_session, iter(chunks), secret_key=app.config["SECRET_KEY"])


def _stored() -> dict[str, list]:
    """The read model, the event log and the quarantine, without surrogate ids and arrival times."""
    session = db.session()
    events = session.execute(select(
        ResourceEvent.source, ResourceEvent.resource_type, ResourceEvent.resource_id, ResourceEvent.version_id,
        ResourceEvent.last_updated, ResourceEvent.deleted, ResourceEvent.status, ResourceEvent.waiting_for,
        ResourceEvent.payload)).all()
    quarantined = session.execute(select(
        QuarantinedInput.source, QuarantinedInput.origin, QuarantinedInput.resource_type,
        QuarantinedInput.resource_id, QuarantinedInput.reason, QuarantinedInput.element, QuarantinedInput.message,
        QuarantinedInput.payload)).all()
    session.commit()
    return {**dump_read_model(), "events": sorted(map(tuple, events)), "quarantine": sorted(map(tuple, quarantined))}


def _both_ways(app: Flask, chunks: list[Chunk]) -> Iterator[tuple[Any, dict[str, list]]]:
    """(reports, what is stored) of one ingest per chunk, then of ingest_many, each from empty tables."""
    for load in (_one_ingest_per_chunk, _streamed):
        try:
            outcome: Any = load(app, chunks)
        except IngestStopped as stopped:
            outcome = stopped
        yield outcome, _stored()
        db.session().close()
        _empty_tables()


@pytest.mark.parametrize("chunks", [_demo_chunks(), _edge_chunks(1), _edge_chunks(3), _waits_released_in_turn()],
                         ids=["demo", "edge-cases-one-item-a-chunk", "edge-cases-three-items-a-chunk", "waits"])
def test_streamed_chunks_store_and_report_exactly_what_one_ingest_per_chunk_does(app, slow_writer, chunks):
    (serial_reports, serial_stored), (streamed_reports, streamed_stored) = _both_ways(app, chunks)
    assert streamed_reports == serial_reports
    assert streamed_stored == serial_stored
    assert serial_stored["journal_entry"] and serial_stored["person"] and serial_stored["events"]


def _observations() -> list[Chunk]:
    return [("ehr", [f.patient(), f.observation("o1")]),
            ("ehr", [f.observation("o2"), f.observation("boom"), f.observation("o3")]),
            ("ehr", [f.observation("o4")]),
            ("ehr", [f.observation("o5")])]


def test_a_chunk_the_database_refuses_is_retried_item_by_item_as_ingest_does_and_later_chunks_follow(
        app, refuse):
    refuse("journal_entry", "source_key", "ehr|Observation|boom")
    (serial_reports, serial_stored), (streamed_reports, streamed_stored) = _both_ways(app, _observations())
    assert streamed_reports == serial_reports
    assert streamed_stored == serial_stored
    assert [report.quarantined for report in streamed_reports] == [0, 1, 0, 0]
    assert "could not be stored" in streamed_reports[1].issues[0].message
    assert {row[2] for row in streamed_stored["events"]} == {"p1", "o1", "o2", "o3", "o4", "o5"}


def test_an_error_that_persists_in_chunk_n_stops_with_the_chunks_before_it_stored_whole_and_nothing_after(
        app, refuse):
    refuse("resource_event", "resource_id", "boom")
    refuse("quarantine", "resource_id", "boom")  # not even its quarantine can be stored
    with pytest.raises(IngestStopped) as stopped:
        _streamed(app, _observations())
    assert [report.counts()["applied"] for report in stopped.value.reports] == [2]
    stored = _stored()
    assert {row[2] for row in stored["events"]} == {"p1", "o1"}
    assert len(stored["journal_entry"]) == 1 and stored["quarantine"] == []


def test_a_streamed_chunk_whose_bundle_is_invalid_is_quarantined_and_reported_with_the_others_stored(app):
    chunks = [("ehr", [f.patient()]), ("ehr", [{"resourceType": "Bundle", "type": "document", "entry": [{}]}]),
              ("ehr", [f.encounter()])]
    reports = _streamed(app, chunks)
    assert [report.counts()["quarantined"] for report in reports] == [0, 1, 0]
    assert reports[1].to_operation_outcome()["issue"][0]["expression"] == ["Bundle.type"]
    assert len(_stored()["journal_entry"]) == 1


def test_an_error_before_chunk_n_is_prepared_leaves_every_chunk_before_it_stored_and_reported(app, slow_writer):
    def chunks() -> Iterator[Chunk]:
        yield from _observations()[:2]
        raise OSError("the source went away")

    with pytest.raises(IngestStopped) as stopped:
        _streamed(app, chunks())
    assert isinstance(stopped.value.__cause__, OSError)
    assert [report.counts()["applied"] for report in stopped.value.reports] == [2, 3]
    assert {row[2] for row in _stored()["events"]} == {"p1", "o1", "o2", "boom", "o3"}


def test_a_stream_past_the_cache_limit_stores_what_one_ingest_per_chunk_does_and_its_caches_stay_bounded(
        app, slow_writer, refuse, monkeypatch):
    monkeypatch.setattr(caches, "CACHE_LIMIT", 30)
    peaks: list[int] = []
    prepare = stream._Stream._prepare

    def measured(self: Any, chunk: Any) -> None:
        prepare(self, chunk)
        p = self.projection
        peaks.append(sum(len(log.known) for log in self.logs.values()) + len(self.caches.logged_waits) + len(p.persons)
                     + len(p.links) + len(p.orgs) + len(p.org_keys) + len(p.guardian_blocks))

    monkeypatch.setattr(stream._Stream, "_prepare", measured)
    refuse("journal_entry", "source_key", "ehr|Observation|o25")
    chunks = [*_edge_chunks(1), *_residents(60)]
    (serial_reports, serial_stored), (streamed_reports, streamed_stored) = _both_ways(app, chunks)
    assert streamed_reports == serial_reports
    assert streamed_stored == serial_stored
    assert sum(report.quarantined for report in streamed_reports) >= 1 and len(serial_stored["person"]) > 60
    assert max(peaks) <= 30 + 12  # the limit and what one chunk adds
    assert sum(later < earlier for earlier, later in zip(peaks, peaks[1:], strict=False)) >= 10  # emptied


def _noting_the_threshold(seen: list[tuple[int, ...]], then: Exception | None = None) -> Iterator[Chunk]:
    """One chunk, noting the collector's threshold while chunks load; then ``then`` is raised, if given."""
    seen.append(gc.get_threshold())
    yield from _observations()[:1]
    if then is not None:
        raise then


def test_garbage_is_collected_less_often_while_chunks_load_and_as_before_afterwards(app):
    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []
    with pytest.raises(IngestStopped):
        _streamed(app, _noting_the_threshold(seen, OSError("the source went away")))
    assert seen[0][0] == stream.BULK_GC_THRESHOLD and seen[0][1:] == before[1:]
    assert gc.get_threshold() == before


def test_garbage_collection_switched_off_by_the_caller_stays_off_while_chunks_load(app):
    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []
    gc.set_threshold(0, *before[1:])
    try:
        _streamed(app, _noting_the_threshold(seen))
    finally:
        gc.set_threshold(*before)
    assert seen == [(0, *before[1:])]
