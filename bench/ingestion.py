"""Ingestion and rebuild, each measured in its own process (so peak memory is that work's own).

``python -m bench.ingestion ingest URL N``: the demo stream through ``ingest`` (the demo loader's batching: 40
households per call, one Bundle per source) into an empty database until N resources; only the ``ingest`` calls
are timed, not the generator. ``python -m bench.ingestion rebuild URL``: ``readmodel rebuild`` of what is there.
Each prints one JSON line, with the CPU per resource of this process (``cpu_us``) and of its PostgreSQL backend
(``db_cpu_us``; the session keeps one connection throughout).
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


def _ingest(limit: int) -> dict:
    from portal import db
    from portal.demo.generator import generate_households
    from portal.demo.output import batched, bundles
    from portal.ingestion.pipeline import ingest

    resources = received = 0
    spent = cpu = 0.0
    secret = _app_secret()
    backend = _Backend()
    for batch in batched(generate_households(limit, SEED + 1, GENERATED_ON), 40):
        items = [item for household in batch for item in household]
        for source, bundle in bundles(items):
            started, started_cpu = time.perf_counter(), time.process_time()
            report = ingest(db.session(), [bundle], source, secret_key=secret, origin="bench")
            spent += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
            received += report.received
        resources += len(items)
        if resources >= limit:
            break
    return {"resources": received, "seconds": round(spent, 1), "resources_per_s": round(received / spent),
            **_cpu_us(cpu, backend.spent(), received), "peak_mib": _peak_mib()}


def _rebuild() -> dict:
    from portal import db
    from portal.projection.rebuild import rebuild

    backend = _Backend()
    started, started_cpu = time.perf_counter(), time.process_time()
    report = rebuild(db.session(), _app_secret())
    seconds = time.perf_counter() - started
    return {"replayed": report.replayed, "seconds": round(seconds, 1),
            "seconds_per_million": round(seconds / max(report.replayed, 1) * 1e6, 1),
            **_cpu_us(time.process_time() - started_cpu, backend.spent(), report.replayed), "peak_mib": _peak_mib()}


class _Backend:
    """CPU of the PostgreSQL backend serving this process's session (none on SQLite, which runs in the process).

    CPU per resource is the figure that holds on a busy machine: other load stretches time, not work.
    """

    def __init__(self) -> None:
        from sqlalchemy import text

        from portal import db

        session = db.session()
        self.pid = session.execute(text("SELECT pg_backend_pid()")).scalar() if session.bind.dialect.name == (
            "postgresql") else None
        session.commit()
        self.start = self._seconds()

    def _seconds(self) -> float:
        if self.pid is None:
            return 0.0
        with open(f"/proc/{self.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def spent(self) -> float:
        return self._seconds() - self.start


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
