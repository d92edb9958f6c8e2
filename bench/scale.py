"""The 1,000,000 goal measured so that the machine's drift cancels: 10,000 and 1,000,000 persons served side by side.

One combination after another (the plan) measures 10k and 1M minutes apart, and on a shared 2-core machine the CPU
a request takes moved by a fifth between two runs of the same case minutes apart, more than the goal's margin.
Here both servers run at once (4 workers each, the idle one takes no CPU) and every case alternates between the
two sizes for a few rounds, in the order small-big, big-small, ...; the goal compares the medians.
"""

from __future__ import annotations

import statistics
from contextlib import ExitStack
from typing import Any

from bench import cases, runner
from bench.common import log, portal_env
from bench.credentials import samples
from bench.http import Server
from bench.pg import Cluster
from bench.population import Target

SMALL, BIG = 10_000, 1_000_000
WORKERS = 4


def compare(cluster: Cluster, base: int, seconds: float, rounds: int) -> dict[str, Any]:
    """Each portal case at both sizes, alternating, ``rounds`` times: every run's figures and the median p50s."""
    with ExitStack() as stack:
        servers, people = {}, {}
        for size in (SMALL, BIG):
            url = Target("postgresql", size, min(base, size)).url(cluster)
            servers[size] = stack.enter_context(Server("portal.wsgi:app", WORKERS, portal_env(url)))
            people[size] = samples(runner.portal_app(url), servers[size].base + "/dev-idp")
        found = []
        for case in cases.CASES:
            runs: dict[int, list[dict[str, Any]]] = {SMALL: [], BIG: []}
            for round_ in range(rounds):
                for size in (SMALL, BIG) if round_ % 2 == 0 else (BIG, SMALL):
                    log(f"  scale {case.name} {size:,} round {round_ + 1}/{rounds}")
                    server = servers[size]
                    runs[size].append(runner.measure_case(server.base, case, people[size], seconds,
                                                          (server.process.pid, cluster.pid())))
            found.append(_summary(case.name, runs))
    return {"rounds": rounds, "seconds": seconds, "workers": WORKERS, "cases": found}


def _summary(case: str, runs: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    if any("skipped" in run for size_runs in runs.values() for run in size_runs):
        return {"case": case, "skipped": "route not there"}
    p50 = {size: statistics.median(run["p50_ms"] for run in size_runs) for size, size_runs in runs.items()}
    return {
        "case": case, "p50_ms_small": round(p50[SMALL], 2), "p50_ms_big": round(p50[BIG], 2),
        "ratio": round(p50[BIG] / p50[SMALL], 2),
        "runs": {str(size): [{key: run[key] for key in ("req_per_s", "p50_ms", "p99_ms", "errors", "cpu_ms")}
                             for run in size_runs] for size, size_runs in runs.items()},
    }


def table(scale: dict[str, Any]) -> str:
    lines = [f"sizes side by side, PostgreSQL, {scale['workers']} workers, {scale['rounds']} rounds of "
             f"{scale['seconds']:g} s each, alternating: p50 median at 10k / 1M, ratio, and every run's p50"]
    for row in scale["cases"]:
        if "skipped" in row:
            lines.append(f"  {row['case']:<19} skipped: {row['skipped']}")
            continue
        each = {size: ", ".join(f"{run['p50_ms']:.1f}" for run in runs) for size, runs in row["runs"].items()}
        lines.append(f"  {row['case']:<19} {row['p50_ms_small']:>7.2f} / {row['p50_ms_big']:>7.2f} ms "
                     f"{row['ratio']:>5.2f}x   10k: {each[str(SMALL)]}   1M: {each[str(BIG)]}")
    return "\n".join(lines)
