"""Where the demo stream goes: NDJSON files per source, or through ingestion into the read model.

Both take the stream household by household (``generator.generate_households``) so memory stays flat.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from typing import IO, Any

from portal.demo.catalog import REGION_SOURCE, SOURCES
from portal.demo.record import Item

FILE_HOUSEHOLDS = 2000  # households per NDJSON file


def bundles(items: list[Item]) -> list[tuple[str, dict[str, Any]]]:
    """One ``collection`` Bundle per source, the region's first (it carries the Patients)."""
    by_source: dict[str, list[dict[str, Any]]] = {}
    for source, resource in items:
        by_source.setdefault(source, []).append(resource)
    ordered = sorted(by_source, key=lambda source: source != REGION_SOURCE)
    return [(source, {"resourceType": "Bundle", "type": "collection",
                      "entry": [{"resource": resource} for resource in by_source[source]]}) for source in ordered]


def dumps(resource: dict[str, Any]) -> str:
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":"))


class NdjsonWriter:
    """DIR/<source>/<part>.ndjson, one resource a line; ``portal ingest DIR/<source> --source <source>``."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._files: dict[str, IO[str]] = {}
        self.households = 0
        for source in SOURCES:
            os.makedirs(os.path.join(directory, source), exist_ok=True)

    def write(self, items: Iterable[Item]) -> None:
        """One household's items; a new file begins every FILE_HOUSEHOLDS households."""
        if self.households and self.households % FILE_HOUSEHOLDS == 0:
            self.close()
        for source, resource in items:
            self._file(source).write(dumps(resource) + "\n")
        self.households += 1

    def _file(self, source: str) -> IO[str]:
        handle = self._files.get(source)
        if handle is None:
            part = self.households // FILE_HOUSEHOLDS
            path = os.path.join(self.directory, source, f"{part:05d}.ndjson")
            handle = self._files[source] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        return handle

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()


def batched(households: Iterator[list[Item]], size: int) -> Iterator[list[list[Item]]]:
    batch: list[list[Item]] = []
    for household in households:
        batch.append(household)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
