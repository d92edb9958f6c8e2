"""The one ingestion path for the CLI and HTTP (and, chunk by chunk, for ``stream.ingest_many``).

    ingest(session, items, source, *, secret_key, origin="", chunk_size=500) -> IngestReport

``items`` is any iterable of already-parsed FHIR JSON dicts (single resources or Bundles of type
transaction, batch, collection or searchset), or of ``parsing.Parsed`` / ``parsing.Rejection`` from
``parsing.read_paths``. ``source`` names the source system (part of every key), ``secret_key`` is the app's
SECRET_KEY (it makes public ids reproducible), ``origin`` labels input without its own (e.g. "demo").
Work is committed once per chunk of ``chunk_size`` items; a chunk that fails to store is retried item by
item and the item that still fails is quarantined, so nothing stored is lost or half-written.
What the run looks up is cached (``caches.RunCaches``); past ``caches.CACHE_LIMIT`` lookups they
start empty at the next chunk, so a folder of any size is ingested in bounded memory.
The report's counts always add up: received = applied + unchanged + waiting + quarantined.
``stream.ingest_many`` runs many chunks with PostgreSQL storing one while the next is prepared.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from portal.ingestion import fhir
from portal.ingestion.bundles import (
    BundleRejected,
    delete_target,
    entries_of,
    entry_problems,
    resource_keys,
    resources_in,
)
from portal.ingestion.caches import RunCaches
from portal.ingestion.canonical import canonical_json
from portal.ingestion.eventlog import DELETED_PREFIX, EventLog, Version
from portal.ingestion.models import EventStatus, QuarantinedInput
from portal.ingestion.parsing import Parsed, Rejection
from portal.ingestion.release import release_waiting
from portal.ingestion.report import IngestReport, Issue
from portal.ingestion.validation import Problem, validate
from portal.projection.context import Meta, Projection, Rows, Waiting
from portal.projection.persons import patient_number
from portal.projection.projector import project, retract

FLUSH_ROWS = 2000  # events batched before they are stored: memory stays flat for a Bundle of any size
PROJECTION_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError, StopIteration)


class Unstorable(Exception):
    """A resource passed validation but could not be projected: its item is retried alone, then quarantined."""


def ingest(session: Session, items: Iterable[Any], source: str, *, secret_key: str, origin: str = "",
           chunk_size: int = 500) -> IngestReport:
    """Validate, log, project and commit ``items``; see the module docstring."""
    run = SourceRun(session, source, secret_key, origin)
    iterator = iter(items)
    while chunk := list(islice(iterator, chunk_size)):
        if run.caches.full():
            run.caches.empty()  # every chunk before this one is committed
        run.chunk(chunk)
    return run.report


class SourceRun:
    """One source's ingestion, with ``caches`` of its own or shared with other sources' runs."""

    def __init__(self, session: Session, source: str, secret_key: str, origin: str, *,
                 caches: RunCaches | None = None) -> None:
        self.session = session
        self.source = source[:100]
        self.origin = origin
        self.report = IngestReport()
        self.caches = RunCaches(Projection(session, secret_key)) if caches is None else caches
        self.log = EventLog(session, self.source)
        self.caches.logs[self.source] = self.log
        self.logs = self.caches.logs
        self.logged_waits = self.caches.logged_waits
        self.projection = self.caches.projection
        self.now = datetime.now(UTC)
        self.failure = ""
        self.flush_rows = FLUSH_ROWS

    def use(self, session: Session) -> None:
        """Work in ``session`` from now on (the caches stay)."""
        self.session = self.log.session = self.projection.session = session

    def chunk(self, items: list[Any]) -> None:
        self.prepare(items, store=True)
        self.session.commit()

    def prepare(self, items: list[Any], *, store: bool = False) -> None:
        """Everything of a chunk but its commit; without ``store`` the last rows stay batched, for ``take``."""
        self.now = datetime.now(UTC)
        if not self._attempt(items, store):
            for item in items:
                if not self._attempt([item], True):
                    self._quarantine_item(item)

    def take(self) -> tuple[Rows, list[dict[str, Any]]]:
        """The chunk's batched projection rows and events; the taker stores them in the chunk's transaction."""
        return self.projection.take(), self.log.take()

    def _attempt(self, items: list[Any], store: bool) -> bool:
        snapshot = copy.deepcopy(self.report)
        try:
            with self.session.begin_nested():
                self._preload([_document(item) for item in items])
                for item in items:
                    self._item(item)
                    self._flush_if_large()
                if store:
                    self._flush()
                else:
                    self._release()
        except (SQLAlchemyError, Unstorable) as error:
            self.failure = type(error).__name__
            self._forget(snapshot)
            return False
        return True

    def _forget(self, snapshot: IngestReport) -> None:
        """After a rollback to a savepoint: what the caches hold may not be stored."""
        self.projection.settle()  # the caches also hold what chunks still being stored wrote
        self.report = snapshot
        for log in self.logs.values():
            log.forget()
        self.projection.reset()

    def _preload(self, documents: list[Any]) -> None:
        """What the chunk's resources will look up, in a few queries rather than one per resource."""
        self.log.preload(key for document in documents for key in resource_keys(document))
        patients = [r for document in documents for r in resources_in(document)
                    if r.get("resourceType") == "Patient" and isinstance(r.get("id"), str)]
        self.projection.preload_patients((f"{self.source}|Patient|{r['id']}", patient_number(r)) for r in patients)

    def _flush_if_large(self) -> None:
        if len(self.log.pending) >= self.flush_rows:
            self._flush()

    def _flush(self) -> None:
        """Store what is batched; first apply what the Patients seen since the last flush release."""
        self._release()
        self.projection.sync()
        self.log.flush()

    def _release(self) -> None:
        if self.projection.released:
            release_waiting(self.projection, self.logs, self.logged_waits)

    def _item(self, item: Any) -> None:
        if isinstance(item, Rejection):
            self._quarantine(item.reason, item.element, item.message, item.payload, item.origin, item.resource_type)
            return
        document, origin = (item.document, item.origin) if isinstance(item, Parsed) else (item, self.origin)
        if isinstance(document, dict) and document.get("resourceType") == "Bundle":
            self._bundle(document, origin)
        else:
            self._resource(document, origin)

    def _bundle(self, bundle: dict[str, Any], origin: str) -> None:
        try:
            entries = entries_of(bundle)
        except BundleRejected as error:
            self._quarantine_problems(bundle, origin, [error.problem], count=max(error.count, 1))
            return
        if bundle.get("type") == "transaction":
            self._transaction(bundle, entries, origin)
            return
        for index, entry in entries:
            self._entry(index, entry, f"{origin}#entry[{index}]")
            self._flush_if_large()

    def _transaction(self, bundle: dict[str, Any], entries: list[tuple[int, Any]], origin: str) -> None:
        problems = [p for index, entry in entries for p in entry_problems(index, entry)]
        if problems:
            self._reject_transaction(bundle, origin, problems, len(entries))
            return
        self._flush()
        snapshot = copy.deepcopy(self.report)
        try:
            with self.session.begin_nested():
                for index, entry in entries:
                    self._entry(index, entry, f"{origin}#entry[{index}]")
                    self._flush_if_large()
                self._flush()
        except (SQLAlchemyError, Unstorable):
            self._forget(snapshot)
            self._reject_transaction(bundle, origin, [Problem("invalid-value", "Bundle", "could not be stored")],
                                     len(entries))

    def _reject_transaction(self, bundle: dict[str, Any], origin: str, problems: list[Problem], count: int) -> None:
        rejected = Problem("bundle-rejected", problems[0].element,
                           f"transaction rejected, nothing applied: {len(problems)} invalid entries")
        self._quarantine_problems(bundle, origin, [rejected, *problems], count=count)

    def _entry(self, index: int, entry: Any, origin: str) -> None:
        target = delete_target(entry)
        if target is None:
            self._resource(fhir.get(entry, "resource"), origin)
            return
        problems = entry_problems(index, entry)
        if problems:
            self._quarantine_problems(entry, origin, problems)
            return
        self._delete(*target, _dump(entry))

    def _resource(self, resource: Any, origin: str) -> None:
        payload = canonical_json(resource)
        problems = validate(resource, None if payload is None else len(payload))
        if problems:
            self._quarantine_problems(resource, origin, problems)
            return
        if payload is None:
            raise Unstorable("not JSON")
        kind, rid = resource["resourceType"], resource["id"]
        meta = resource.get("meta") or {}
        incoming = Version(
            meta.get("versionId") or hashlib.sha256(payload.encode()).hexdigest()[:64],
            fhir.sortable_instant(meta.get("lastUpdated")), EventStatus.APPLIED, False,
        )
        if any(v.version_id == incoming.version_id for v in self.log.versions(kind, rid)):
            self.report.unchanged += 1
            return
        current = self.log.current(kind, rid)
        if current is not None and incoming.is_older_than(current):
            incoming.status = EventStatus.SUPERSEDED
            self.log.add(kind, rid, incoming, payload, self.now)
            self.report.unchanged += 1
            return
        self._apply(resource, incoming, current, payload)

    def _apply(self, resource: dict[str, Any], incoming: Version, current: Version | None, payload: str) -> None:
        kind, rid = resource["resourceType"], resource["id"]
        replaces = current is not None and current.status == EventStatus.APPLIED and not current.deleted
        if current is not None:
            self.log.set_status(kind, rid, current, EventStatus.SUPERSEDED)
        meta = Meta(self.source, f"{self.source}|{kind}|{rid}", self.now,
                    fhir.parse_datetime(incoming.last_updated) if incoming.last_updated else None)
        waiting_for = None
        try:
            project(self.projection, resource, meta, replaces)
            self.report.applied += 1
        except Waiting as waiting:
            incoming.status, waiting_for = EventStatus.WAITING, waiting.key
            self.logged_waits.add(waiting.key)
            self.report.waiting += 1
        except PROJECTION_ERRORS as error:
            raise Unstorable(type(error).__name__) from None
        self.log.add(kind, rid, incoming, payload, self.now, waiting_for)

    def _delete(self, kind: str, rid: str, payload: str) -> None:
        current = self.log.current(kind, rid)
        if current is None or current.deleted:
            self.report.unchanged += 1
            return
        if current.status == EventStatus.APPLIED:
            retract(self.projection, kind, f"{self.source}|{kind}|{rid}")
        self.log.set_status(kind, rid, current, EventStatus.SUPERSEDED)
        deleted = Version(DELETED_PREFIX + current.version_id, current.last_updated, EventStatus.APPLIED, True)
        self.log.add(kind, rid, deleted, payload, self.now)
        self.report.applied += 1

    def _quarantine_problems(self, document: Any, origin: str, problems: list[Problem], count: int = 1) -> None:
        first = problems[0]
        kind = fhir.get(document, "resourceType")
        self._quarantine(first.reason, first.element, first.message, _dump(document), origin,
                         kind if isinstance(kind, str) else None, fhir.get(document, "id"), count)
        for problem in problems[1:]:
            self.report.add(Issue(problem.reason, problem.element, problem.message, origin))

    def _quarantine(self, reason: str, element: str, message: str, payload: str, origin: str,
                    kind: str | None = None, rid: Any = None, count: int = 1) -> None:
        self.report.quarantined += count
        self.report.add(Issue(reason, element, message, origin))
        self.session.add(QuarantinedInput(
            source=self.source, received_at=self.now, origin=origin[:500], resource_type=(kind or None) and kind[:50],
            resource_id=str(rid)[:100] if isinstance(rid, str) else None, reason=reason, element=element[:300],
            message=message[:1000], payload=payload,
        ))

    def _quarantine_item(self, item: Any) -> None:
        document = _document(item)
        origin = item.origin if isinstance(item, Parsed) else self.origin
        count = max(len(fhir.as_list(fhir.get(document, "entry"))), 1) if fhir.get(
            document, "resourceType") == "Bundle" else 1
        problem = Problem("invalid-value", str(fhir.get(document, "resourceType") or "")[:50],
                          f"could not be stored ({self.failure})")
        self._quarantine_problems(document, origin, [problem], count)
        self.session.flush()


def _document(item: Any) -> Any:
    if isinstance(item, Parsed):
        return item.document
    return None if isinstance(item, Rejection) else item


def _dump(document: Any) -> str:
    try:
        return json.dumps(document, ensure_ascii=False)[:1_000_000]
    except (TypeError, ValueError):
        return repr(document)[:10_000]

