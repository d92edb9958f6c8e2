"""CLI doors to ingestion: ``portal ingest`` and ``portal readmodel rebuild`` (filled in by the ingestion work)."""

from __future__ import annotations

import click


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--source", default="cli", show_default=True, help="name of the source system")
def ingest(paths: tuple[str, ...], source: str) -> None:
    """Ingest FHIR R4 JSON Bundles, resources and NDJSON files or folders."""
    raise click.ClickException("not implemented yet")


@click.group()
def readmodel() -> None:
    """The read model projected from the event log."""
