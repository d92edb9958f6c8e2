"""``make bench``: populations, HTTP cases against the floor, ingestion, rebuild, pages, a profile; see README.md.

By default (on the 2-core machine about 9 minutes from a fresh clone, 7 once populations are cached): 2 workers at
10,000 persons on SQLite and PostgreSQL, and 4 workers at 100,000 on PostgreSQL. ``--full`` runs every database x
size x workers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench import ingestion, pages, population, profile, report, runner, scale
from bench.cases import CASES, spec
from bench.common import BENCH, DATA, GENERATED_ON, portal_env, sqlite_url
from bench.credentials import samples
from bench.http import Server, wrk
from bench.pg import Cluster
from bench.population import Target
from bench.reference import reference_ms

DEFAULT_PLAN = (("sqlite", 10_000, 2), ("postgresql", 10_000, 2), ("postgresql", 100_000, 4))
INGEST_RESOURCES = 100_000


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help="every database x 10k/100k x 2/4 workers")
    parser.add_argument("--million", action="store_true",
                        help="add 1,000,000 persons, and 10,000 at 4 workers to compare with (PostgreSQL: about 70 GB "
                             "and 40 min to build; see bench/compressed-volume)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="with --million: rounds of every portal case at 10k and 1M side by side, alternating "
                             "(bench/scale.py; the 1M goal's figure; 0 to skip; with 3, the same code and data "
                             "gave 1.19x and 1.22x in two runs and 1.08x with 5)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure every case of each combination this many times, backwards every other time; "
                             "each row is the run with the median req/s, its x floor the median of the rounds' "
                             "ratios (default 1: each case once)")
    parser.add_argument("--duration", type=float, default=10,
                        help="seconds per HTTP case (default 10, so a cold run fits in 10 minutes)")
    parser.add_argument("--base", type=int, default=1000,
                        help="persons loaded through ingestion; larger populations replicate them (default 1000)")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), action="append", help="only these databases")
    parser.add_argument("--skip-ingestion", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-profile", action="store_true")
    parser.add_argument("--only", action="append", metavar="DB:PERSONS:WORKERS", type=_combination,
                        help="run just these combinations, in this order, instead of the plan (repeatable; e.g. "
                             "postgresql:10000:4 and postgresql:1000000:4 to compare sizes at one worker count)")
    parser.add_argument("--output", default=str(BENCH / "results.json"))
    return parser.parse_args(argv)


def _combination(text: str) -> tuple[str, int, int]:
    db, persons, workers = text.split(":")
    if db not in ("sqlite", "postgresql"):
        raise argparse.ArgumentTypeError(f"unknown database {db!r}")
    return db, int(persons), int(workers)


def plan(args: argparse.Namespace) -> list[tuple[str, int, int]]:
    if args.only:
        return [c for c in args.only if not args.db or c[0] in args.db]
    sizes = [10_000, 100_000] + ([1_000_000] if args.million else [])
    combos = [(db, size, workers) for db in ("sqlite", "postgresql") for size in sizes for workers in (2, 4)]
    # The 1M goal compares with 10k at the same worker count, so --million adds both at 4 workers.
    chosen = combos if args.full else [*DEFAULT_PLAN, *[c for c in combos if args.million
                                                        and c[1] in (10_000, 1_000_000) and c[2] == 4]]
    return [c for c in chosen if not args.db or c[0] in args.db]


def main(argv: list[str]) -> int:
    args = arguments(argv)
    started = time.monotonic()
    combos = plan(args)
    cluster = Cluster().start() if any(db == "postgresql" for db, _, _ in combos) or not args.skip_ingestion else None
    results: dict[str, Any] = {"run": _about(args), "http": [], "pages": {}, "ingestion": {}}
    results["run"]["reference_ms"] = {"start": reference_ms()}
    if not args.skip_pages:
        pages.install_in_background()
    try:
        targets = sorted({Target(db, size, min(args.base, size)) for db, size, _ in combos}, key=lambda t: t.name)
        results["populations"] = population.ensure(targets, cluster)
        if not args.skip_ingestion:
            results["ingestion"] = _ingestion(cluster, args)
        slowest: tuple[float, Any] | None = None
        for index, (db, size, workers) in enumerate(combos):
            target = Target(db, size, min(args.base, size))
            url = target.url(cluster)
            floor_db = str(target.sqlite_path()) if db == "sqlite" else cluster.dsn(target.database)  # type: ignore
            rows, audited, people = runner.run(db, size, workers, url, floor_db, args.duration,
                                             with_pages=not args.skip_pages and index == 0,
                                             db_pid=cluster.pid() if cluster and db == "postgresql" else None,
                                             rounds=max(1, args.repeat))
            results["http"] += rows
            results["pages"] = results["pages"] or audited
            for row in rows:
                if not row["case"].startswith("floor") and row.get("p50_ms") and (
                        slowest is None or row["p50_ms"] > slowest[0]):
                    slowest = (row["p50_ms"], (row, url, people))
        if args.million and args.rounds and cluster:
            results["scale"] = scale.compare(cluster, args.base, args.duration, args.rounds)
        if slowest and not args.skip_profile:
            results["profile"] = _profile(*slowest[1])
    finally:
        if cluster:
            cluster.stop()
    results["goals"] = report.goals(results)
    results["run"]["reference_ms"]["end"] = reference_ms()
    results["run"]["seconds"] = round(time.monotonic() - started)
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1, sort_keys=True, default=str)
        handle.write("\n")
    print(report.machine(results["run"]))
    print(report.table(results))
    if results.get("scale"):
        print(scale.table(results["scale"]))
    print(report.print_goals(results["goals"]))
    if results.get("profile"):
        print("profile of the slowest case:", json.dumps(results["profile"], indent=1))
    return 0


def _ingestion(cluster: Cluster | None, args: argparse.Namespace) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for db in args.db or ("sqlite", "postgresql"):
        if db == "sqlite":
            path = DATA / "ingest-measure.db"
            path.unlink(missing_ok=True)
            found[db] = ingestion.measure(sqlite_url(path), INGEST_RESOURCES)
            path.unlink(missing_ok=True)
        elif cluster:
            cluster.create("bench_ingest")
            found[db] = ingestion.measure(cluster.url("bench_ingest"), INGEST_RESOURCES)
            cluster.drop("bench_ingest")
    return found


def _profile(row: dict[str, Any], url: str, _people: list) -> dict[str, Any]:
    case = next(c for c in CASES if c.name == row["case"])
    seconds = 10
    with Server("portal.wsgi:app", row["workers"], portal_env(url)) as server:
        people = samples(runner.portal_app(url), server.base + "/dev-idp")  # tokens name this server's issuer
        requests = spec(row["path"], case.auth, people)
        wrk(server.base, requests, 2)
        found = profile.record(server.process.pid, seconds, lambda: wrk(server.base, requests, seconds + 2))
    return {"case": row["case"], "db": row["db"], "persons": row["persons"], "workers": row["workers"],
            "seconds": seconds, **(found or {"error": "py-spy unavailable"})}


def _about(args: argparse.Namespace) -> dict[str, Any]:
    def version(command: list[str]) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
        except OSError:
            return "missing"
        return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "?"

    return {"at": datetime.now(UTC).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
            "python": platform.python_version(), "wrk": version(["wrk", "-v"]),
            "gunicorn": version([sys.executable, "-m", "gunicorn", "--version"]), "duration_s": args.duration,
            "connections": 16, "repeat": args.repeat, "base_persons": args.base,
            "generated_on": GENERATED_ON.isoformat(),
            "full": args.full, "million": args.million}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
