"""What an ingestion run remembers between chunks, and the bound on it: a long run keeps memory flat."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.ingestion.eventlog import EventLog
from portal.projection.context import Projection

# Lookups the caches hold at most. Measured on the demo stream: 1.03 per resource (mostly a key's event versions),
# 460 bytes each, so some 90 MB here, where a full load (hundreds of millions of resources) would need 100 GB.
# Emptying them costs 0.1 to 0.3 s (lookups are asked again; ``ingest_many`` also waits for the chunks in flight):
# once per 200,000 resources, about 20 s of loading at 10,000/s, so 1% at most. They are checked between chunks,
# so one chunk's own lookups come on top.
CACHE_LIMIT = 200_000


@dataclass
class RunCaches:
    """What a run remembers between chunks: the projection's lookups, each source's event versions and the keys
    its events were logged waiting for. Runs of several sources (``stream.ingest_many``) share them."""

    projection: Projection
    logs: dict[str, EventLog] = field(default_factory=dict)
    logged_waits: set[str] = field(default_factory=set)

    def full(self) -> bool:
        """Whether they hold more than ``CACHE_LIMIT`` lookups."""
        held = self.projection.cached() + sum(log.cached() for log in self.logs.values()) + len(self.logged_waits)
        return held > CACHE_LIMIT

    def empty(self) -> None:
        """Start empty. Only once all they hold is committed: lookups then find it in the database."""
        for log in self.logs.values():
            log.forget()
        self.projection.reset()
        self.logged_waits.clear()
