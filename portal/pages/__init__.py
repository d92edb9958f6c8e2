"""The citizen's pages: start, journal, appointments, care plans, access log, and acting for others.

Server-rendered, usable without script; every page is built on the current viewer (``portal.pages.current``) and
reads through the same queries as the API.
"""

from __future__ import annotations

import mimetypes

from flask import Flask, g
from flask_babel import format_decimal

from portal.pages import accesslog, actfor, appointments, careplans, journal, start
from portal.pages.labels import FILTERS, label, resource_label

BLUEPRINTS = (start.blueprint, journal.blueprint, appointments.blueprint, careplans.blueprint,
              accesslog.blueprint, actfor.blueprint)


def init_app(app: Flask) -> None:
    mimetypes.add_type("application/manifest+json", ".webmanifest")
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for name, table in FILTERS.items():
        app.jinja_env.filters[name] = lambda code, table=table: label(table, code)
    app.jinja_env.filters["resource"] = resource_label
    app.jinja_env.filters["decimal"] = format_decimal
    app.jinja_env.filters["path_segment"] = journal.path_segment
    app.context_processor(lambda: {"current": g.get("current")})
    # Decided per request; never carried over by an app context that outlives a request (tests, CLI).
    app.before_request(_forget_current)


def _forget_current() -> None:
    g.pop("current", None)
