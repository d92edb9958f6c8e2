"""Server-side web sessions: the cookie holds only a random id; the data stays here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime


class WebSession(Base):
    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_oidc_sid", "oidc_sid"), Index("ix_web_session_oidc_sub", "oidc_sub"))

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie value
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    oidc_sid: Mapped[str | None] = mapped_column(String(200))
    oidc_sub: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
