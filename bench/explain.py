"""The plans PostgreSQL ran for the portal's own API requests, with their buffers: is a read still index-bound?

    .venv/bin/python -m bench.explain 1000000 [--case api_journal] [--requests 8]

Serves the portal (one gunicorn worker) on a cached PostgreSQL population with auto_explain loaded in its
sessions (ANALYZE, BUFFERS, every statement), makes a case's request for a few sample persons, and prints the
plans of its statements on that case's table from the cluster's log. The first request warms the worker's caches;
the plans of the later ones are the warm steady state the HTTP cases measure.
"""

from __future__ import annotations

import argparse
import re
import sys
import urllib.request

from bench import cases
from bench.common import portal_env
from bench.credentials import samples
from bench.http import Server
from bench.pg import PG_DIR, Cluster
from bench.population import Target, cached
from bench.runner import portal_app

AUTO_EXPLAIN = ("-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 "
                "-c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c auto_explain.log_timing=on")
TABLES = {"api_journal": "journal_entry", "api_journal_kind": "journal_entry", "api_appointments": "appointment"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__)
    parser.add_argument("persons", type=int)
    parser.add_argument("--base", type=int, default=1000)
    parser.add_argument("--case", choices=sorted(TABLES), default="api_journal")
    parser.add_argument("--requests", type=int, default=8)
    args = parser.parse_args(argv)
    case = next(c for c in cases.CASES if c.name == args.case)
    cluster = Cluster().start()
    try:
        target = Target("postgresql", args.persons, min(args.base, args.persons))
        if cached(target, cluster) is None:
            print(f"{target.name} is not built (run python -m bench with that size first)", file=sys.stderr)
            return 1
        url = target.url(cluster)
        people = []
        log = PG_DIR / "server.log"
        with Server("portal.wsgi:app", 1, {**portal_env(url), "PGOPTIONS": AUTO_EXPLAIN}) as server:
            people = samples(portal_app(url), server.base + "/dev-idp")[:args.requests]
            start = log.stat().st_size
            for sample in people:
                request = urllib.request.Request(server.base + cases.fill(case.paths[0], sample),
                                                 headers=cases.headers(sample, case.auth))
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                    response.read()
            with log.open(encoding="utf-8", errors="replace") as handle:
                handle.seek(start)
                text = handle.read()
        plans = [p for p in re.split(r"\n(?=\S.*LOG:\s+duration:)", text) if f"FROM {TABLES[args.case]}" in p]
        print(f"{len(plans)} plans of {args.case} on {target.name} ({len(people)} requests; first warms up)")
        for plan in plans:
            print(plan.strip(), end="\n\n")
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
