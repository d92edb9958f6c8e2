"""The ``portal`` command: serve, migrate, ingest, demo data, rebuild, audit."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask

from portal.config import ConfigError

GUNICORN_CONFIG = "python:portal.gunicorn_conf"


def load_app() -> Flask:
    from portal import create_app

    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from None


@click.group()
def main() -> None:
    """Citizen health portal. Settings come from PORTAL_* environment variables (see README)."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn workers (not in development)")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the portal: Flask's server in development, gunicorn otherwise."""
    app = load_app()
    if app.config["SETTINGS"].is_development:
        app.run(host=host, port=port, debug=False, threaded=True)
        return
    args = ["gunicorn", "--config", GUNICORN_CONFIG, "--bind", f"{host}:{port}", "--workers", str(workers),
            "portal.wsgi:app"]
    os.execvp(sys.executable, [sys.executable, "-m", *args])  # noqa: S606  # nosec B606


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema."""
    from portal.migrations import upgrade

    app = load_app()
    upgrade(app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


def _register_subsystem_commands() -> None:
    from portal.audit.commands import audit
    from portal.demo.commands import demo
    from portal.ingestion.commands import ingest, readmodel

    main.add_command(ingest)
    main.add_command(readmodel)
    main.add_command(demo)
    main.add_command(audit)


_register_subsystem_commands()
