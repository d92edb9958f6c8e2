"""Paths, the bench's fixed settings, and the environment every child process (loader, gunicorn) gets."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
PYTHON = sys.executable
SEED = 1
# The demo generator's "today": fixed, so a cached population stays valid (ages move slowly with the real date).
GENERATED_ON = date(2026, 11, 1)
# Keys opaque ids; the same across runs so cached populations and minted credentials agree.
SECRET_KEY = "bench-only-secret-key-never-used-elsewhere-0123456789"  # noqa: S105
# What decides whether a cached population is still valid: the generator, the schema and the bench's loader.
# (Not ingestion or projection: they change often, rarely change what the rows hold, and are measured on their own
# every run; delete bench/data/populations.json to force a reload.)
FINGERPRINT_PATHS = ("portal/demo", "portal/readmodel/models.py", "portal/migrations/versions",
                     "bench/population.py")
REPLICATION_PATHS = ("bench/replicate.py",)  # only for populations larger than their base


def fingerprint(persons: int, base: int) -> str:
    digest = hashlib.sha256(f"{persons}|{base}|{SEED}|{GENERATED_ON}".encode())
    for name in FINGERPRINT_PATHS + (REPLICATION_PATHS if persons != base else ()):
        path = ROOT / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def portal_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(PORTAL_ENV="development", PORTAL_DEV_IDP="true", PORTAL_SECRET_KEY=SECRET_KEY,
               PORTAL_DATABASE_URL=database_url)
    return env


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def migrate(database_url: str) -> None:
    subprocess.run([str(Path(PYTHON).parent / "portal"), "db", "upgrade"], env=portal_env(database_url),
                   check=True, capture_output=True)


_STARTED = time.monotonic()


def log(message: str) -> None:
    """A progress line, stamped with minutes:seconds since the bench started (where a cold run's time goes)."""
    minutes, seconds = divmod(int(time.monotonic() - _STARTED), 60)
    print(f"[bench {minutes}:{seconds:02d}] {message}", file=sys.stderr, flush=True)
