"""gunicorn servers and the wrk load generator, both on 127.0.0.1, each run bounded in time.

wrk (Debian's, C, 2 threads) round-robins over the sample persons' requests; its own CPU time is measured and
reported, so a reader can see it is not the bottleneck.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.common import PYTHON, ROOT
from portal.cli import GUNICORN_CONFIG

CONNECTIONS = 16
LUA = """
local requests = {}
local index = 0
local spec = %s

function init(args)
  for _, item in ipairs(spec) do
    requests[#requests + 1] = wrk.format("GET", item.path, item.headers)
  end
end

function request()
  index = index %% #requests + 1
  return requests[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A gunicorn master with ``workers`` sync workers on a free port, with the portal's ``serve`` settings."""

    def __init__(self, app: str, workers: int, env: dict[str, str]) -> None:
        self.port = free_port()
        self.workers = workers
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", GUNICORN_CONFIG, "--bind", f"127.0.0.1:{self.port}", "--workers",
             str(workers), app],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5):  # noqa: S310 - loopback
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        os.unlink(self.log.name)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def status(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    req_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    wrk_cpu_s: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def wrk(base: str, spec: list[dict], seconds: float) -> Load:
    """``spec``: [{"path": ..., "headers": {...}}], requested in turn by CONNECTIONS connections."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % _lua_table(spec))
    try:
        process = subprocess.Popen(
            [binary, "-t2", f"-c{CONNECTIONS}", f"-d{max(int(seconds), 1)}s", "--timeout", "10s", "-s", script.name,
             base], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _pid, _status, usage = os.wait4(process.pid, 0)
        output = process.stdout.read() if process.stdout else ""
    finally:
        os.unlink(script.name)
    line = next((text for text in output.splitlines() if text.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {output[-500:]}")
    found = json.loads(line)
    elapsed = found["duration_us"] / 1e6
    errors = sum(found[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Load(found["requests"], round(elapsed, 2), round(found["requests"] / elapsed, 1),
                round(found["p50_us"] / 1000, 2), round(found["p90_us"] / 1000, 2), round(found["p99_us"] / 1000, 2),
                errors, round(usage.ru_utime + usage.ru_stime, 2))


def _lua_table(spec: list[dict]) -> str:
    def quote(text: str) -> str:
        return json.dumps(text)  # a JSON string is a valid Lua string for these ASCII values

    items = []
    for item in spec:
        headers = ", ".join(f"[{quote(k)}] = {quote(v)}" for k, v in item.get("headers", {}).items())
        items.append(f"{{path = {quote(item['path'])}, headers = {{{headers}}}}}")
    return "{" + ",\n".join(items) + "}"


def tree_cpu_seconds(root: int) -> float:
    """User and system CPU of ``root`` and its direct children: gunicorn's workers, PostgreSQL's backends.

    CPU per request is the figure that holds on a busy machine: other load stretches time, not work.
    """
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(entry) == root or int(fields[1]) == root:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def floor_env(env: dict[str, str], database: str) -> dict[str, str]:
    return {**env, "BENCH_FLOOR_DB": database}


__all__ = ["CONNECTIONS", "Load", "Server", "floor_env", "status", "tree_cpu_seconds", "wrk", "Path"]
