"""Citizen health portal: one shared health and care record for region and municipalities."""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import Flask

from portal.config import Settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict[str, Any] | Settings | None = None) -> Flask:
    """Build the app. ``config`` is a Settings, or overrides by setting name (lower case) on the environment."""
    settings = config if isinstance(config, Settings) else Settings.from_env(**(config or {}))
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key or _local_secret(app.instance_path),
        DATABASE_URL=settings.database_url or f"sqlite:///{os.path.join(app.instance_path, 'portal.db')}",
        MAX_CONTENT_LENGTH=max(settings.max_request_bytes, settings.ingest_max_bytes),
        DEBUG=settings.debug,
    )
    _init_extensions(app)
    return app


def _local_secret(instance_path: str) -> str:
    """Outside production a secret is made once and kept in the instance folder.

    It keys the opaque public ids, so they must survive restarts and rebuilds; production
    refuses to start without PORTAL_SECRET_KEY (see Settings.check).
    """
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(secrets.token_hex(32))
    with open(path) as handle:
        return handle.read().strip()


def _init_extensions(app: Flask) -> None:
    from portal import api, auth, csrf, db, devidp, errors, i18n, json_provider, pages, security, static_files, web
    from portal.audit import hooks as audit_hooks
    from portal.ingestion import http as ingest_http
    from portal.support import web as support_web

    json_provider.init_app(app)
    db.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    devidp.init_app(app)
    ingest_http.init_app(app)
    web.init_app(app)
    pages.init_app(app)
    api.init_app(app)
    csrf.init_app(app)
    errors.init_app(app)
    audit_hooks.init_app(app)
    support_web.init_app(app)
    static_files.init_app(app)
