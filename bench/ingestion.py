"""Ingestion and rebuild, each measured in its own process (so peak memory is that work's own).

``python -m bench.ingestion ingest URL N``: the demo stream through ``ingest_many`` as the demo loader sends it
(one chunk, a Bundle, per source of 40 households) into an empty database until N resources; the chunks are
generated first (their memory is ``input_mib``, part of ``peak_mib``) and only ``ingest_many`` is timed.
``python -m bench.ingestion rebuild URL``: ``readmodel rebuild`` of what is there. Each prints one JSON line,
with the CPU per resource of this process (``cpu_us``, all its threads) and of the database's client backends
(``db_cpu_us``: ingestion's sessions and the bench's own).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

from bench.common import GENERATED_ON, PYTHON, ROOT, SEED, log, migrate, portal_env


def _peak_mib() -> int:
    """This process's own peak: VmHWM restarts at exec (ru_maxrss would carry the forking parent's peak)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _rss_mib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS:"))


def _ingest(limit: int) -> dict:
    from portal import db
    from portal.ingestion.stream import ingest_many

    before = _rss_mib()
    chunks = _chunks(limit)  # generated before the clock starts
    input_mib = _rss_mib() - before
    backends = _Backends()
    started, started_cpu = time.perf_counter(), time.process_time()
    reports = ingest_many(db.new_session, chunks, secret_key=_app_secret(), origin="bench")
    spent = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    received = sum(report.received for report in reports)
    return {"resources": received, "seconds": round(spent, 1), "resources_per_s": round(received / spent),
            **_cpu_us(cpu, backends.spent(), received), "peak_mib": _peak_mib(), "input_mib": input_mib}


def _chunks(limit: int) -> list[tuple[str, list[dict]]]:
    """The demo loader's chunks (one per source of 40 households) until ``limit`` resources."""
    from portal.demo.commands import LOAD_HOUSEHOLDS
    from portal.demo.generator import generate_households
    from portal.demo.output import batched, bundles

    chunks: list[tuple[str, list[dict]]] = []
    resources = 0
    for batch in batched(generate_households(limit, SEED + 1, GENERATED_ON), LOAD_HOUSEHOLDS):
        items = [item for household in batch for item in household]
        chunks += [(source, [bundle]) for source, bundle in bundles(items)]
        resources += len(items)
        if resources >= limit:
            break
    return chunks


def _rebuild() -> dict:
    from portal import db
    from portal.projection.rebuild import rebuild

    backends = _Backends()
    started, started_cpu = time.perf_counter(), time.process_time()
    report = rebuild(db.session(), _app_secret())
    seconds = time.perf_counter() - started
    return {"replayed": report.replayed, "seconds": round(seconds, 1),
            "seconds_per_million": round(seconds / max(report.replayed, 1) * 1e6, 1),
            **_cpu_us(time.process_time() - started_cpu, backends.spent(), report.replayed), "peak_mib": _peak_mib()}


class _Backends:
    """CPU of this database's client backends: ingestion's two sessions (none on SQLite, which runs in the process).

    CPU per resource is the figure that holds on a busy machine: other load stretches time, not work.
    """

    def __init__(self) -> None:
        self.start = self._seconds()

    def _seconds(self) -> dict[int, float]:
        from sqlalchemy import text

        from portal import db

        session = db.session()
        if session.bind.dialect.name != "postgresql":
            return {}
        pids = session.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND backend_type = 'client backend'")).scalars().all()
        session.commit()
        return {pid: _process_seconds(pid) for pid in pids}

    def spent(self) -> float:
        return sum(seconds - self.start.get(pid, 0.0) for pid, seconds in self._seconds().items())


def _process_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_us(client: float, database: float, count: int) -> dict:
    return {"cpu_us": round(client / max(count, 1) * 1e6, 1), "db_cpu_us": round(database / max(count, 1) * 1e6, 1)}


def _app_secret() -> str:
    from flask import current_app

    return str(current_app.config["SECRET_KEY"])


def measure(url: str, resources: int) -> dict:
    """Ingest into the empty database at ``url``, then rebuild it; both results."""
    migrate(url)
    results = {}
    for step, args in (("ingest", [str(resources)]), ("rebuild", [])):
        log(f"  {step} on {url.split(':', 1)[0]}")
        done = subprocess.run([PYTHON, "-m", "bench.ingestion", step, url, *args], cwd=ROOT, env=portal_env(url),
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{step} failed: {done.stderr[-2000:]}")
        results[step] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


def main(argv: list[str]) -> None:
    from portal import create_app

    step, _url, *rest = argv
    app = create_app()
    with app.app_context():
        found = _ingest(int(rest[0])) if step == "ingest" else _rebuild()
    print(json.dumps(found))


if __name__ == "__main__":
    main(sys.argv[1:])
