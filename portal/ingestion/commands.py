"""CLI doors to ingestion: ``portal ingest`` and ``portal readmodel rebuild``."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app


@contextmanager
def _app_context() -> Iterator[None]:
    """The running app's context (tests, ``flask``), else the app built from the environment."""
    if current_app:
        yield
        return
    from portal.cli import load_app

    with load_app().app_context():
        yield


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--source", default="cli", show_default=True, help="name of the source system")
def ingest(paths: tuple[str, ...], source: str) -> None:
    """Ingest FHIR R4 JSON Bundles, resources and NDJSON files or folders."""
    with _app_context():
        report = _ingest(paths, source)
    click.echo(report.summary())
    sys.exit(2 if report.quarantined else 0)


def _ingest(paths: tuple[str, ...], source: str):  # type: ignore[no-untyped-def]
    from portal import db
    from portal.ingestion.parsing import read_paths
    from portal.ingestion.pipeline import ingest as run

    settings = current_app.config["SETTINGS"]
    items = read_paths(paths, settings.ingest_max_bytes)
    return run(db.session(), items, source, secret_key=current_app.config["SECRET_KEY"])


@click.group()
def readmodel() -> None:
    """The read model projected from the event log."""


@readmodel.command("rebuild")
def readmodel_rebuild() -> None:
    """Empty the read model and replay the event log into it."""
    from portal import db
    from portal.projection.rebuild import rebuild

    with _app_context():
        started = time.monotonic()
        report = rebuild(db.session(), current_app.config["SECRET_KEY"])
    click.echo(
        f"replayed={report.replayed} applied={report.applied} waiting={report.waiting} "
        f"seconds={time.monotonic() - started:.1f}"
    )
