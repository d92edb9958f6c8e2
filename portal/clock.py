"""The one clock the portal reads, so tests can move time (``monkeypatch.setattr(clock, "now", ...)``)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)
