"""The floor: a bare Flask app that runs the portal's indexed queries for one person straight through the driver.

No ORM, no sign-in, no policy, no audit: the same SQL shape the journal and appointment queries send (the person's
rows, the region's exclusions, the newest first, the page plus one) and the same rows back as JSON. Served under
the same gunicorn settings as the portal; ``BENCH_FLOOR_DB`` is a SQLite path or a PostgreSQL conninfo string.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, request

from portal.config import Settings

app = Flask(__name__)
DB = os.environ.get("BENCH_FLOOR_DB", "")
POSTGRES = DB.startswith("host=")
SETTINGS = Settings()
COLUMNS = ("e.id, e.public_id, e.kind, e.title, e.effective_at, e.recorded_at, e.status, e.author_name, "
           "e.author_role, e.value, e.value_text, e.value_unit, e.source_system, u.hsa_id, u.name, u.origin, "
           "p.hsa_id, p.name")
NAMES = ("id", "public_id", "kind", "title", "effective_at", "recorded_at", "status", "author_name", "author_role",
         "value", "value_text", "value_unit", "source_system", "unit_hsa_id", "unit_name", "unit_origin",
         "provider_hsa_id", "provider_name")
_connection: Any = None


def _connect() -> Any:
    global _connection
    if _connection is None:
        if POSTGRES:
            import psycopg

            _connection = psycopg.connect(DB, autocommit=True)
            # As the portal's connections (portal.db): one plan for every person. Its limits are parameters too,
            # as the portal's are: with a literal LIMIT the generic plan of the kind filter sorted all of a
            # person's lab results (0.8 ms instead of 0.1 for the heaviest), which PostgreSQL chose at 100,000.
            _connection.execute("SET plan_cache_mode = force_generic_plan")
        else:
            import sqlite3

            _connection = sqlite3.connect(DB, check_same_thread=False)
    return _connection


def _sql(text: str) -> str:
    return text.replace("?", "%s") if POSTGRES else text


def _excluded_units() -> tuple[str, list[Any]]:
    marks = ", ".join("?" for _ in SETTINGS.excluded_unit_kinds)
    return f"(e.unit_id IS NOT NULL AND e.unit_id IN (SELECT id FROM organisation WHERE kind IN ({marks})))", list(
        SETTINGS.excluded_unit_kinds)


def _visible(now: datetime) -> tuple[str, list[Any]]:
    """The journal's visibility conditions for the patient's own eyes, as in portal.policy.visibility."""
    units, params = _excluded_units()
    like = "ILIKE" if POSTGRES else "LIKE"
    words = [f"e.title {like} ? OR e.text {like} ?" for _ in SETTINGS.excluded_keywords]
    for word in SETTINGS.excluded_keywords:
        params += [f"%{word}%", f"%{word}%"]
    delays = []
    for category, days in sorted(SETTINGS.release_delay_days.items()):
        delays.append("(coalesce(e.category, '') = ? AND e.recorded_at > ?)")
        params += [category, _stamp(now - timedelta(days=days))]
    condition = f"NOT ({' OR '.join([units, *words])}) AND NOT ({' OR '.join(delays) or '1 = 0'})"
    return condition, params


def _stamp(moment: datetime) -> Any:
    return moment if POSTGRES else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = _connect().execute(_sql(sql), params)
    return [{name: _plain(value) for name, value in zip(NAMES, row, strict=False)} for row in cursor.fetchall()]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


@app.get("/floor/journal/<int:person_id>")
def journal(person_id: int) -> dict[str, Any]:
    """The first page of a person's journal, newest first, optionally of some kinds."""
    visible, params = _visible(datetime.now(UTC))
    kinds = request.args.getlist("kind")
    where = f"e.person_id = ? AND {visible}" + (f" AND e.kind IN ({', '.join('?' for _ in kinds)})" if kinds else "")
    sql = (f"SELECT {COLUMNS} FROM journal_entry e LEFT JOIN organisation u ON u.id = e.unit_id "
           f"LEFT JOIN organisation p ON p.id = u.parent_id WHERE {where} "
           "ORDER BY e.effective_at DESC, e.id DESC LIMIT ?")
    rows = _rows(sql, [person_id, *params, *kinds, 21])
    return {"entries": rows[:20], "more": len(rows) > 20}


@app.get("/floor/appointments/<int:person_id>")
def appointments(person_id: int) -> dict[str, Any]:
    """Upcoming (soonest first) and the last 50 past appointments."""
    units, params = _excluded_units()
    columns = ("a.id, a.public_id, a.title, a.status, a.kind, a.start, a.end, a.place, a.video_url, "
               "a.practitioner, a.description, a.preparation, a.source_system, u.hsa_id, u.name, u.origin, "
               "p.hsa_id, p.name").replace("a.end", 'a."end"')
    base = (f"SELECT {columns} FROM appointment a LEFT JOIN organisation u ON u.id = a.unit_id "
            f"LEFT JOIN organisation p ON p.id = u.parent_id WHERE a.person_id = ? AND NOT "
            f"{units.replace('e.unit_id', 'a.unit_id')}")
    now = _stamp(datetime.now(UTC))
    upcoming = _plain_rows(f"{base} AND a.start >= ? ORDER BY a.start, a.id LIMIT ?", [person_id, *params, now, 200])
    past = _plain_rows(f"{base} AND a.start < ? ORDER BY a.start DESC, a.id DESC LIMIT ?",
                       [person_id, *params, now, 50])
    return {"upcoming": upcoming, "past": past}


def _plain_rows(sql: str, params: list[Any]) -> list[list[Any]]:
    return [[_plain(value) for value in row] for row in _connect().execute(_sql(sql), params).fetchall()]


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
