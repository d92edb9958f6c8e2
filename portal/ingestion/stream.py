"""Many chunks, each one transaction, with PostgreSQL storing one chunk while Python prepares the next.

    ingest_many(sessions, chunks, *, secret_key, origin="") -> list[IngestReport]

``chunks`` yields ``(source, items)``; each chunk is validated, logged and projected as ``pipeline.ingest`` does
and committed as one transaction, its event rows with its read-model rows, in the order given. A chunk holds a
session of its own (from ``sessions``) until it is stored: the main thread prepares chunk N+1 while a writer
thread sends the batched rows of chunk N (and of those before it) by COPY and commits them, in turn. psycopg
releases the GIL while it waits on the socket, so PostgreSQL's share of the work overlaps Python's. (On SQLite,
which works inside this process, each chunk is stored when it is handed off; the caller's own session must not
hold a transaction open meanwhile, or SQLite's one writer lock keeps the chunks waiting.)

Chunk N+1 cannot see what chunk N wrote until N commits. It need not while N only added rows: the caches of the
run (event versions, persons, links, organisations, guardian blocks, the keys events wait for) hold all of them.
Once they hold more than ``caches.CACHE_LIMIT`` lookups, the next chunk waits until every chunk handed off is stored and
they start empty: the database then holds all they did.
Any other statement (an update, a delete, a query of the read model) first waits until every chunk handed to the
writer has committed; a chunk whose statement changed what a cached lookup would find (an organisation's HSA-id,
a released waiting event, a deleted person) is committed before the next begins.

If storing chunk N fails, no later chunk commits: the run goes back to chunk N with empty caches and ingests it
and the chunks after it again, one at a time, as ``ingest`` does (failing items are retried one by one and
quarantined), so the reports are those ``ingest`` gives. An error that persists raises ``IngestStopped``, whose
``reports`` are those of the chunks stored (the first ``len(reports)``); nothing of a later chunk is stored.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from portal.db import on_postgresql
from portal.ingestion.caches import RunCaches
from portal.ingestion.eventlog import EVENTS, EventLog
from portal.ingestion.pipeline import SourceRun
from portal.ingestion.report import IngestReport
from portal.projection.bulk import insert_rows
from portal.projection.context import Projection, Rows, store

# A chunk keeps its rows until it is handed off: several Bundles' worth, before they are sent mid-chunk.
STREAM_FLUSH_ROWS = 50_000
# Chunks handed off and not yet stored, at most: a large chunk is often followed by small ones (a source with a
# few resources), and the next large one should not wait for a session while the writer works through them.
IN_FLIGHT = 6
# New container objects between two young garbage collections while chunks are loaded (Python's default: 700).
# A chunk's batched rows live until the writer stores them, so with the default they outlast two young
# collections and count towards a full one, which walks every object of the process: a fifth of the loader's CPU.
BULK_GC_THRESHOLD = 50_000


class IngestStopped(Exception):  # noqa: N818 - a stop, not a failure of the chunks reported
    """Storing stopped at chunk ``len(reports)``; ``reports`` are those of the chunks stored before it."""

    def __init__(self, reports: list[IngestReport]) -> None:
        super().__init__(f"ingestion stopped at chunk {len(reports)}; the chunks before it are stored")
        self.reports = reports


class _Rewind(Exception):  # noqa: N818 - control flow: a chunk handed off failed to store
    pass


@dataclass
class _Chunk:
    source: str
    items: list[Any]
    session: Session
    report: IngestReport = field(default_factory=IngestReport)
    rows: Rows = field(default_factory=Rows)
    events: list[dict[str, Any]] = field(default_factory=list)
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


def ingest_many(sessions: Callable[[], Session], chunks: Iterable[tuple[str, list[Any]]], *, secret_key: str,
                origin: str = "") -> list[IngestReport]:
    """Ingest ``chunks`` (source, items), each committed as one transaction; one report per chunk, in order."""
    stream = _Stream(sessions, secret_key, origin)
    try:
        with _fewer_collections():
            for source, items in chunks:
                stream.chunk(source, list(items))
            stream.finish()
    except BaseException as error:
        stream.stop()
        if not isinstance(error, Exception):  # an interrupt stays one
            raise
        raise IngestStopped(stream.stored) from error
    finally:
        stream.close()
    return stream.stored


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage less often meanwhile; the thresholds are the process's, so they are restored after."""
    thresholds = gc.get_threshold()
    if thresholds[0]:  # 0: collection is off, and stays off
        gc.set_threshold(max(thresholds[0], BULK_GC_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


class _Stream:
    def __init__(self, sessions: Callable[[], Session], secret_key: str, origin: str) -> None:
        self.new_session = sessions
        self.sessions = [sessions()]
        self.secret_key = secret_key
        self.origin = origin
        self.projection = Projection(self.sessions[0], secret_key)
        self.projection.settle = self._settle
        self.caches = RunCaches(self.projection)
        self.logs: dict[str, EventLog] = self.caches.logs
        self.runs: dict[str, SourceRun] = {}
        self.writer = _Writer(threaded=on_postgresql(self.sessions[0]))
        self.stored: list[IngestReport] = []
        self.handed: list[_Chunk] = []  # handed to the writer, not known to be stored yet

    def chunk(self, source: str, items: list[Any]) -> None:
        if self.caches.full():
            self.finish()  # what the caches hold is then all stored
            self.caches.empty()
        chunk = _Chunk(source, items, self._free_session())
        session = chunk.session
        try:
            self._prepare(chunk)
        except _Rewind:
            session.rollback()
            self._rewind([chunk])
            return
        self.handed.append(chunk)
        self.writer.submit(chunk)
        if self.projection.touched:
            self.writer.wait()
        self._check()

    def _free_session(self) -> Session:
        """A session no chunk being stored holds; waits for the oldest when there are IN_FLIGHT of them."""
        if len(self.handed) >= IN_FLIGHT:
            self.handed[0].done.wait()
        busy = {id(chunk.session) for chunk in self.handed if not chunk.done.is_set()}
        free = next((session for session in self.sessions if id(session) not in busy), None)
        if free is None:
            free = self.new_session()
            self.sessions.append(free)
        return free

    def _prepare(self, chunk: _Chunk) -> None:
        run = self._run(chunk.source)
        run.use(chunk.session)
        run.report = chunk.report
        self.projection.touched = False
        run.prepare(chunk.items)
        chunk.report = run.report
        chunk.rows, chunk.events = run.take()

    def _run(self, source: str) -> SourceRun:
        if source[:100] not in self.runs:
            run = SourceRun(self.sessions[0], source, self.secret_key, self.origin, caches=self.caches)
            run.flush_rows = STREAM_FLUSH_ROWS
            run.log.settle = self._settle
            self.runs[source[:100]] = run
        return self.runs[source[:100]]

    def _settle(self) -> None:
        """Wait until every chunk handed off is stored."""
        self.writer.wait()
        if any(chunk.error is not None for chunk in self.handed):
            raise _Rewind

    def _check(self) -> None:
        self._collect()
        if self.handed and self.handed[0].done.is_set():
            self._rewind([])

    def _collect(self) -> None:
        """Report the chunks known to be stored, in order."""
        while self.handed and self.handed[0].done.is_set() and self.handed[0].error is None:
            self.stored.append(self.handed.pop(0).report)

    def _rewind(self, current: list[_Chunk]) -> None:
        """A chunk failed to store: prepare it and those after it again, each storing its own rows, in turn."""
        self.writer.wait()
        self._collect()
        again, self.handed = [*self.handed, *current], []
        self.writer.failed = False
        for log in self.logs.values():
            log.forget()
        self.projection.reset()
        for chunk in again:
            run = self._run(chunk.source)
            run.use(chunk.session)
            run.report = IngestReport()
            run.chunk(chunk.items)
            self.stored.append(run.report)

    def finish(self) -> None:
        self.writer.wait()
        self._check()

    def stop(self) -> None:
        """After an error: the chunks handed off are stored (as ``ingest`` would have) and reported."""
        self.writer.wait()
        self._collect()
        for session in self.sessions:
            session.rollback()

    def close(self) -> None:
        self.writer.close()
        for session in self.sessions:
            session.close()


class _Writer:
    """Stores and commits handed-off chunks in order; once one fails, it only rolls back those after it."""

    def __init__(self, *, threaded: bool) -> None:
        self.failed = False
        self.queue: queue.Queue[_Chunk | None] | None = None
        self.thread: threading.Thread | None = None
        if threaded:
            self.queue = queue.Queue()
            self.thread = threading.Thread(target=self._work, args=(self.queue,), name="ingest-writer", daemon=True)
            self.thread.start()

    def submit(self, chunk: _Chunk) -> None:
        if self.queue is None:
            self._store(chunk)
        else:
            self.queue.put(chunk)

    def wait(self) -> None:
        if self.queue is not None:
            self.queue.join()

    def close(self) -> None:
        if self.queue is not None and self.thread is not None:
            self.queue.put(None)
            self.thread.join()

    def _work(self, chunks: queue.Queue[_Chunk | None]) -> None:
        while (chunk := chunks.get()) is not None:
            self._store(chunk)
            chunks.task_done()
        chunks.task_done()

    def _store(self, chunk: _Chunk) -> None:
        session = chunk.session
        try:
            if self.failed:
                raise _Rewind
            store(session, chunk.rows)
            insert_rows(session, EVENTS, chunk.events)
            session.commit()
        except BaseException as error:  # carried to the main thread, which decides
            session.rollback()
            chunk.error = error
            self.failed = True
        finally:
            chunk.rows, chunk.events = Rows(), []
            chunk.done.set()
