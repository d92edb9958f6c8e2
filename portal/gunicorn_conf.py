"""gunicorn settings for the portal: ``portal serve`` passes them, or ``gunicorn -c python:portal.gunicorn_conf``.

The app is loaded once, in the master, before the workers are forked (``preload_app``): the workers then share the
pages of the code, the models, the schemas and the compiled statements instead of each loading its own copy, about
half of their memory. The app holds no connection at that point, and each engine drops what its pool holds in a
forked child anyway (``portal.db``). New code needs a restart of the master; a HUP reloads only the workers.
"""

from __future__ import annotations

import gc
from typing import Any

preload_app = True


def when_ready(_server: Any) -> None:
    # What is alive once the app is loaded lives as long as the process. Frozen, the collector no longer walks it
    # in every worker (a full collection went through some 140,000 such objects) nor writes to its pages, which
    # then stay shared with the master.
    gc.collect()
    gc.freeze()
