"""The event log (every accepted resource version) and the quarantine (every rejected input, with why)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime


class EventStatus:
    APPLIED = "applied"      # projected into the read model
    SUPERSEDED = "superseded"  # an older version that arrived after a newer one: kept, not applied
    WAITING = "waiting"      # its patient is not known yet; applied when the patient arrives


class ResourceEvent(Base):
    __tablename__ = "resource_event"
    __table_args__ = (
        UniqueConstraint("source", "resource_type", "resource_id", "version_id", name="uq_event_version"),
        Index("ix_event_key", "source", "resource_type", "resource_id"),
        Index("ix_event_waiting", "waiting_for"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    resource_type: Mapped[str] = mapped_column(String(50))
    resource_id: Mapped[str] = mapped_column(String(100))
    version_id: Mapped[str] = mapped_column(String(100))
    last_updated: Mapped[str] = mapped_column(String(40), default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20))
    waiting_for: Mapped[str | None] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[str] = mapped_column(Text)


class QuarantinedInput(Base):
    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    origin: Mapped[str] = mapped_column(String(500), default="")  # file name and line, or "http"
    resource_type: Mapped[str | None] = mapped_column(String(50))
    resource_id: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(100))
    element: Mapped[str] = mapped_column(String(300), default="")
    message: Mapped[str] = mapped_column(String(1000))
    payload: Mapped[str] = mapped_column(Text)
