"""Hardening that holds for every route: deny by default, size limits, CORS, rate limits, response headers.

Each protection is its own module with an ``init_app``; the order below is the order their ``before_request``
hooks run in, ahead of every other app-level hook (``_init_extensions`` calls this first).
"""

from __future__ import annotations

from flask import Flask

from portal.security import cors, headers, limits, logs, proxy, routes, sizes


def init_app(app: Flask) -> None:
    proxy.init_app(app)
    routes.init_app(app)
    sizes.init_app(app)
    cors.init_app(app)
    limits.init_app(app)
    headers.init_app(app)
    logs.init_app(app)
