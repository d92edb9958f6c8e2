"""A fixed piece of pure-Python work, timed: how fast this machine is right now, to read the run's figures by.

On the shared 2-core machine the same code's figures moved by a third from one day to the next (the floor itself
served 2,740 req/s one day and 2,117 the next). The run times this work at its start and its end; a run whose
reference took longer ran on a slower machine, for the floor and the portal alike.
"""

from __future__ import annotations

import json
import time

ROUNDS = 5


def reference_ms() -> float:
    """The least of ``ROUNDS`` timings of the same work (the least is the one the machine disturbed least), in ms."""
    return round(min(_timed() for _ in range(ROUNDS)) * 1000, 1)


def _timed() -> float:
    started = time.process_time()
    _work()
    return time.process_time() - started


def _work() -> None:
    # What a request does most of: small dicts, attribute-like lookups, string formatting, JSON.
    for number in range(3_000):
        row = {"id": number, "title": f"P-Glukos {number}", "value": number / 7, "unit": "mmol/L",
               "provenance": {"unit": "Medicinkliniken", "hsa": f"SE2321000032-{number:05d}"}}
        json.dumps([row] * 8, separators=(",", ":"))
        sorted(row.items())
