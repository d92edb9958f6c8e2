"""``portal demo``: a deterministic demo population, loaded through the one ingestion path or written as files."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import date, datetime
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import select

from portal.demo.generator import generate_households
from portal.demo.output import NdjsonWriter, batched, bundles
from portal.demo.record import Item
from portal.identity.age import swedish_today

LOAD_HOUSEHOLDS = 40  # households per batch: one chunk (a commit) per source of a batch


@click.command()
@click.option("--persons", default=200, show_default=True, type=click.IntRange(min=0),
              help="random persons besides the fixed personas")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="do nothing when the read model already has persons")
@click.option("--out", "out", type=click.Path(file_okay=False), help="write NDJSON files per source here")
@click.option("--no-load", is_flag=True, help="with --out: only write the files")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), hidden=True)
def demo(persons: int, seed: int, if_empty: bool, out: str | None, no_load: bool, today: datetime | None) -> None:
    """Generate a demo population and load it through ingestion (and/or write it to --out)."""
    from portal.cli import load_app

    app: Flask = current_app._get_current_object() if current_app else load_app()  # type: ignore[attr-defined]
    if app.config["SETTINGS"].env == "production":
        raise click.ClickException("demo data is never loaded in production")
    day = today.date() if today else swedish_today(datetime.now().astimezone())
    with nullcontext() if current_app else app.app_context():
        if if_empty and _has_persons():
            click.echo("persons already loaded: nothing to do")
            return
        started = time.monotonic()
        counts = run(persons, seed, day, out, load=not (no_load and out))
    summary = " ".join(f"{key}={value}" for key, value in counts.items())
    click.echo(f"{summary} seconds={time.monotonic() - started:.1f}")
    if counts.get("quarantined"):
        raise SystemExit(2)


def run(persons: int, seed: int, today: date, out: str | None, load: bool = True) -> dict[str, int]:
    """Stream the population to the files and/or to ingestion; returns the summed ingestion counts."""
    writer = NdjsonWriter(out) if out else None
    totals: dict[str, int] = {}
    try:
        batches = _written(writer, batched(generate_households(persons, seed, today), LOAD_HOUSEHOLDS))
        if load:
            _load(batches, totals)
        else:
            for _ in batches:
                pass
    finally:
        if writer:
            writer.close()
    return totals


def _written(writer: NdjsonWriter | None, batches: Iterator[list[list[Item]]]) -> Iterator[list[list[Item]]]:
    for batch in batches:
        if writer:
            for household in batch:
                writer.write(household)
        yield batch


def _load(batches: Iterator[list[list[Item]]], totals: dict[str, int]) -> None:
    from portal import db
    from portal.ingestion.stream import ingest_many

    chunks = (chunk for batch in batches for chunk in _chunks(batch))
    for report in ingest_many(db.new_session, chunks, secret_key=current_app.config["SECRET_KEY"], origin="demo"):
        for key, value in report.counts().items():
            totals[key] = totals.get(key, 0) + value


def _chunks(batch: list[list[Item]]) -> list[tuple[str, list[Any]]]:
    """One chunk (a transaction) per source of the batch, holding that source's Bundle."""
    return [(source, [bundle]) for source, bundle in bundles([item for household in batch for item in household])]


def _has_persons() -> bool:
    from portal import db
    from portal.readmodel.models import Person

    with db.reading() as session:  # ended here: on SQLite an open transaction would block the loader's sessions
        return session.execute(select(Person.id).limit(1)).first() is not None
