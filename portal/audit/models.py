"""Audit rows: append-only, gap-free sequence, SHA-256 hash chain over canonical content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_subject_time", "subject_id", "occurred_at"),)

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(40))  # read, login, logout, refused, switch, support_start...
    actor_id: Mapped[str | None] = mapped_column(String(64))  # person public id (or staff subject)
    actor_name: Mapped[str | None] = mapped_column(String(200))
    actor_org: Mapped[str | None] = mapped_column(String(200))
    subject_id: Mapped[str | None] = mapped_column(String(64))  # person public id read about
    mode: Mapped[str | None] = mapped_column(String(20))  # self, guardian, representative, support
    support_session_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))  # web, api, cli
    resource: Mapped[str] = mapped_column(String(300), default="")  # what was read: page or type and ids
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's ends: the last (seq, hash), so ``verify`` sees rows cut off the end, and the anchor, the last
    row removed by retention, so the chain that is left still verifies from its first row."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    row_hash: Mapped[str] = mapped_column(String(64))
    anchor_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0, server_default="0")
    anchor_hash: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)
