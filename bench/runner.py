"""One combination (database, population, workers): the portal's cases, then the floor's, same gunicorn settings."""

from __future__ import annotations

import statistics
from typing import Any

from bench import cases, pages
from bench.common import SECRET_KEY, log, portal_env
from bench.credentials import Sample, samples
from bench.http import Server, floor_env, status, tree_cpu_seconds, wrk

WARM_UP_SECONDS = 1  # a worker has served dozens of requests by then: pools, templates, prepared statements


def portal_app(url: str):  # type: ignore[no-untyped-def]
    from portal import create_app

    return create_app({"env": "development", "dev_idp": True, "secret_key": SECRET_KEY, "database_url": url})


def run(db: str, persons: int, workers: int, url: str, floor_db: str, seconds: float, with_pages: bool,
        db_pid: int | None = None, rounds: int = 1) -> tuple[list[dict[str, Any]], dict[str, Any], list[Sample]]:
    """``db_pid``: PostgreSQL's postmaster, so each case's CPU counts its backends too (SQLite runs in the worker).

    The portal and the floor run side by side (the idle one takes no CPU), and each floor case is measured right
    beside the portal case it is compared with (``SEQUENCE``): the machine's speed drifts over minutes, and a ratio
    of two figures taken minutes apart carried that drift. With ``rounds`` above 1 the sequence runs that many
    times, backwards every other time; each row is then the run with the median req/s, and its ratio to the floor
    the median of each round's ratio (see ``_summary``).
    """
    where = {"db": db, "persons": persons, "workers": workers}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in SEQUENCE}
    with Server("portal.wsgi:app", workers, portal_env(url)) as server, \
            Server("bench.floor:app", workers, floor_env(portal_env(url), floor_db)) as floor:
        people = samples(portal_app(url), server.base + "/dev-idp")
        for round_ in range(rounds):
            for name in SEQUENCE if round_ % 2 == 0 else tuple(reversed(SEQUENCE)):
                log(f"  {db} {persons:,} {workers}w {name}" + (f" round {round_ + 1}/{rounds}" if rounds > 1 else ""))
                runs[name].append(_measure(name, server, floor, people, seconds, db_pid))
        found_pages = audit_pages(server.base, people[0]) if with_pages else {}
    rows = {name: {**where, "case": name, **_summary(measured)} for name, measured in runs.items()}
    _compare_with_floors(rows, runs)
    ordered = [rows[case.name] for case in cases.CASES] + [rows[name] for name in cases.FLOOR_CASES]
    return ordered, found_pages, people


# Each API case next to its floor; the pages, compared with the journal's floor, after. Backwards, the pairs stay.
SEQUENCE = ("api_journal", "floor_journal", "floor_journal_kind", "api_journal_kind", "api_appointments",
            "floor_appointments", "page_journal", "page_start")
ROUND_FIGURES = ("req_per_s", "p50_ms", "p99_ms", "errors", "cpu_ms")


def _measure(name: str, server: Server, floor: Server, people: list[Sample], seconds: float,
             db_pid: int | None) -> dict[str, Any]:
    if name in cases.FLOOR_CASES:
        path = cases.FLOOR_CASES[name]
        return {"path": path, **_load(floor.base, cases.spec(path, None, people), seconds, (floor.process.pid, db_pid))}
    case = next(case for case in cases.CASES if case.name == name)
    return measure_case(server.base, case, people, seconds, (server.process.pid, db_pid))


def _summary(measured: list[dict[str, Any]]) -> dict[str, Any]:
    """One run as it is; of several, the one with the median req/s (the lower of the middle two), and each
    round's figures under ``rounds``. Errors are summed over all of them: every one counts."""
    if len(measured) == 1 or any("req_per_s" not in run for run in measured):
        return measured[0]
    chosen = sorted(measured, key=lambda run: run["req_per_s"])[(len(measured) - 1) // 2]
    return {**chosen, "errors": sum(run["errors"] for run in measured),
            "rounds": [{key: run.get(key) for key in ROUND_FIGURES} for run in measured]}


def _compare_with_floors(rows: dict[str, dict[str, Any]], runs: dict[str, list[dict[str, Any]]]) -> None:
    for case in cases.CASES:
        row = rows[case.name]
        pairs = list(zip(runs[case.name], runs[case.floor], strict=True))
        if all(run.get("req_per_s") and floor_run.get("req_per_s") for run, floor_run in pairs):
            row["floor"] = case.floor
            row["x_floor"] = round(statistics.median(floor_run["req_per_s"] / run["req_per_s"]
                                                     for run, floor_run in pairs), 2)
            if all(run.get("cpu_ms") and floor_run.get("cpu_ms") for run, floor_run in pairs):
                row["x_floor_cpu"] = round(statistics.median(run["cpu_ms"] / floor_run["cpu_ms"]
                                                             for run, floor_run in pairs), 2)


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
