"""A py-spy profile of gunicorn's workers while wrk drives one case; the top costs by function.

"Inclusive" counts a sample for every distinct function on its stack (time spent in it and below), "self" only for
the innermost frame. Frames are named ``function (file)``, with site-packages paths shortened.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from pathlib import Path

from bench.common import PYTHON

# Frames every request passes through: they would top any inclusive list and say nothing.
PLUMBING = ("gunicorn/", "werkzeug/", "flask/app.py", "flask_smorest/", "flask/views.py", "<module>", "flask/ctx.py",
            "webargs/", "flask_login/", "threading.py", "contextlib.py", "bench/", "<frozen runpy>")


def record(pid: int, seconds: int, drive: callable) -> dict | None:  # type: ignore[valid-type]
    """Profile process ``pid`` and its children for ``seconds`` while ``drive()`` runs in a thread."""
    spy = _py_spy()
    if spy is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as out:
        path = out.name
    worker = threading.Thread(target=drive)
    worker.start()
    done = subprocess.run([spy, "record", "--pid", str(pid), "--subprocesses", "--duration", str(seconds),
                           "--rate", "200", "--format", "raw", "--output", path, "--nonblocking"],
                          capture_output=True, text=True, check=False)
    worker.join()
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-300:]}
    return summarise(Path(path).read_text())


def _py_spy() -> str | None:
    """py-spy from the venv, installed there (the ``bench`` extra) on first use."""
    spy = Path(PYTHON).parent / "py-spy"
    if not spy.exists():
        subprocess.run([PYTHON, "-m", "pip", "install", "-q", "py-spy>=0.4.3"], capture_output=True, check=False)
    return str(spy) if spy.exists() else shutil.which("py-spy")


def _name(frame: str) -> str:
    function, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{function} ({where})"


def summarise(raw: str) -> dict:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = [_name(frame) for frame in stack.split(";") if "(" in frame]
        if not frames:
            continue
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples

    def top(counter: Counter[str], skip: tuple[str, ...], n: int) -> list[dict]:
        rows = [(name, count) for name, count in counter.most_common() if not any(s in name for s in skip)]
        return [{"frame": name, "share": round(count / max(total, 1), 3)} for name, count in rows[:n]]

    return {"samples": total, "inclusive": top(inclusive, PLUMBING, 15), "self": top(own, (), 10)}
