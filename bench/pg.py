"""A persistent PostgreSQL cluster under bench/data/pg, so loaded populations survive between runs.

``.ci/with-postgres`` (which ``make bench`` wraps) makes a throwaway cluster; a 100,000-person population takes
minutes to load, so the bench keeps its own, started for the run and stopped at its end (by pg_ctl, its own data
directory only).

Its settings serve building populations, which is most of a cold run, and change no answer a request gets:
- no fsync and ``wal_level = minimal``: a table emptied in a transaction is then filled without WAL, and each index
  rebuilt after a bulk copy is written once instead of twice (the 100,000-person copy: 143 s to 97 with the next);
- text collated by bytes (``C``): the same order as the tests' ``C.UTF-8`` (.ci/with-postgres; UTF-8's byte
  order is its code point order), but PostgreSQL then compares text itself instead of through the C library,
  which builds the indexes on source keys and opaque ids about twice as fast. Character classes and case
  (``ILIKE``) stay ``C.UTF-8``'s.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

from bench.common import DATA, log

PG_DIR = DATA / "pg"
SETTINGS = ("-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c shared_buffers=1GB -c max_connections=100 -c maintenance_work_mem=512MB -c max_wal_size=4GB "
            "-c wal_level=minimal -c max_wal_senders=0")


def _pgbin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL is not installed (apt-get install -y postgresql)")
    return versions[-1]


def _as_owner() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    def __init__(self) -> None:
        self.port = 0

    def start(self) -> Cluster:
        data = PG_DIR / "data"
        if not (data / "PG_VERSION").exists():
            shutil.rmtree(PG_DIR, ignore_errors=True)
            PG_DIR.mkdir(parents=True)
            if os.geteuid() == 0:
                shutil.chown(PG_DIR, "postgres", "postgres")
            subprocess.run([*_as_owner(), str(_pgbin() / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                            "-E", "UTF8", "--locale=C.UTF-8", "--lc-collate=C"], check=True, capture_output=True)
        self._stop_stale(data)
        self.port = _free_port()
        subprocess.run([*_as_owner(), str(_pgbin() / "pg_ctl"), "-D", str(data), "-l", str(PG_DIR / "server.log"),
                        "-w", "-t", "60", "-o", f"-p {self.port} -k {PG_DIR} {SETTINGS}", "start"],
                       check=True, capture_output=True)
        log(f"PostgreSQL on 127.0.0.1:{self.port} ({data})")
        return self

    def _stop_stale(self, data: Path) -> None:
        if (data / "postmaster.pid").exists():  # a run that was killed left its server up: stop that one
            subprocess.run([*_as_owner(), str(_pgbin() / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                           capture_output=True)

    def stop(self) -> None:
        if self.port:
            subprocess.run([*_as_owner(), str(_pgbin() / "pg_ctl"), "-D", str(PG_DIR / "data"), "-m", "fast",
                            "stop"], capture_output=True)
            self.port = 0

    def pid(self) -> int | None:
        """The postmaster's pid, whose children are the backends serving the bench."""
        found = PG_DIR / "data" / "postmaster.pid"
        return int(found.read_text().split()[0]) if self.port and found.exists() else None

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        import psycopg

        with psycopg.connect(self.dsn(database), autocommit=True) as connection:
            cursor = connection.execute(statement)  # type: ignore[arg-type]
            return str(cursor.fetchone()[0]) if cursor.description else ""

    def exists(self, database: str) -> bool:
        return self.sql(f"SELECT count(*) FROM pg_database WHERE datname = '{database}'") == "1"

    def drop(self, database: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def create(self, database: str, template: str | None = None) -> None:
        self.drop(database)
        self.sql(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else ""))
