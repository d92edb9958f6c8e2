"""Appending to the audit chain and verifying it.

Each row's hash is SHA-256 over the previous row's hash and the row's canonical content,
and its ``seq`` is the previous one plus one, so a missing, altered, inserted or reordered
row breaks the chain at a place ``verify`` can name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, String, bindparam, cast, func, insert, literal, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from portal.audit.models import AuditEvent, AuditHead
from portal.db import WHOLE_ALONE, engine, on_postgresql, reads_alone

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "occurred_at", "action", "actor_id", "actor_name", "actor_org", "subject_id", "mode",
    "support_session_id", "channel", "resource", "outcome", "details",
)
# Any fixed number: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 7_240_001


def canonical(row: AuditEvent | dict[str, Any]) -> str:
    values = row if isinstance(row, dict) else {name: getattr(row, name) for name in HASHED_FIELDS}
    content = {name: _plain(values.get(name)) for name in HASHED_FIELDS}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def row_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def lock_chain(session: Session) -> None:
    """Hold the chain's end until this transaction ends (SQLite's write lock already does, BEGIN IMMEDIATE).

    On PostgreSQL the advisory lock covers a chain with no head yet; the head row's lock is the one that
    appends in a single statement take (see ``_append_in_one_statement``), so holding both excludes every writer.
    """
    _lock_chain_end(session.connection())


def _lock_chain_end(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
        connection.execute(select(AuditHead.id).where(AuditHead.id == 1).with_for_update())


def append(session: Session, **fields: Any) -> None:
    """Add one row at the end of the chain, inside the caller's transaction."""
    values = {name: fields.get(name) for name in HASHED_FIELDS}
    values.update(details=fields.get("details") or {}, outcome=fields.get("outcome") or "ok")
    values["occurred_at"] = fields["occurred_at"].astimezone(UTC)
    if on_postgresql(session) and _append_in_one_statement(session, values):
        return
    if reads_alone(session):
        _append_in_own_transaction(session, values)
        return
    session.flush()  # the caller's own rows first, in the order it made them
    _append_rows(session.connection(), values)
    loaded = session.identity_map.get(identity_key(AuditHead, 1))
    if loaded is not None:  # the head as the caller loaded it is behind now
        session.expire(loaded, ["seq", "row_hash"])


def _append_in_own_transaction(session: Session, values: dict[str, Any]) -> None:
    # The caller only reads and takes no write transaction (``db.read_alone``), and this append takes several
    # statements under the chain's lock (on SQLite always, on PostgreSQL while no head is recorded): it gets a
    # transaction of its own, committed before the caller goes on. The caller's reads end first: on SQLite an open
    # read keeps every later commit from checkpointing the WAL past it, which cost a fifth more CPU per request.
    session.commit()
    with engine().begin() as connection:
        _append_rows(connection, values)


def _append_rows(connection: Connection, values: dict[str, Any]) -> None:
    """Under the chain's lock: the row after the head, and the head moved to it. Core statements, not the ORM:
    this runs for every read on SQLite, and a unit of work for two rows cost as much as the read itself."""
    _lock_chain_end(connection)
    head = connection.execute(_HEAD).first()
    seq, prev = (head.seq + 1, head.row_hash) if head else _last_row(connection)
    values["seq"] = seq
    new_hash = row_hash(prev, canonical(values))
    connection.execute(insert(AuditEvent), {**values, "prev_hash": prev, "row_hash": new_hash})
    moved = {"seq": seq, "row_hash": new_hash}
    connection.execute(_MOVE_HEAD if head else insert(AuditHead).values(id=1), moved)


_HEAD = select(AuditHead.seq, AuditHead.row_hash).where(AuditHead.id == 1)
_MOVE_HEAD = update(AuditHead).where(AuditHead.id == 1)


def _append_in_one_statement(session: Session, values: dict[str, Any]) -> bool:
    """Lock the head, insert the row hashed by the database and move the head, in one round trip.

    The head's row lock is held from this statement to the commit, not across several round trips, so
    concurrent readers queue for the chain's end far less. The hash is the same one ``row_hash`` computes:
    SHA-256 over the previous hash, a newline and the canonical content, with the new seq put in by the database.
    False when no head is recorded yet: the caller appends the slow way, which records one.
    """
    before, after = _around_seq(values)
    parameters = {**{name: values[name] for name in _COLUMNS}, "before": before, "after": after}
    return session.connection().execute(_ONE_STATEMENT_APPEND, parameters).first() is not None


def _one_statement_append():  # type: ignore[no-untyped-def]
    """Built once: the statement ``_append_in_one_statement`` runs, with the row's values as parameters."""
    head = (select(AuditHead.id, AuditHead.seq, AuditHead.row_hash).where(AuditHead.id == 1)
            .with_for_update().cte("head"))
    next_seq = head.c.seq + 1
    content = bindparam("before", type_=String()) + cast(next_seq, String) + bindparam("after", type_=String())
    new_hash = func.encode(func.sha256(func.convert_to(head.c.row_hash + literal("\n") + content, "UTF8")), "hex")
    moved = (update(AuditHead).where(AuditHead.id == head.c.id).values(seq=next_seq, row_hash=new_hash)
             .returning(AuditHead.seq, head.c.row_hash.label("prev_hash"), AuditHead.row_hash).cte("moved"))
    parameters = [bindparam(name, type_=AuditEvent.__table__.c[name].type) for name in _COLUMNS]
    return (insert(AuditEvent)
            .from_select(["seq", *_COLUMNS, "prev_hash", "row_hash"],
                         select(moved.c.seq, *parameters, moved.c.prev_hash, moved.c.row_hash))
            .returning(AuditEvent.seq)
            .execution_options(**{WHOLE_ALONE: True}))


_COLUMNS = tuple(name for name in HASHED_FIELDS if name != "seq")
_ONE_STATEMENT_APPEND = _one_statement_append()


def _around_seq(values: dict[str, Any]) -> tuple[str, str]:
    """The canonical content split where the top-level seq's digits go.

    Keys are sorted and every string is JSON-escaped, so the last ``,"seq":`` is the top-level key (a "seq" key
    inside ``details`` comes earlier, because "details" sorts before "seq").
    """
    marked = canonical({**values, "seq": 0})
    before, found, after = marked.rpartition(',"seq":0,')
    if not found:
        raise ValueError("canonical audit content has no top-level seq")
    return before + ',"seq":', "," + after


def _last_row(connection: Connection) -> tuple[int, str]:
    """Where to go on when no head is recorded yet (a chain begun before the head existed, or none at all)."""
    last = connection.execute(
        select(AuditEvent.seq, AuditEvent.row_hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (last[0] + 1, last[1]) if last else (1, GENESIS)


def recorded_head(session: Session) -> tuple[int, str] | None:
    head = session.get(AuditHead, 1)
    return (head.seq, head.row_hash) if head else None


def recorded_anchor(session: Session) -> tuple[int, str]:
    """The last row retention removed, which the first remaining row must follow; the genesis when none was."""
    head = session.get(AuditHead, 1)
    return (head.anchor_seq, head.anchor_hash) if head else (0, GENESIS)


@dataclass(frozen=True)
class Break:
    """Where the chain first fails, and how."""

    seq: int
    problem: str

    def __str__(self) -> str:
        return f"row {self.seq}: {self.problem}"


def verify(
    rows: Iterator[AuditEvent], head: tuple[int, str] | None = None, anchor: tuple[int, str] = (0, GENESIS),
) -> Break | None:
    """The first break in ``rows`` (ordered by seq), or None when the chain is whole.

    ``head`` is the last (seq, hash) recorded outside the table; without it a cut-off tail cannot be seen.
    ``anchor`` is the last row retention removed: the chain goes on from it.
    """
    expected_seq, prev = anchor[0] + 1, anchor[1]
    for row in rows:
        problem = _check_row(row, expected_seq, prev)
        if problem:
            return Break(min(row.seq, expected_seq), problem)
        expected_seq, prev = row.seq + 1, row.row_hash
    if head and (expected_seq - 1, prev) != head:
        return Break(expected_seq, f"chain ends before the recorded head at row {head[0]}: rows were removed")
    return None


def _check_row(row: AuditEvent, expected_seq: int, prev: str) -> str | None:
    if row.seq > expected_seq:
        return f"missing: expected row {expected_seq}, found {row.seq}"
    if row.seq < expected_seq:
        return "out of order or duplicated"
    if row.prev_hash != prev:
        return "does not follow the row before it (inserted, reordered or the previous one altered)"
    if row.row_hash != row_hash(row.prev_hash, canonical(row)):
        return "content altered"
    return None
