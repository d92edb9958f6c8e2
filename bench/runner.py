"""One combination (database, population, workers): the portal's cases, then the floor's, same gunicorn settings."""

from __future__ import annotations

from typing import Any

from bench import cases, pages
from bench.common import SECRET_KEY, log, portal_env
from bench.credentials import Sample, samples
from bench.http import Server, floor_env, status, tree_cpu_seconds, wrk

WARM_UP_SECONDS = 2


def portal_app(url: str):  # type: ignore[no-untyped-def]
    from portal import create_app

    return create_app({"env": "development", "dev_idp": True, "secret_key": SECRET_KEY, "database_url": url})


def run(db: str, persons: int, workers: int, url: str, floor_db: str, seconds: float,
        with_pages: bool, db_pid: int | None = None) -> tuple[list[dict[str, Any]], dict[str, Any], list[Sample]]:
    """``db_pid``: PostgreSQL's postmaster, so each case's CPU counts its backends too (SQLite runs in the worker).

    The portal and the floor run side by side (the idle one takes no CPU), and each floor case is measured right
    beside the portal case it is compared with (``SEQUENCE``): the machine's speed drifts over minutes, and a ratio
    of two figures taken minutes apart carried that drift.
    """
    rows: dict[str, dict[str, Any]] = {}
    where = {"db": db, "persons": persons, "workers": workers}
    with Server("portal.wsgi:app", workers, portal_env(url)) as server, \
            Server("bench.floor:app", workers, floor_env(portal_env(url), floor_db)) as floor:
        people = samples(portal_app(url), server.base + "/dev-idp")
        by_name = {case.name: case for case in cases.CASES}
        for name in SEQUENCE:
            log(f"  {db} {persons:,} {workers}w {name}")
            if name in cases.FLOOR_CASES:
                path = cases.FLOOR_CASES[name]
                measured = {"path": path, **_load(floor.base, cases.spec(path, None, people), seconds,
                                                  (floor.process.pid, db_pid))}
            else:
                measured = measure_case(server.base, by_name[name], people, seconds, (server.process.pid, db_pid))
            rows[name] = {**where, "case": name, **measured}
        found_pages = audit_pages(server.base, people[0]) if with_pages else {}
    _compare_with_floors(rows)
    ordered = [rows[case.name] for case in cases.CASES] + [rows[name] for name in cases.FLOOR_CASES]
    return ordered, found_pages, people


# Each API case next to its floor; the pages, compared with the journal's floor, after.
SEQUENCE = ("api_journal", "floor_journal", "floor_journal_kind", "api_journal_kind", "api_appointments",
            "floor_appointments", "page_journal", "page_start")


def _compare_with_floors(rows: dict[str, dict[str, Any]]) -> None:
    for case in cases.CASES:
        row, floor_row = rows[case.name], rows[case.floor]
        if row.get("req_per_s") and floor_row.get("req_per_s"):
            row["floor"] = case.floor
            row["x_floor"] = round(floor_row["req_per_s"] / row["req_per_s"], 2)
            if floor_row.get("cpu_ms") and row.get("cpu_ms"):
                row["x_floor_cpu"] = round(row["cpu_ms"] / floor_row["cpu_ms"], 2)


def measure_case(base: str, case: cases.Case, people: list[Sample], seconds: float,
                 pids: tuple[int, int | None]) -> dict[str, Any]:
    path = first_answering(base, case.paths, case.auth, people[0])
    if isinstance(path, dict):
        return path
    return {"path": path, **_load(base, cases.spec(path, case.auth, people), seconds, pids)}


def first_answering(base: str, paths: tuple[str, ...], auth: str, sample: Sample) -> str | dict[str, Any]:
    """The first candidate path that answers 200 for a sample person, or why the case is skipped."""
    answers = []
    for path in paths:
        code, _body = status(base + cases.fill(path, sample), cases.headers(sample, auth))
        if code == 200:
            return path
        answers.append(f"{path} -> {code}")
    return {"skipped": "route not there yet (" + ", ".join(answers) + ")"}


def _load(base: str, spec: list[dict], seconds: float, pids: tuple[int, int | None]) -> dict[str, Any]:
    """wrk's figures, and the CPU the server (and the database) spent per request meanwhile."""
    wrk(base, spec, WARM_UP_SECONDS)
    before = _cpu(pids)
    load = wrk(base, spec, seconds)
    spent = _cpu(pids)
    app_ms, db_ms = ((after - start) / max(load.requests, 1) * 1000 for start, after in zip(before, spent, strict=True))
    return {**load.as_dict(), "cpu_ms": round(app_ms + db_ms, 3), "cpu_app_ms": round(app_ms, 3),
            "cpu_db_ms": round(db_ms, 3)}


def _cpu(pids: tuple[int, int | None]) -> tuple[float, float]:
    server, database = pids
    return tree_cpu_seconds(server), tree_cpu_seconds(database) if database else 0.0


def audit_pages(base: str, sample: Sample) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, paths in cases.PAGES.items():
        path = first_answering(base, paths, "session", sample)
        if isinstance(path, dict):
            found[name] = path
            continue
        log(f"  lighthouse {name} ({path})")
        found[name] = {"path": path, **pages.audit(base + cases.fill(path, sample), sample.cookie,
                                                   scores=name != "entry")}
    return found
